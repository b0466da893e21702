// errno values by name, and names for errno values, as this platform defines them (node:os constants.errno).
import { constants } from "node:os";

const numbers = constants.errno as Readonly<Record<string, number>>;
// Where two names share a number (EAGAIN and EWOULDBLOCK on Linux), the first is the one Node's own errors use.
const names = new Map<number, string>();
for (const [name, n] of Object.entries(numbers)) if (!names.has(n)) names.set(n, name);

/** "ECONNREFUSED" for 111 (or -111, as Node's errors carry it); "E<n>" where the platform has no name. */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return names.get(n) ?? `E${n}`;
}

export const EAGAIN = numbers.EAGAIN!;
/** The same number as EAGAIN on Linux; flock's "another descriptor holds the lock". */
export const EWOULDBLOCK = numbers.EWOULDBLOCK!;
export const EINTR = numbers.EINTR!;
export const EINPROGRESS = numbers.EINPROGRESS!;
export const ETIMEDOUT = numbers.ETIMEDOUT!;
export const EBADF = numbers.EBADF!;

/** A Node-style system error (`code`, negative `errno`, `syscall`), as node:net or node:fs would raise it. */
export function systemError(errno: number, syscall: string): NodeJS.ErrnoException {
  const code = errnoName(errno);
  const error: NodeJS.ErrnoException = new Error(`${syscall} ${code}`);
  error.code = code;
  error.errno = -Math.abs(errno);
  error.syscall = syscall;
  return error;
}
