// A Duplex over a connected, nonblocking stream socket descriptor that Node cannot wrap in a net.Socket
// (AF_VSOCK): what `tls.connect({ socket })` runs TLS over. Reads and writes are nonblocking calls on the
// main thread; when the socket is not ready, the stream waits for the shared poller (fd-poller.ts).
//
// Bounded: at most one read chunk (64 KiB by default) is read at a time, and reading stops while the
// readable side is over its highWaterMark, so a peer that sends faster than the consumer reads fills the
// kernel's buffer and is slowed by it, never this process's memory. A write's callback runs once the kernel
// took all its bytes, so a writer that does not wait for 'drain' is held up by the socket too.
// `end()` shuts the write side down (the peer reads EOF, and may still answer); destroy() shuts both down
// and closes the descriptor exactly once. ref()/unref() work as net.Socket's do.
import { Duplex } from "node:stream";
import { EAGAIN, EBADF, EINTR, ETIMEDOUT, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, SHUT_WR, SOL_SOCKET, SO_ERROR, errnoName, systemError } from "@nitro-enclaves-sdk/native";
import { ConnectionResetError, EgressTimeoutError } from "../errors.js";
import type { FdPoller, PollTarget } from "./fd-poller.js";

export const DEFAULT_READ_CHUNK_BYTES = 64 * 1024;

export interface FdStreamOptions {
  /**
   * While the stream is in use (ref'd) and waits to read or to write, the longest time without a byte
   * moving before it is destroyed with an EgressTimeoutError (ETIMEDOUT). 0 (the default) never times out.
   */
  ioTimeoutMs?: number;
  /** Keep the write side open after the peer's EOF (default false, as net.Socket). */
  allowHalfOpen?: boolean;
  /** Bytes per read(2), and the readable side's highWaterMark (default 64 KiB). */
  readChunkBytes?: number;
  /** Names the connection in error messages, e.g. "vsock 3:8000". */
  label?: string;
}

interface PendingWrite {
  data: Uint8Array;
  callback: (error?: Error | null) => void;
}

export class FdStream extends Duplex implements PollTarget {
  readonly fd: number;
  readonly #poller: FdPoller;
  readonly #label: string;
  readonly #ioTimeoutMs: number;
  readonly #chunk: Buffer;
  #wantRead = false;
  #pending: PendingWrite | undefined;
  #refed = true;
  #released = false;
  #lastProgress = performance.now();
  #timer: NodeJS.Timeout | undefined;

  /** Takes ownership of `fd`: a connected, nonblocking SOCK_STREAM socket. */
  constructor(fd: number, poller: FdPoller, options: FdStreamOptions = {}) {
    const chunk = options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES;
    super({ allowHalfOpen: options.allowHalfOpen ?? false, readableHighWaterMark: chunk, decodeStrings: true });
    this.fd = fd;
    this.#poller = poller;
    this.#label = options.label ?? `socket ${fd}`;
    this.#ioTimeoutMs = options.ioTimeoutMs ?? 0;
    this.#chunk = Buffer.allocUnsafe(chunk);
    poller.add(this);
  }

