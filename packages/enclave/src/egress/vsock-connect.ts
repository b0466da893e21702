// connectVsock({ cid, port }): a connected AF_VSOCK stream socket as an FdStream (a Duplex), e.g. to AWS's
// vsock-proxy on the parent instance (CID 3), which forwards the port to one host:443. The socket is made
// nonblocking; connect() completes through the shared poller, within connectTimeoutMs (also given to the
// kernel as SO_VM_SOCKETS_CONNECT_TIMEOUT, whose own default is 2 s).
//
// struct sockaddr_vm (16 bytes): sa_family u16 = AF_VSOCK, reserved1 u16, port u32, cid u32, flags u8, zero[3].
import {
  AF_VSOCK,
  EINPROGRESS,
  EINTR,
  ETIMEDOUT,
  POLLOUT,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_ERROR,
  errnoName,
  systemError,
} from "@nitro-enclaves-sdk/native";
import { EgressError, EgressTimeoutError, EnclaveOptionsError, VsockRefusedError, VsockUnreachableError } from "../errors.js";
import { ownProperty } from "../own-property.js";
import { fdPoller, type FdPoller, type PollTarget } from "./fd-poller.js";
import { FdStream, type FdStreamOptions } from "./fd-stream.js";

export interface VsockAddress {
  /** The context id: 3 is the parent instance as an enclave sees it, 1 this machine (vsock_loopback). */
  cid: number;
  port: number;
}

export interface VsockConnectOptions extends Omit<FdStreamOptions, "label"> {
  /** Longest wait for the connection (default 10 000 ms). */
  connectTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const SO_VM_SOCKETS_CONNECT_TIMEOUT = 6; // struct timeval on 64-bit Linux: { i64 tv_sec; i64 tv_usec }
const U32_MAX = 0xffffffff;

/** `{ cid, port }` read from own properties and checked (both unsigned 32-bit integers). */
export function checkVsockAddress(value: unknown, what = "vsock"): VsockAddress {
  const cid = ownProperty(value, "cid");
  const port = ownProperty(value, "port");
  const u32 = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= U32_MAX;
  if (!u32(cid) || !u32(port)) throw new EnclaveOptionsError(`${what} must be { cid, port } with unsigned 32-bit integers`);
  return { cid, port };
}

export async function connectVsock(address: VsockAddress, options: VsockConnectOptions = {}): Promise<FdStream> {
  const { cid, port } = checkVsockAddress(address);
  const label = `vsock ${cid}:${port}`;
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new EnclaveOptionsError("connectTimeoutMs must be a positive integer");
  const poller = await fdPoller();
  const c = poller.libc;
  const s = c.socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.value < 0) throw connectError(label, s.errno, "socket");
  const fd = s.value;
  const timeout = Buffer.alloc(16);
  timeout.writeBigInt64LE(BigInt(Math.floor(timeoutMs / 1000)), 0);
  timeout.writeBigInt64LE(BigInt((timeoutMs % 1000) * 1000), 8);
  c.setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, timeout); // best effort: our own timer below decides too

  const sockaddr = Buffer.alloc(16);
  sockaddr.writeUInt16LE(AF_VSOCK, 0);
  sockaddr.writeUInt32LE(port, 4);
  sockaddr.writeUInt32LE(cid, 8);
  let r = c.connect(fd, sockaddr);
  while (r.value < 0 && r.errno === EINTR) r = c.connect(fd, sockaddr);
  if (r.value < 0 && r.errno !== EINPROGRESS) {
    c.close(fd);
    throw connectError(label, r.errno, "connect");
  }
  if (r.value < 0) await connected(poller, fd, label, timeoutMs);
  return new FdStream(fd, poller, { ...options, label });
}

/** Waits until a nonblocking connect() finishes; closes the descriptor if it fails or times out. */
function connected(poller: FdPoller, fd: number, label: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const target: PollTarget = {
      fd,
      events: () => POLLOUT,
      refed: () => true,
      ready: () => {
        clearTimeout(timer);
        const value = Buffer.alloc(4);
        const r = poller.libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, value);
        const errno = r.value < 0 ? r.errno : value.readInt32LE(0);
        if (errno === 0) {
          poller.remove(target); // the FdStream takes the descriptor over
          resolve();
        } else {
          poller.release(target);
          reject(connectError(label, errno, "connect"));
        }
      },
    };
    const timer = setTimeout(() => {
      poller.release(target);
      reject(connectError(label, ETIMEDOUT, "connect"));
    }, timeoutMs);
    poller.add(target);
  });
}

function connectError(label: string, errno: number, syscall: string): EgressError {
  const name = errnoName(errno);
  const options = { errno: name, cause: systemError(errno, syscall) };
  switch (name) {
    case "ECONNREFUSED":
    case "ECONNRESET":
      return new VsockRefusedError(`${label}: connection refused (${name}): nothing listens on that port`, options);
    case "ENODEV":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return new VsockUnreachableError(`${label}: no vsock transport reaches that CID (${name})`, options);
    case "EAFNOSUPPORT":
      return new VsockUnreachableError(`${label}: this kernel has no AF_VSOCK (${name}); load the vsock module`, options);
    case "ETIMEDOUT":
      return new EgressTimeoutError(`${label}: connect timed out (${name})`, options);
    default:
      return new EgressError(`${label}: ${syscall} failed (${name})`, options);
  }
}
