// The libc calls the vsock egress and the entropy seeding make, through ffi-rs. ffi-rs is loaded on first
// use, so importing this package never loads a native addon (the proxy egress and the plugin run anywhere).
//
// Buffers are passed as ffi-rs U8Array parameters, which hand the C function the Buffer's own memory (the
// kernel's writes land in it, a subarray's offset is honoured). Every number is checked before ffi-rs sees
// it: ffi-rs aborts the process on some type mismatches. Each call returns { value, errno }: errno is read
// on the calling thread right after the call, and is meaningful only when value is -1.
import { constants } from "node:os";
import { EgressError } from "../errors.js";

type Ffi = typeof import("ffi-rs");

const LIBRARY = "nitro-enclaves-sdk:enclave-libc";

export const AF_UNIX = 1;
export const AF_VSOCK = 40;
export const SOCK_STREAM = 1;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;
export const SOL_SOCKET = 1;
export const SO_ERROR = 4;
export const MSG_NOSIGNAL = 0x4000;
export const POLLIN = 0x001;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;

export interface Result {
  value: number;
  errno: number;
}

export interface Libc {
  socket(domain: number, type: number, protocol: number): Result;
  socketpair(domain: number, type: number, protocol: number, fds: Buffer): Result;
  connect(fd: number, address: Buffer): Result;
  getsockopt(fd: number, level: number, name: number, value: Buffer, length: Buffer): Result;
  setsockopt(fd: number, level: number, name: number, value: Buffer): Result;
  /** send(2) with MSG_NOSIGNAL: a peer that has gone is EPIPE, never a SIGPIPE. */
  send(fd: number, bytes: Uint8Array): Result;
  read(fd: number, into: Uint8Array): Result;
  write(fd: number, bytes: Uint8Array): Result;
  shutdown(fd: number, how: number): Result;
  close(fd: number): Result;
  eventfd(initial: number, flags: number): Result;
  ioctl(fd: number, request: number, argument: Buffer): Result;
  /** poll(2) on a thread of libuv's pool: the event loop stays free while it waits. */
  pollInThread(fds: Buffer, count: number, timeoutMs: number): Promise<Result>;
}

let loading: Promise<Libc> | undefined;

/** The libc calls, once ffi-rs is loaded; an EgressError where it cannot be. */
export function libc(): Promise<Libc> {
  loading ??= import("ffi-rs")
    .then((mod) => bind(((mod as { default?: Ffi }).default ?? mod) as Ffi))
    .catch((cause: unknown) => {
      loading = undefined;
      throw new EgressError("cannot load ffi-rs to make socket and ioctl calls", { cause });
    });
  return loading;
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  return value;
}
const fd = (value: number) => checkInt("fd", value, 0, 0x7fffffff);
const i32 = (name: string, value: number) => checkInt(name, value, -0x80000000, 0x7fffffff);
function bytes(name: string, value: Uint8Array): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  return value;
}

