// The vsock byte path (FdStream over a nonblocking socket, with the shared poller) against a real kernel
// socket: an AF_UNIX socketpair made through the same ffi-rs calls. The kernel is the independent party:
// what one end sends, the other receives (checked by SHA-256), EOF after shutdown, ECONNRESET when a peer
// closes with unread data, EPIPE on writes to a closed peer, and /proc/self/fd for descriptor leaks.
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { TLSSocket, connect as tlsConnect } from "node:tls";
import { ConnectionResetError, EgressTimeoutError } from "@nitro-enclaves-sdk/enclave";
import { createTestCa } from "../../../../test/test-ca.cjs";
import { errorOf, openDescriptors, readAll, socketPair } from "./socket-pair";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("8 MiB each way at once arrive intact, in order, and both ends see EOF after end()", async () => {
  const [a, b] = await socketPair({ allowHalfOpen: true });
  const toB = randomBytes(8 * 1024 * 1024);
  const toA = randomBytes(8 * 1024 * 1024);
  const receivedByB = readAll(b);
  const receivedByA = readAll(a);
  const closed = Promise.all([once(a, "close"), once(b, "close")]);
  a.end(toB);
  b.end(toA);
  expect(sha256(await receivedByB)).toBe(sha256(toB));
  expect(sha256(await receivedByA)).toBe(sha256(toA));
  await closed; // both directions done: each end destroys itself
});

test("backpressure: a reader that stops leaves the bytes in the kernel, not in this process; they all arrive once it reads", async () => {
  const [a, b] = await socketPair({ readChunkBytes: 16 * 1024 });
  const data = randomBytes(4 * 1024 * 1024);
  b.pause();
  let written = false;
  a.write(data, () => (written = true));
  // Let the writer fill what the kernel will take and the reader fill its bounded buffer.
  for (let i = 0; i < 20; i++) await tick(10);
  expect(written).toBe(false); // the kernel's buffers are full: the write has not completed
  expect(b.readableLength).toBeLessThanOrEqual(2 * 16 * 1024); // the reader's side holds at most its highWaterMark (+ one chunk)
  const received = readAll(b);
  b.resume();
  a.end();
  expect(sha256(await received)).toBe(sha256(data));
  expect(written).toBe(true);
});

test("half-close: after end() the peer reads EOF, and can still answer", async () => {
  const [a, b] = await socketPair({ allowHalfOpen: true });
  const question = readAll(b);
  a.end("question");
  expect((await question).toString()).toBe("question");
  const answer = readAll(a);
  b.end("answer after EOF");
  expect((await answer).toString()).toBe("answer after EOF");
});

test("a peer that closes cleanly mid-stream is EOF: the reader ends without an error", async () => {
  const [a, b] = await socketPair();
  const received = readAll(a);
  b.write("partial");
  await tick(20);
  b.destroy();
  expect((await received).toString()).toBe("partial");
});

test("a peer that closes with unread data resets the connection: ConnectionResetError (ECONNRESET) on read", async () => {
  const [a, b] = await socketPair();
  b.pause();
  a.write("never read by b");
  await tick(20);
  const failed = errorOf(a);
  a.resume();
  b.destroy(); // the kernel resets a: b's receive queue still held data
  const error = await failed;
  expect(error).toBeInstanceOf(ConnectionResetError);
  expect(error).toMatchObject({ code: "ENCLAVE_CONNECTION_RESET", errno: "ECONNRESET", cause: { code: "ECONNRESET" } });
});

test("writing to a peer that has gone is a ConnectionResetError (EPIPE), never a SIGPIPE", async () => {
  const [a, b] = await socketPair();
  b.destroy();
  await tick(20);
  const failed = errorOf(a);
  a.write("into the void");
  const error = await failed;
  expect(error).toBeInstanceOf(ConnectionResetError);
  expect(["EPIPE", "ECONNRESET"]).toContain((error as ConnectionResetError).errno);
});

test("a silent peer times out a stream in use (EgressTimeoutError, ETIMEDOUT); an unref'd (idle) stream does not", async () => {
  const [a, silent] = await socketPair({ ioTimeoutMs: 100 }, {});
  const failed = errorOf(a);
  a.resume(); // waits to read; the other end says nothing
  const error = await failed;
  expect(error).toBeInstanceOf(EgressTimeoutError);
  expect(error).toMatchObject({ code: "ENCLAVE_EGRESS_TIMEOUT", errno: "ETIMEDOUT", cause: { code: "ETIMEDOUT" } });
  silent.destroy();

  const [idle, peer] = await socketPair({ ioTimeoutMs: 100 }, {});
  idle.unref().resume();
  await tick(300);
  expect(idle.destroyed).toBe(false);
  idle.ref(); // in use again: the silence now counts
  expect(await errorOf(idle)).toBeInstanceOf(EgressTimeoutError);
  peer.destroy();
});

test("every descriptor is closed exactly once: 50 pairs opened and destroyed leave /proc/self/fd as it was", async () => {
  const [x, y] = await socketPair(); // the poller's own eventfd is made by the first pair
  x.destroy();
  y.destroy();
  await tick(20);
  const before = openDescriptors();
  for (let i = 0; i < 50; i++) {
    const [a, b] = await socketPair();
    a.write("x");
    a.destroy();
    a.destroy(); // twice: still one close
    b.end();
    b.resume();
    await once(b, "close");
  }
  await tick(50);
  expect(openDescriptors()).toBe(before);
});

test("TLS runs over it: tls.connect({ socket }) to a TLS server on the other end, certificate checked against the test CA", async () => {
  const ca = createTestCa(["kms.test.internal"]);
  const [a, b] = await socketPair();
  const server = new TLSSocket(b, { isServer: true, cert: ca.certPem, key: ca.keyPem });
  server.on("data", (d: Buffer) => server.write(Buffer.from(d.toString().toUpperCase())));
  const client = tlsConnect({ socket: a, servername: "kms.test.internal", ca: [ca.caPem] });
  await once(client, "secureConnect");
  expect(client.authorized).toBe(true);
  const big = randomBytes(300_000).toString("hex");
  client.write(big);
  let echoed = "";
  client.on("data", (d: Buffer) => (echoed += d.toString()));
  while (echoed.length < big.length) await once(client, "data");
  expect(echoed).toBe(big.toUpperCase());
  client.destroy();
  server.destroy();
  a.destroy();
  b.destroy();
});
