// Every call refuses a value of the wrong type or range with a NativeArgumentError before ffi-rs sees it.
// Unchecked, some of these abort the whole process (a number where ffi-rs expects a buffer) and others are
// silently truncated (2^40 as an int is 0): this test's process surviving is part of what it checks.
import { libc, NativeArgumentError, type Libc } from "@nitro-enclaves-sdk/native";

let c: Libc;
beforeAll(async () => {
  c = await libc();
});

const badFds = [-1, 2 ** 31, 1.5, Number.NaN, "3", null, undefined, 3n];
const notBytes = [5, "abc", [1, 2], null, undefined, {}, new DataView(new ArrayBuffer(8)), new Uint16Array(4)];
const badInt32 = [2 ** 31, -(2 ** 31) - 1, 0.5, Number.POSITIVE_INFINITY, "1"];

function refused(call: () => unknown): void {
  let thrown: unknown;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(NativeArgumentError);
  expect(thrown).toMatchObject({ code: "NATIVE_BAD_ARGUMENT", name: "NativeArgumentError" });
}
const any = (v: unknown) => v as never;
const buf = Buffer.alloc(16);

test.each(badFds)("fd %p is refused by every call that takes a descriptor", (fd) => {
  refused(() => c.connect(any(fd), buf));
  refused(() => c.getsockopt(any(fd), 1, 4, buf));
  refused(() => c.setsockopt(any(fd), 1, 8, buf));
  refused(() => c.send(any(fd), buf));
  refused(() => c.read(any(fd), buf));
  refused(() => c.write(any(fd), buf));
  refused(() => c.shutdown(any(fd), 2));
  refused(() => c.close(any(fd)));
  refused(() => c.flock(any(fd), 2));
  refused(() => c.ioctl(any(fd), 0x5401, buf));
});

test.each(notBytes)("%p where bytes are expected is refused", (bytes) => {
  refused(() => c.connect(0, any(bytes)));
  refused(() => c.getsockopt(0, 1, 4, any(bytes)));
  refused(() => c.setsockopt(0, 1, 8, any(bytes)));
  refused(() => c.send(0, any(bytes)));
  refused(() => c.read(0, any(bytes)));
  refused(() => c.write(0, any(bytes)));
  refused(() => c.ioctl(0, 0x5401, any(bytes)));
  refused(() => c.addressOf(any(bytes)));
});

test.each(badInt32)("%p where a C int is expected is refused", (n) => {
  refused(() => c.socket(any(n), 1, 0));
  refused(() => c.socket(1, any(n), 0));
  refused(() => c.socketpair(1, 1, any(n)));
  refused(() => c.getsockopt(0, any(n), 4, buf));
  refused(() => c.setsockopt(0, 1, any(n), buf));
  refused(() => c.shutdown(0, any(n)));
  refused(() => c.eventfd(0, any(n)));
  refused(() => c.flock(0, any(n)));
});

test("unsigned values, lengths and addresses are checked", async () => {
  refused(() => c.eventfd(-1, 0));
  refused(() => c.eventfd(2 ** 32, 0));
  refused(() => c.ioctl(0, -1, buf));
  refused(() => c.ioctl(0, 2 ** 32, buf));
  refused(() => c.connect(0, Buffer.alloc(1))); // shorter than sa_family
  refused(() => c.addressOf(Buffer.alloc(0))); // no memory to point at
  for (const address of [0, -8, 1.5, 2 ** 60, "4096"]) {
    await expect(c.ioctlInThread(0, 0x5401, any(address))).rejects.toBeInstanceOf(NativeArgumentError);
  }
  await expect(c.ioctlInThread(0, 2 ** 32, 4096)).rejects.toBeInstanceOf(NativeArgumentError);
  await expect(c.pollInThread(Buffer.alloc(8), 2, 0)).rejects.toMatchObject({ code: "NATIVE_BAD_ARGUMENT" }); // 2 pollfds need 16 bytes
  await expect(c.pollInThread(Buffer.alloc(8), 0x10000, 0)).rejects.toBeInstanceOf(NativeArgumentError);
  await expect(c.pollInThread(any(8), 1, 0)).rejects.toBeInstanceOf(NativeArgumentError);
  await expect(c.pollInThread(Buffer.alloc(8), 1, 2 ** 31)).rejects.toBeInstanceOf(NativeArgumentError);
});

test("the calls are a frozen object: nothing can replace one", () => {
  expect(Object.isFrozen(c)).toBe(true);
  expect(() => {
    (c as { close: unknown }).close = () => ({ value: 0, errno: 0 });
  }).toThrow(TypeError);
});
