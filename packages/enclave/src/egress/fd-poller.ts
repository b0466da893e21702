// One poll(2) for every socket descriptor this package drives itself (vsock connections, which Node's
// net.Socket cannot wrap). Reads and writes are nonblocking calls on the main thread; only the wait for
// readiness leaves it: one poll() at a time, on one thread of libuv's pool, covering all descriptors plus an
// eventfd that wakes it when the set of descriptors or what they wait for grows. So all vsock connections
// together hold at most one pool thread, and only while one of them is in use.
//
// A descriptor is closed only while no poll() is outstanding (a poll never watches a closed or reused
// descriptor number), and exactly once.
import { EFD_CLOEXEC, EFD_NONBLOCK, EINTR, POLLERR, POLLIN, SHUT_RDWR, type Libc } from "@nitro-enclaves-sdk/native";
import { libc } from "../libc.js";

export interface PollTarget {
  readonly fd: number;
  /** The poll events wanted now (POLLIN | POLLOUT), 0 for none. */
  events(): number;
  /** Whether this target is in use: polling goes on only while some target is (as a ref'd socket keeps Node running). */
  refed(): boolean;
  /** Called with the returned events (POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL). */
  ready(revents: number): void;
}

export class FdPoller {
  readonly #libc: Libc;
  readonly #wakeFd: number;
  readonly #wakeBuffer = Buffer.alloc(8);
  readonly #targets = new Set<PollTarget>();
  #toClose: number[] = [];
  /** What the outstanding poll watches (fd -> events), undefined when none is outstanding. */
  #watching: Map<PollTarget, number> | undefined;
  #woken = false;
  #dispatching = false;

  constructor(c: Libc) {
    this.#libc = c;
    const wake = c.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake.value < 0) throw new Error(`eventfd failed (errno ${wake.errno})`);
    this.#wakeFd = wake.value;
    this.#wakeBuffer.writeBigUInt64LE(1n);
  }

  get libc(): Libc {
    return this.#libc;
  }

  add(target: PollTarget): void {
    this.#targets.add(target);
    this.changed();
  }

  /** Stops watching the target; its descriptor stays open (another target takes it over). */
  remove(target: PollTarget): void {
    this.#targets.delete(target);
  }

  /** Stops watching the target and closes its descriptor (after shutdown), once no poll() is outstanding. */
  release(target: PollTarget): void {
    if (!this.#targets.delete(target)) return;
    this.#libc.shutdown(target.fd, SHUT_RDWR);
    this.#toClose.push(target.fd);
    if (this.#watching) this.#wake();
    else this.#closePending();
  }

  /** A target wants other events, or was ref'd or unref'd: poll again if the outstanding poll does not cover it. */
  changed(): void {
    if (this.#dispatching) return; // the poll is re-planned after dispatching
    const watching = this.#watching;
    if (!watching) {
      this.#poll();
      return;
    }
    let anyRefed = false;
    for (const t of this.#targets) {
      const events = t.events();
      if (t.refed() && events !== 0) anyRefed = true;
      if ((events & ~(watching.get(t) ?? 0)) !== 0) return this.#wake();
    }
    if (!anyRefed) this.#wake(); // nothing in use any more: let the outstanding poll end so the process may exit
  }

  #wake(): void {
    if (this.#woken) return;
    this.#woken = true;
    this.#libc.write(this.#wakeFd, this.#wakeBuffer);
  }

  #closePending(): void {
    for (const fd of this.#toClose) this.#libc.close(fd);
    this.#toClose = [];
  }

  #poll(): void {
    this.#closePending();
    const targets = [...this.#targets].map((t) => [t, t.events()] as const).filter(([, events]) => events !== 0);
    if (!targets.some(([t]) => t.refed())) return;
    const fds = Buffer.alloc(8 * (targets.length + 1));
    fds.writeInt32LE(this.#wakeFd, 0);
    fds.writeInt16LE(POLLIN, 4);
    targets.forEach(([t, events], i) => {
      fds.writeInt32LE(t.fd, 8 * (i + 1));
      fds.writeInt16LE(events, 8 * (i + 1) + 4);
    });
    this.#watching = new Map(targets);
    this.#libc.pollInThread(fds, targets.length + 1, -1).then(
      (result) => this.#dispatch(targets, fds, result.value < 0 && result.errno !== EINTR),
      () => this.#dispatch(targets, fds, true),
    );
  }

  #dispatch(targets: (readonly [PollTarget, number])[], fds: Buffer, failed: boolean): void {
    this.#watching = undefined;
    if (this.#woken) {
      this.#libc.read(this.#wakeFd, this.#wakeBuffer.subarray(0, 8).fill(0));
      this.#wakeBuffer.writeBigUInt64LE(1n);
      this.#woken = false;
    }
    this.#dispatching = true;
    try {
      targets.forEach(([t], i) => {
        // A failed poll() (which does not happen with valid arguments) lets every target find out for itself.
        const revents = failed ? POLLERR : fds.readUInt16LE(8 * (i + 1) + 6);
        if (revents !== 0 && this.#targets.has(t)) t.ready(revents);
      });
    } finally {
      this.#dispatching = false;
    }
    this.#poll();
  }
}

let poller: Promise<FdPoller> | undefined;

/** The process's poller, made on first use. */
export function fdPoller(): Promise<FdPoller> {
  poller ??= libc().then((c) => new FdPoller(c));
  poller.catch(() => {
    poller = undefined;
  });
  return poller;
}
