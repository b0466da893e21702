// The libc calls the SDK makes, each with its arguments checked before ffi-rs sees them (arguments.ts) and
// errno read right after it returns, on the thread that made it.
//
// Buffers are passed as ffi-rs U8Array parameters, which hand the C function the array's own memory: the
// kernel's writes land in it, and a subarray's offset is honoured. Memory is never described to ffi-rs as a
// struct (its struct types copy, which loses the kernel's write-back): the caller lays a struct out in bytes.
import { address, bytes, fd, int32, integer, uint32 } from "./arguments.js";
import { MSG_NOSIGNAL, POLLFD_SIZE } from "./constants.js";
import { FfiUnavailableError } from "./errors.js";
import { LIBC, loadFfi, type Ffi } from "./ffi.js";

/** What a call returned, and errno read right after it; errno means something only when value is -1. */
export interface SyscallResult {
  value: number;
  errno: number;
}

export interface Libc {
  /** socket(2): the new descriptor. */
  socket(domain: number, type: number, protocol: number): SyscallResult;
  /** socketpair(2): on success, `fds` are the two connected descriptors. */
  socketpair(domain: number, type: number, protocol: number): SyscallResult & { fds?: [number, number] };
  /** connect(2) to the address laid out in `sockaddr` (a struct sockaddr_un, sockaddr_vm, ...). */
  connect(fd: number, sockaddr: Uint8Array): SyscallResult;
  /** getsockopt(2) into `optval`; `length` is how many bytes of it the kernel filled. */
  getsockopt(fd: number, level: number, name: number, optval: Uint8Array): SyscallResult & { length: number };
  /** setsockopt(2) with all of `optval`. */
  setsockopt(fd: number, level: number, name: number, optval: Uint8Array): SyscallResult;
  /** send(2) of `data` with MSG_NOSIGNAL (a peer that has gone is EPIPE, never a SIGPIPE): the bytes taken. */
  send(fd: number, data: Uint8Array): SyscallResult;
  /** read(2) into `into`, at most its length: the bytes read, 0 at end of file. */
  read(fd: number, into: Uint8Array): SyscallResult;
  /** write(2) of `data`: the bytes taken. */
  write(fd: number, data: Uint8Array): SyscallResult;
  /** shutdown(2): SHUT_RD, SHUT_WR or SHUT_RDWR. */
  shutdown(fd: number, how: number): SyscallResult;
  /** close(2). */
  close(fd: number): SyscallResult;
  /** eventfd(2): a new descriptor whose counter starts at `initial`. */
  eventfd(initial: number, flags: number): SyscallResult;
  /** flock(2): LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB to fail with EWOULDBLOCK instead of waiting. */
  flock(fd: number, operation: number): SyscallResult;
  /** ioctl(2) whose argument points at `argument`: the struct the request reads or writes, laid out by the caller. */
  ioctl(fd: number, request: number, argument: Uint8Array): SyscallResult;
  /**
   * ioctl(2) off the main thread (the event loop stays free while a slow device answers), with a raw address as
   * its argument: memory from addressOf(), which the caller keeps referenced until the promise settles.
   */
  ioctlInThread(fd: number, request: number, address: number): Promise<SyscallResult>;
  /** poll(2) on the first `count` struct pollfd in `fds` (POLLFD_SIZE bytes each), off the main thread. */
  pollInThread(fds: Uint8Array, count: number, timeoutMs: number): Promise<SyscallResult>;
  /**
   * The address of `buffer`'s first byte, proven to be its own memory and not a copy. Only for memory that does
   * not move: a Buffer from Buffer.allocUnsafeSlow() (an ArrayBuffer of its own), kept referenced while in use.
   */
  addressOf(buffer: Uint8Array): number;
}

let binding: Promise<Libc> | undefined;

/** The calls, once ffi-rs is loaded: an FfiUnavailableError where it cannot be (the next call tries again). */
export function libc(): Promise<Libc> {
  binding ??= loadFfi().then(bind);
  binding.catch(() => {
    binding = undefined;
  });
  return binding;
}

type Raw = { value: unknown; errnoCode: number };
const result = (r: Raw): SyscallResult => ({ value: Number(r.value), errno: r.errnoCode });

