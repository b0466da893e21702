// The calls against this machine's kernel, on real descriptors: the kernel is the independent party, and node
// (fstat, net, fs) or util-linux's flock command checks what it did. errno comes back with the platform's name.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AF_UNIX,
  EFD_CLOEXEC,
  EFD_NONBLOCK,
  EWOULDBLOCK,
  LOCK_EX,
  LOCK_NB,
  LOCK_UN,
  POLLIN,
  SHUT_WR,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_ERROR,
  SO_RCVBUF,
  errnoName,
  libc,
  type Libc,
} from "@nitro-enclaves-sdk/native";

const TCGETS = 0x5401; // a terminal's ioctl: anything else answers ENOTTY
const FIONREAD = 0x541b; // bytes waiting to be read, written into the int argument

let c: Libc;
let dir: string;
const opened: number[] = [];
beforeAll(async () => {
  c = await libc();
  dir = mkdtempSync(join(tmpdir(), "native-syscalls-"));
});
afterEach(() => {
  for (const fd of opened.splice(0)) c.close(fd);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pair(): [number, number] {
  const r = c.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  expect(r).toMatchObject({ value: 0 });
  opened.push(...r.fds!);
  return r.fds!;
}
const name = (r: { value: number; errno: number }) => (r.value === -1 ? errnoName(r.errno) : r.value);

test("libc() opens ffi-rs once: every call gets the same calls", async () => {
  expect(await libc()).toBe(c);
});

test("socketpair: two connected sockets; what one end writes the other reads, into a subarray at its offset", () => {
  const [a, b] = pair();
  expect(fstatSync(a).isSocket() && fstatSync(b).isSocket()).toBe(true);
  expect(c.write(a, Buffer.from("hello"))).toMatchObject({ value: 5 });
  const into = Buffer.alloc(10, ".");
  expect(c.read(b, into.subarray(2, 9))).toMatchObject({ value: 5 });
  expect(into.toString()).toBe("..hello...");
  expect(name(c.read(b, into))).toBe("EAGAIN"); // nonblocking, nothing waiting
});

test("send after the peer has gone is EPIPE, and no SIGPIPE ends the process", () => {
  const [a, b] = pair();
  expect(c.close(b)).toMatchObject({ value: 0 });
  opened.splice(opened.indexOf(b), 1);
  expect(name(c.send(a, Buffer.from("x")))).toBe("EPIPE");
});

test("shutdown(SHUT_WR): the peer reads end of file", () => {
  const [a, b] = pair();
  expect(c.shutdown(a, SHUT_WR)).toMatchObject({ value: 0 });
  expect(c.read(b, Buffer.alloc(4))).toMatchObject({ value: 0 });
});

test("close: a closed descriptor is EBADF, for close and for read", () => {
  const [a] = pair();
  opened.splice(opened.indexOf(a), 1);
  expect(c.close(a)).toMatchObject({ value: 0 });
  expect(name(c.close(a))).toBe("EBADF");
  expect(name(c.read(a, Buffer.alloc(1)))).toBe("EBADF");
});

test("getsockopt and setsockopt: SO_ERROR is 0; SO_RCVBUF reads back doubled, as socket(7) documents", () => {
  const [a] = pair();
  const value = Buffer.alloc(4, 0xff);
  expect(c.getsockopt(a, SOL_SOCKET, SO_ERROR, value)).toMatchObject({ value: 0, length: 4 });
  expect(value.readInt32LE(0)).toBe(0);
  const size = Buffer.alloc(4);
  size.writeInt32LE(8192);
  expect(c.setsockopt(a, SOL_SOCKET, SO_RCVBUF, size)).toMatchObject({ value: 0 });
  expect(c.getsockopt(a, SOL_SOCKET, SO_RCVBUF, value)).toMatchObject({ value: 0, length: 4 });
  expect(value.readInt32LE(0)).toBe(2 * 8192);
  expect(name(c.getsockopt(a, SOL_SOCKET, 0x7fff, value))).toBe("ENOPROTOOPT"); // an option SOL_SOCKET does not have
});

test("socket + connect to a node:net server on a Unix socket; pollInThread waits for its answer", async () => {
  const path = join(dir, "server.sock");
  const received: Buffer[] = [];
  const server = createServer((s: Socket) => s.on("data", (d) => (received.push(d), s.write("pong"))));
  server.listen(path);
  await once(server, "listening");
  try {
    const s = c.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    expect(s.value).toBeGreaterThanOrEqual(0);
    opened.push(s.value);
    // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
    const sockaddr = Buffer.alloc(110);
    sockaddr.writeUInt16LE(AF_UNIX, 0);
    sockaddr.write(path, 2);
    expect(c.connect(s.value, sockaddr)).toMatchObject({ value: 0 });
    expect(c.send(s.value, Buffer.from("ping"))).toMatchObject({ value: 4 });
    const fds = Buffer.alloc(8);
    fds.writeInt32LE(s.value, 0);
    fds.writeInt16LE(POLLIN, 4);
    const polled = await c.pollInThread(fds, 1, 10_000);
    expect(polled).toMatchObject({ value: 1 });
    expect(fds.readInt16LE(6) & POLLIN).toBe(POLLIN); // the kernel wrote revents into our buffer
    const answer = Buffer.alloc(16);
    const r = c.read(s.value, answer);
    expect(answer.subarray(0, r.value).toString()).toBe("pong");
    expect(Buffer.concat(received).toString()).toBe("ping");
  } finally {
    server.close();
  }
  const missing = Buffer.alloc(110);
  missing.writeUInt16LE(AF_UNIX, 0);
  missing.write(join(dir, "nobody-here.sock"), 2);
  const s = c.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  opened.push(s.value);
  expect(name(c.connect(s.value, missing))).toBe("ENOENT");
});

test("pollInThread with nothing ready and timeout 0 returns 0", async () => {
  const [a] = pair();
  const fds = Buffer.alloc(8);
  fds.writeInt32LE(a, 0);
  fds.writeInt16LE(POLLIN, 4);
  expect(await c.pollInThread(fds, 1, 0)).toMatchObject({ value: 0 });
});

test("eventfd: a read returns the counter and resets it, as eventfd(2) documents", () => {
  const e = c.eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
  expect(e.value).toBeGreaterThanOrEqual(0);
  opened.push(e.value);
  const counter = Buffer.alloc(8);
  expect(c.read(e.value, counter)).toMatchObject({ value: 8 });
  expect(counter.readBigUInt64LE(0)).toBe(3n);
  expect(name(c.read(e.value, counter))).toBe("EAGAIN");
  counter.writeBigUInt64LE(5n);
  expect(c.write(e.value, counter)).toMatchObject({ value: 8 });
  counter.fill(0);
  c.read(e.value, counter);
  expect(counter.readBigUInt64LE(0)).toBe(5n);
});

test("ioctl: the kernel writes into the argument (FIONREAD); a regular file answers a terminal request with ENOTTY", () => {
  const [a, b] = pair();
  c.write(a, Buffer.from("12345"));
  const count = Buffer.alloc(4);
  expect(c.ioctl(b, FIONREAD, count)).toMatchObject({ value: 0 });
  expect(count.readInt32LE(0)).toBe(5);
  const file = join(dir, "regular");
  writeFileSync(file, "not a terminal");
  const fd = openSync(file, "r");
  try {
    expect(name(c.ioctl(fd, TCGETS, Buffer.alloc(64)))).toBe("ENOTTY");
  } finally {
    closeSync(fd);
  }
});

test("ioctlInThread at an address from addressOf: the kernel's write lands in the buffer; ENOTTY likewise", async () => {
  const [a, b] = pair();
  c.write(a, Buffer.from("123"));
  const block = Buffer.allocUnsafeSlow(64).fill(0);
  const at = c.addressOf(block);
  expect(await c.ioctlInThread(b, FIONREAD, at + 8)).toMatchObject({ value: 0 });
  expect(block.readInt32LE(8)).toBe(3);
  const file = join(dir, "regular-2");
  writeFileSync(file, "");
  const fd = openSync(file, "r");
  try {
    const r = await c.ioctlInThread(fd, TCGETS, at);
    expect(name(r)).toBe("ENOTTY");
  } finally {
    closeSync(fd);
  }
});

test("addressOf: the buffer's own memory, stable, offset for a subarray; its contents are left as they were", () => {
  const block = Buffer.allocUnsafeSlow(4096).fill(7);
  const at = c.addressOf(block);
  expect(Number.isSafeInteger(at) && at > 0).toBe(true);
  expect(c.addressOf(block)).toBe(at);
  expect(c.addressOf(block.subarray(100))).toBe(at + 100);
  expect(c.addressOf(Buffer.allocUnsafeSlow(4096))).not.toBe(at);
  expect(block.every((byte) => byte === 7)).toBe(true);
});

test("flock: a second open file description of a locked file gets EWOULDBLOCK, and the lock goes with LOCK_UN", () => {
  const file = join(dir, "lock");
  writeFileSync(file, "");
  const first = openSync(file, "r");
  const second = openSync(file, "r");
  try {
    expect(c.flock(first, LOCK_EX | LOCK_NB)).toMatchObject({ value: 0 });
    expect(c.flock(second, LOCK_EX | LOCK_NB)).toEqual({ value: -1, errno: EWOULDBLOCK });
    expect(c.flock(first, LOCK_UN)).toMatchObject({ value: 0 });
    expect(c.flock(second, LOCK_EX | LOCK_NB)).toMatchObject({ value: 0 });
  } finally {
    closeSync(first);
    closeSync(second);
  }
});

(existsSync("/usr/bin/flock") ? test : test.skip)("flock: util-linux's flock command sees the lock we hold, and takes it once we let go", () => {
  const file = join(dir, "lock-cli");
  writeFileSync(file, "");
  const fd = openSync(file, "r");
  const tryOther = () => spawnSync("/usr/bin/flock", ["--nonblock", "--conflict-exit-code", "7", file, "true"]).status;
  try {
    expect(c.flock(fd, LOCK_EX | LOCK_NB)).toMatchObject({ value: 0 });
    expect(tryOther()).toBe(7);
    expect(c.flock(fd, LOCK_UN)).toMatchObject({ value: 0 });
    expect(tryOther()).toBe(0);
  } finally {
    closeSync(fd);
  }
});
