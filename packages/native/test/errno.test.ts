// errno names as the platform has them (node:os constants.errno) and as Node's own system errors carry them.
import { openSync } from "node:fs";
import { constants } from "node:os";
import { getSystemErrorName } from "node:util";
import { EAGAIN, EBADF, EINPROGRESS, EINTR, ETIMEDOUT, EWOULDBLOCK, errnoName, systemError } from "@nitro-enclaves-sdk/native";

test("every errno the platform names gets its name back, the one Node's own errors use, for the number and its negative", () => {
  let checked = 0;
  for (const n of Object.values(constants.errno as Record<string, number>)) {
    // Linux has two names for a few numbers (EAGAIN/EWOULDBLOCK, EDEADLK/EDEADLOCK): the name must be one of them...
    const names = Object.entries(constants.errno as Record<string, number>).filter(([, m]) => m === n).map(([k]) => k);
    expect(names).toContain(errnoName(n));
    expect(errnoName(-n)).toBe(errnoName(n));
    // ...and where libuv names the number, the same one.
    const libuv = getSystemErrorName(-n);
    if (!libuv.startsWith("Unknown")) {
      expect([n, errnoName(n)]).toEqual([n, libuv]);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(50);
  expect(errnoName(EAGAIN)).toBe("EAGAIN");
});

test("a number the platform has no name for is E<number>", () => {
  expect(errnoName(100000)).toBe("E100000");
});

test("the named numbers are the platform's", () => {
  const e = constants.errno as Record<string, number>;
  expect({ EAGAIN, EWOULDBLOCK, EINTR, EINPROGRESS, ETIMEDOUT, EBADF }).toEqual({
    EAGAIN: e.EAGAIN,
    EWOULDBLOCK: e.EWOULDBLOCK,
    EINTR: e.EINTR,
    EINPROGRESS: e.EINPROGRESS,
    ETIMEDOUT: e.ETIMEDOUT,
    EBADF: e.EBADF,
  });
});

test("systemError has the shape of the errors node:fs raises", () => {
  let node: NodeJS.ErrnoException | undefined;
  try {
    openSync("/nonexistent-dir/file", "r");
  } catch (e) {
    node = e as NodeJS.ErrnoException;
  }
  const ours = systemError(Math.abs(node!.errno!), "open");
  expect({ code: ours.code, errno: ours.errno, syscall: ours.syscall }).toEqual({ code: node!.code, errno: node!.errno, syscall: node!.syscall });
  expect(ours).toBeInstanceOf(Error);
  expect(ours.message).toBe("open ENOENT");
});