function bind(ffi: Ffi): Libc {
  const T = ffi.DataType;
  /** A libc function taking already checked values; its result with errno. */
  const fn =
    (funcName: string, retType: number, paramsType: number[]) =>
    (...paramsValue: unknown[]): SyscallResult =>
      result(ffi.load({ library: LIBC, funcName, retType, paramsType, paramsValue, errno: true }) as unknown as Raw);
  const inThread =
    (funcName: string, retType: number, paramsType: number[]) =>
    async (...paramsValue: unknown[]): Promise<SyscallResult> =>
      result((await ffi.load({ library: LIBC, funcName, retType, paramsType, paramsValue, errno: true, runInNewThread: true })) as unknown as Raw);
  const c = {
    socket: fn("socket", T.I32, [T.I32, T.I32, T.I32]),
    socketpair: fn("socketpair", T.I32, [T.I32, T.I32, T.I32, T.U8Array]),
    connect: fn("connect", T.I32, [T.I32, T.U8Array, T.U32]),
    getsockopt: fn("getsockopt", T.I32, [T.I32, T.I32, T.I32, T.U8Array, T.U8Array]),
    setsockopt: fn("setsockopt", T.I32, [T.I32, T.I32, T.I32, T.U8Array, T.U32]),
    send: fn("send", T.I64, [T.I32, T.U8Array, T.U64, T.I32]),
    read: fn("read", T.I64, [T.I32, T.U8Array, T.U64]),
    write: fn("write", T.I64, [T.I32, T.U8Array, T.U64]),
    shutdown: fn("shutdown", T.I32, [T.I32, T.I32]),
    close: fn("close", T.I32, [T.I32]),
    eventfd: fn("eventfd", T.I32, [T.U32, T.I32]),
    flock: fn("flock", T.I32, [T.I32, T.I32]),
    ioctl: fn("ioctl", T.I32, [T.I32, T.U64, T.U8Array]),
    ioctlInThread: inThread("ioctl", T.I32, [T.I32, T.U64, T.U64]),
    pollInThread: inThread("poll", T.I32, [T.U8Array, T.U64, T.I32]),
    // memcpy(dst, src, 0) copies nothing and returns dst: the address ffi-rs passed for the array.
    pointerTo: fn("memcpy", T.U64, [T.U8Array, T.U8Array, T.U64]),
    compareAt: fn("memcmp", T.I32, [T.U64, T.U8Array, T.U64]),
  };

  return Object.freeze<Libc>({
    socket: (domain, type, protocol) => c.socket(int32("domain", domain), int32("type", type), int32("protocol", protocol)),
    socketpair: (domain, type, protocol) => {
      const fds = Buffer.alloc(8);
      const r = c.socketpair(int32("domain", domain), int32("type", type), int32("protocol", protocol), fds);
      return r.value === 0 ? { ...r, fds: [fds.readInt32LE(0), fds.readInt32LE(4)] } : r;
    },
    connect: (s, sockaddr) => c.connect(fd(s), bytes("sockaddr", sockaddr, 2), sockaddr.length),
    getsockopt: (s, level, name, optval) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes("optval", optval).length);
      const r = c.getsockopt(fd(s), int32("level", level), int32("name", name), optval, length);
      return { ...r, length: length.readUInt32LE(0) };
    },
    setsockopt: (s, level, name, optval) => c.setsockopt(fd(s), int32("level", level), int32("name", name), bytes("optval", optval), optval.length),
    send: (s, data) => c.send(fd(s), bytes("data", data), data.length, MSG_NOSIGNAL),
    read: (s, into) => c.read(fd(s), bytes("into", into), into.length),
    write: (s, data) => c.write(fd(s), bytes("data", data), data.length),
    shutdown: (s, how) => c.shutdown(fd(s), int32("how", how)),
    close: (s) => c.close(fd(s)),
    eventfd: (initial, flags) => c.eventfd(uint32("initial", initial), int32("flags", flags)),
    flock: (s, operation) => c.flock(fd(s), int32("operation", operation)),
    ioctl: (s, request, argument) => c.ioctl(fd(s), uint32("request", request), bytes("argument", argument)),
    ioctlInThread: async (s, request, at) => c.ioctlInThread(fd(s), uint32("request", request), address("address", at)),
    pollInThread: async (fds, count, timeoutMs) => {
      const n = integer("count", count, 0, 0xffff);
      return c.pollInThread(bytes("fds", fds, n * POLLFD_SIZE), n, int32("timeout", timeoutMs));
    },
    addressOf: (buffer) => {
      bytes("buffer", buffer, 1); // an empty array has no memory: ffi-rs would pass NULL
      const at = Number(c.pointerTo(buffer, buffer, 0).value);
      if (!Number.isSafeInteger(at) || at <= 0) throw new FfiUnavailableError(`ffi-rs gave the buffer address ${at}`);
      // Prove that the address is the buffer's own memory: change a byte from JS and read it back through it.
      const first = buffer[0]!;
      const probe = new Uint8Array(1);
      try {
        for (const value of [0x5a, 0xa5]) {
          buffer[0] = probe[0] = value;
          if (c.compareAt(at, probe, 1).value !== 0) throw new FfiUnavailableError("ffi-rs did not pass the buffer by reference");
        }
      } finally {
        buffer[0] = first;
      }
      return at;
    },
  });
}
