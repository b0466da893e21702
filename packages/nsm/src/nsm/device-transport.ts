// The NSM transport inside a real Nitro Enclave: CBOR requests go to /dev/nsm through one ioctl each.
//
// The ioctl argument is the driver's `struct nsm_message { struct iovec request; struct iovec response; }`:
// four little-endian u64 words (request addr, request len, response addr, response capacity). The
// kernel overwrites the fourth word with the response's real length. The ioctl is made through
// @nitro-enclaves-sdk/native, on a thread of its own, with the block's address as its argument.
import { closeSync, openSync, constants as fsConstants } from "node:fs";
import { FfiUnavailableError, NativeArgumentError, errnoName, libc, type Libc } from "@nitro-enclaves-sdk/native";
import { isBytes } from "../arguments.js";
import { NsmArgumentError, NsmClosedError, NsmFfiUnavailableError, NsmInputTooLargeError, NsmMalformedResponseError } from "../errors.js";
import { errnoError } from "./errno.js";
import { NSM_REQUEST_MAX_SIZE, NSM_RESPONSE_MAX_SIZE, type NsmTransport } from "./transport.js";

/** _IOWR(0x0A, 0, sizeof(struct nsm_message) = 32). */
export const NSM_IOCTL_REQUEST = 0xc0200a00;

const MESSAGE_SIZE = 32;
// One memory block per transport: [message (32) | pad to 64 | request (4096) | response (0x3000)].
const REQUEST_OFFSET = 64;
const RESPONSE_OFFSET = REQUEST_OFFSET + NSM_REQUEST_MAX_SIZE;
const BLOCK_SIZE = RESPONSE_OFFSET + NSM_RESPONSE_MAX_SIZE;

// A transport dropped without close() still gives its descriptor back when it is collected.
const descriptors = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

interface Channel {
  fd: number;
  libc: Libc;
  block: Buffer;
  address: number;
}

export class DeviceTransport implements NsmTransport {
  readonly path: string;
  #channel: Promise<Channel> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(path: string = "/dev/nsm") {
    if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
      throw new NsmArgumentError("DeviceTransport path must be a non-empty string without NUL bytes");
    }
    this.path = path;
  }

  /** Sends one CBOR request and resolves with the CBOR response. Requests are sent one at a time. */
  request(request: Uint8Array): Promise<Uint8Array> {
    if (!isBytes(request)) return Promise.reject(new NsmArgumentError("an NSM request must be a Uint8Array"));
    if (request.length === 0) return Promise.reject(new NsmArgumentError("an NSM request cannot be empty"));
    if (request.length > NSM_REQUEST_MAX_SIZE) {
      return Promise.reject(
        new NsmInputTooLargeError(`the request is ${request.length} bytes; the NSM accepts at most ${NSM_REQUEST_MAX_SIZE} (InputTooLarge)`),
      );
    }
    if (this.#closed) return Promise.reject(new NsmClosedError());
    const copy = Uint8Array.from(request); // the caller may reuse its buffer while we wait our turn
    const run = this.#queue.then(() => this.#send(copy));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Refuses new requests (NsmClosedError) at once, and closes the device once the requests already
   * queued have been answered.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = this.#queue.then(() => {
      // The channel as the queued requests left it (they may have opened it after close() was called).
      const channel = this.#channel;
      this.#channel = undefined;
      return channel
        ?.then((c) => {
          descriptors.unregister(this);
          closeSync(c.fd);
        })
        .catch(() => undefined);
    });
  }

  async #send(request: Uint8Array): Promise<Uint8Array> {
    const { fd, libc, block, address } = await this.#open();
    block.fill(0, REQUEST_OFFSET);
    block.set(request, REQUEST_OFFSET);
    block.writeBigUInt64LE(BigInt(address + REQUEST_OFFSET), 0);
    block.writeBigUInt64LE(BigInt(request.length), 8);
    block.writeBigUInt64LE(BigInt(address + RESPONSE_OFFSET), 16);
    block.writeBigUInt64LE(BigInt(NSM_RESPONSE_MAX_SIZE), 24);
    const { value, errno } = await libc.ioctlInThread(fd, NSM_IOCTL_REQUEST, address).catch((e: unknown) => {
      throw nsmError(e);
    });
    if (value !== 0) {
      throw errnoError(`ioctl on ${this.path}`, errnoName(errno || 5), errno || 5);
    }
    const length = block.readBigUInt64LE(24);
    if (length === 0n || length > BigInt(NSM_RESPONSE_MAX_SIZE)) {
      throw new NsmMalformedResponseError(`the driver reported a response of ${length} bytes (capacity ${NSM_RESPONSE_MAX_SIZE})`);
    }
    return Uint8Array.from(block.subarray(RESPONSE_OFFSET, RESPONSE_OFFSET + Number(length)));
  }

  #open(): Promise<Channel> {
    this.#channel ??= (async () => {
      const c = await libc().catch((cause: unknown) => {
        throw new NsmFfiUnavailableError("cannot load ffi-rs to reach the NSM device", "ENOSYS", undefined, { cause });
      });
      let fd: number;
      try {
        fd = openSync(this.path, fsConstants.O_RDWR);
      } catch (cause) {
        const e = cause as NodeJS.ErrnoException;
        throw errnoError(`open ${this.path}`, e.code ?? "EIO", e.errno, cause);
      }
      // allocUnsafeSlow gives the block its own ArrayBuffer, whose memory V8 never moves.
      const block = Buffer.allocUnsafeSlow(BLOCK_SIZE).fill(0);
      try {
        const channel = { fd, libc: c, block, address: c.addressOf(block) };
        descriptors.register(this, fd, this);
        return channel;
      } catch (error) {
        closeSync(fd);
        throw nsmError(error);
      }
    })();
    // A failed open is not remembered: the next request tries again.
    this.#channel.catch(() => {
      this.#channel = undefined;
    });
    return this.#channel;
  }
}

/** The native package's refusals as this package's errors: ffi-rs misbehaving (EFAULT), or a bad argument. */
function nsmError(error: unknown): unknown {
  if (error instanceof FfiUnavailableError) return new NsmFfiUnavailableError(error.message, "EFAULT", undefined, { cause: error });
  if (error instanceof NativeArgumentError) return new NsmArgumentError(error.message, { cause: error });
  return error;
}