function bind(ffi: Ffi): Libc {
  const { DataType: T } = ffi;
  // An empty path opens the process itself, whose libc is already loaded (glibc or musl alike).
  ffi.open({ library: LIBRARY, path: "" });
  const f = (retType: number, paramsType: number[]) => ({ library: LIBRARY, retType, paramsType, errno: true as const });
  const c = ffi.define({
    socket: f(T.I32, [T.I32, T.I32, T.I32]),
    socketpair: f(T.I32, [T.I32, T.I32, T.I32, T.U8Array]),
    connect: f(T.I32, [T.I32, T.U8Array, T.U32]),
    getsockopt: f(T.I32, [T.I32, T.I32, T.I32, T.U8Array, T.U8Array]),
    setsockopt: f(T.I32, [T.I32, T.I32, T.I32, T.U8Array, T.U32]),
    send: f(T.I64, [T.I32, T.U8Array, T.U64, T.I32]),
    read: f(T.I64, [T.I32, T.U8Array, T.U64]),
    write: f(T.I64, [T.I32, T.U8Array, T.U64]),
    shutdown: f(T.I32, [T.I32, T.I32]),
    close: f(T.I32, [T.I32]),
    eventfd: f(T.I32, [T.U32, T.I32]),
    ioctl: f(T.I32, [T.I32, T.U64, T.U8Array]),
  });
  const result = (r: { value: unknown; errnoCode: number }): Result => ({ value: Number(r.value), errno: r.errnoCode });
  return {
    socket: (domain, type, protocol) => result(c.socket([i32("domain", domain), i32("type", type), i32("protocol", protocol)])),
    socketpair: (domain, type, protocol, fds) => {
      if (!Buffer.isBuffer(fds) || fds.length < 8) throw new TypeError("socketpair needs an 8-byte Buffer");
      return result(c.socketpair([i32("domain", domain), i32("type", type), i32("protocol", protocol), fds]));
    },
    connect: (s, address) => result(c.connect([fd(s), bytes("address", address), address.length])),
    getsockopt: (s, level, name, value, length) => {
      if (length.length < 4) throw new TypeError("getsockopt needs a 4-byte length Buffer");
      length.writeUInt32LE(value.length, 0);
      return result(c.getsockopt([fd(s), i32("level", level), i32("name", name), bytes("value", value), length]));
    },
    setsockopt: (s, level, name, value) => result(c.setsockopt([fd(s), i32("level", level), i32("name", name), bytes("value", value), value.length])),
    send: (s, data) => result(c.send([fd(s), bytes("bytes", data), data.length, MSG_NOSIGNAL])),
    read: (s, into) => result(c.read([fd(s), bytes("into", into), into.length])),
    write: (s, data) => result(c.write([fd(s), bytes("bytes", data), data.length])),
    shutdown: (s, how) => result(c.shutdown([fd(s), i32("how", how)])),
    close: (s) => result(c.close([fd(s)])),
    eventfd: (initial, flags) => result(c.eventfd([checkInt("initial", initial, 0, 0xffffffff), i32("flags", flags)])),
    ioctl: (s, request, argument) => result(c.ioctl([fd(s), checkInt("request", request, 0, 0xffffffff), bytes("argument", argument)])),
    pollInThread: async (fds, count, timeoutMs) => {
      if (!Buffer.isBuffer(fds) || fds.length < count * 8) throw new TypeError("poll needs 8 bytes per descriptor");
      const r = (await ffi.load({
        library: LIBRARY,
        funcName: "poll",
        retType: T.I32,
        paramsType: [T.U8Array, T.U64, T.I32],
        paramsValue: [fds, checkInt("count", count, 0, 0xffff), i32("timeout", timeoutMs)],
        errno: true,
        runInNewThread: true,
      })) as unknown as { value: number; errnoCode: number };
      return result(r);
    },
  };
}

const namesByNumber = new Map<number, string>(Object.entries(constants.errno as Record<string, number>).map(([name, n]) => [n, name]));

/** "ECONNREFUSED" for 111; "E<n>" where the platform has no name. */
export function errnoName(errno: number): string {
  return namesByNumber.get(errno) ?? `E${errno}`;
}

export const EAGAIN = (constants.errno as Record<string, number>).EAGAIN;
export const EINTR = (constants.errno as Record<string, number>).EINTR;
export const EINPROGRESS = (constants.errno as Record<string, number>).EINPROGRESS;
export const ETIMEDOUT = (constants.errno as Record<string, number>).ETIMEDOUT;
export const EBADF = (constants.errno as Record<string, number>).EBADF;

/** A Node-style system error (`code`, `errno`, `syscall`), as node:net would raise, for an error's `cause`. */
export function systemError(errno: number, syscall: string): NodeJS.ErrnoException {
  const code = errnoName(errno);
  const error: NodeJS.ErrnoException = new Error(`${syscall} ${code}`);
  error.code = code;
  error.errno = -errno;
  error.syscall = syscall;
  return error;
}