  // ---- PollTarget ----
  events(): number {
    return (this.#wantRead ? POLLIN : 0) | (this.#pending ? POLLOUT : 0);
  }
  refed(): boolean {
    return this.#refed;
  }
  ready(revents: number): void {
    if (revents & POLLNVAL) return void this.destroy(this.#failure(EBADF, "poll"));
    if (revents & (POLLIN | POLLHUP | POLLERR) && this.#wantRead) this.#readNow();
    if (revents & (POLLOUT | POLLHUP | POLLERR) && this.#pending) this.#writeNow();
    if (revents & POLLERR && !this.destroyed && !this.#wantRead && !this.#pending) {
      const errno = this.#socketError();
      if (errno !== 0) this.destroy(this.#failure(errno, "poll"));
    }
  }

  /** Lets the process exit while this stream is idle (as net.Socket.unref). */
  unref(): this {
    this.#refed = false;
    this.#disarm();
    if (!this.#released) this.#poller.changed();
    return this;
  }
  ref(): this {
    this.#refed = true;
    this.#lastProgress = performance.now(); // time spent idle does not count
    this.#arm();
    if (!this.#released) this.#poller.changed();
    return this;
  }

  // ---- Duplex ----
  override _read(): void {
    this.#wantRead = true;
    this.#readNow();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#pending = { data: chunk, callback };
    this.#writeNow();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The peer reads EOF; its answer can still arrive. A peer that is already gone makes this fail: nothing to tell.
    this.#poller.libc.shutdown(this.fd, SHUT_WR);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#disarm();
    this.#wantRead = false;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!this.#released) {
      this.#released = true;
      this.#poller.release(this);
    }
    pending?.callback(error ?? new ConnectionResetError(`${this.#label}: the stream was destroyed before the write completed`));
    callback(error);
  }

  #readNow(): void {
    const c = this.#poller.libc;
    while (this.#wantRead && !this.destroyed) {
      const r = c.read(this.fd, this.#chunk);
      if (r.value > 0) {
        this.#progress();
        // A copy of its own for the consumer: the chunk buffer is read into again.
        if (!this.push(Buffer.from(this.#chunk.subarray(0, r.value)))) this.#wantRead = false;
      } else if (r.value === 0) {
        this.#wantRead = false;
        this.push(null);
      } else if (r.errno === EAGAIN) {
        this.#arm();
        this.#poller.changed();
        return;
      } else if (r.errno !== EINTR) {
        this.destroy(this.#failure(r.errno, "read"));
        return;
      }
    }
    this.#arm();
  }

  #writeNow(): void {
    const c = this.#poller.libc;
    while (this.#pending && !this.destroyed) {
      const pending = this.#pending;
      const r = c.send(this.fd, pending.data);
      if (r.value >= 0) {
        if (r.value > 0) this.#progress();
        if (r.value === pending.data.length) {
          this.#pending = undefined;
          pending.callback();
        } else {
          pending.data = pending.data.subarray(r.value);
        }
      } else if (r.errno === EAGAIN) {
        this.#arm();
        this.#poller.changed();
        return;
      } else if (r.errno !== EINTR) {
        this.#pending = undefined;
        pending.callback(this.#failure(r.errno, "send"));
        return;
      }
    }
  }

  #socketError(): number {
    const value = Buffer.alloc(4);
    const r = this.#poller.libc.getsockopt(this.fd, SOL_SOCKET, SO_ERROR, value);
    return r.value < 0 ? r.errno : value.readInt32LE(0);
  }

  #failure(errno: number, syscall: string): Error {
    const name = errnoName(errno);
    const cause = systemError(errno, syscall);
    if (name === "ETIMEDOUT") return new EgressTimeoutError(`${this.#label}: ${syscall} timed out (ETIMEDOUT)`, { errno: name, cause });
    return new ConnectionResetError(`${this.#label}: the connection failed on ${syscall} (${name})`, { errno: name, cause });
  }

  #progress(): void {
    this.#lastProgress = performance.now();
  }

  /** Starts the I/O timer if the stream is in use and waits for something. */
  #arm(): void {
    if (this.#ioTimeoutMs === 0 || this.#timer || !this.#refed || this.destroyed || !(this.#wantRead || this.#pending)) return;
    const wait = Math.max(0, this.#lastProgress + this.#ioTimeoutMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#refed || this.destroyed || !(this.#wantRead || this.#pending)) return;
      if (performance.now() - this.#lastProgress >= this.#ioTimeoutMs) {
        const cause = systemError(ETIMEDOUT, this.#pending ? "send" : "read");
        this.destroy(new EgressTimeoutError(`${this.#label}: no byte moved for ${this.#ioTimeoutMs} ms (ETIMEDOUT)`, { errno: "ETIMEDOUT", cause }));
      } else this.#arm();
    }, wait);
    this.#timer.unref(); // the poll keeps the process alive while the stream is in use, not this timer
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
