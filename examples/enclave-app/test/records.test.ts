// Sealed records and the HTTP API over a record store in a temporary directory, with a random data key.
// The sealed layout is checked by opening files with node:crypto directly, as the README documents it.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordUnreadableError } from "../src/errors";
import { createApiServer } from "../src/http-api";
import { MAX_RECORD_BYTES, RecordStore } from "../src/record-store";
import { openRecord, sealRecord } from "../src/sealed-record";

const keyBytes = randomBytes(32);
const key = createSecretKey(keyBytes);

describe("sealed records", () => {
  test("the layout: version 1, a 12-byte IV, the ciphertext, a 16-byte GCM tag; AAD = version byte || name", () => {
    const record = Buffer.from("the quick brown fox");
    const sealed = sealRecord(key, "fox", record);
    expect(sealed.length).toBe(1 + 12 + record.length + 16);
    expect(sealed[0]).toBe(1);
    const decipher = createDecipheriv("aes-256-gcm", keyBytes, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from("\x01fox"));
    decipher.setAuthTag(sealed.subarray(-16));
    expect(Buffer.concat([decipher.update(sealed.subarray(13, -16)), decipher.final()])).toEqual(record);
  });

  test("a record sealed by node:crypto by that layout opens; every IV is new", () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", keyBytes, iv);
    cipher.setAAD(Buffer.from("\x01n"));
    const sealed = Buffer.concat([Buffer.of(1), iv, cipher.update("made elsewhere"), cipher.final(), cipher.getAuthTag()]);
    expect(openRecord(key, "n", sealed).toString()).toBe("made elsewhere");
    const ivs = new Set(Array.from({ length: 100 }, () => sealRecord(key, "n", Buffer.alloc(0)).subarray(1, 13).toString("hex")));
    expect(ivs.size).toBe(100);
  });

  test("another name, another key, any changed byte, a truncation or an unknown version: RecordUnreadableError, one message", () => {
    const sealed = sealRecord(key, "a", Buffer.from("content"));
    const attempts: (() => unknown)[] = [
      () => openRecord(key, "b", sealed),
      () => openRecord(createSecretKey(randomBytes(32)), "a", sealed),
      () => openRecord(key, "a", sealed.subarray(0, sealed.length - 1)),
      () => openRecord(key, "a", sealed.subarray(0, 28)),
      () => openRecord(key, "a", Buffer.concat([Buffer.of(2), sealed.subarray(1)])),
      ...Array.from({ length: sealed.length }, (_, i) => () => {
        const changed = Buffer.from(sealed);
        changed[i] ^= 0x01;
        return openRecord(key, "a", changed);
      }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(RecordUnreadableError);
      expect(attempt).toThrow("the stored record cannot be opened");
    }
  });
});

describe("the HTTP API", () => {
  let dir: string;
  let url: URL;
  let server: ReturnType<typeof createApiServer>;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "enclave-app-api-"));
    server = createApiServer(new RecordStore(key, dir), (line) => logged.push(line));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: Buffer, headers: Record<string, string | number> = {}) =>
    new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
      });
      req.on("error", reject);
      req.end(body);
    });
  const json = (r: { body: Buffer }) => JSON.parse(r.body.toString()) as { error: string; message: string };

  test("PUT keeps a sealed record (no plaintext on disk), GET returns it, PUT again replaces it", async () => {
    const record = randomBytes(1000);
    expect((await call("PUT", "/records/r-1", record)).status).toBe(204);
    expect(readFileSync(join(dir, "records/r-1")).includes(record.subarray(0, 32))).toBe(false);
    const got = await call("GET", "/records/r-1");
    expect(got).toMatchObject({ status: 200, body: record });
    expect(got.headers).toMatchObject({ "content-type": "application/octet-stream", "cache-control": "no-store" });
    expect((await call("PUT", "/records/r-1", Buffer.from("second"))).status).toBe(204);
    expect((await call("GET", "/records/r-1")).body.toString()).toBe("second");
    expect((await call("PUT", "/records/empty", Buffer.alloc(0))).status).toBe(204);
    expect((await call("GET", "/records/empty")).body.length).toBe(0);
    expect(readdirSync(join(dir, "records")).sort()).toEqual(["empty", "r-1"]); // no temporary files left
  });

  test.each([
    ["GET", "/records/none", 404, "APP_RECORD_NOT_FOUND"],
    ["GET", "/records/..", 400, "APP_BAD_RECORD_NAME"],
    ["GET", "/records/a%2Fb", 400, "APP_BAD_RECORD_NAME"],
    ["GET", "/records/.hidden", 400, "APP_BAD_RECORD_NAME"],
    ["GET", `/records/${"x".repeat(65)}`, 400, "APP_BAD_RECORD_NAME"],
    ["PUT", "/records/", 400, "APP_BAD_RECORD_NAME"],
    ["DELETE", "/records/r-1", 405, "APP_METHOD_NOT_ALLOWED"],
    ["GET", "/records/a/b", 404, "APP_NOT_FOUND"],
    ["GET", "/", 404, "APP_NOT_FOUND"],
    ["POST", "/healthz", 405, "APP_METHOD_NOT_ALLOWED"],
  ])("%s %s: %i %s", async (method, path, status, code) => {
    const r = await call(method, path);
    expect(r.status).toBe(status);
    expect(json(r).error).toBe(code);
  });

  test("GET /healthz", async () => {
    const r = await call("GET", "/healthz");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ status: "ok" });
  });

  test("a record over 1 MiB is refused, declared or streamed, and nothing is kept", async () => {
    expect(json(await call("PUT", "/records/big", Buffer.alloc(MAX_RECORD_BYTES + 1)))).toMatchObject({ error: "APP_RECORD_TOO_LARGE" });
    const streamed = await call("PUT", "/records/big", Buffer.alloc(MAX_RECORD_BYTES + 1), { "transfer-encoding": "chunked" });
    expect(streamed.status).toBe(413);
    expect((await call("PUT", "/records/exact", Buffer.alloc(MAX_RECORD_BYTES))).status).toBe(204);
    expect((await call("GET", "/records/big")).status).toBe(404);
  });

  test("a damaged record file: 500 APP_RECORD_UNREADABLE with the fixed message; the log names only the code", async () => {
    expect((await call("PUT", "/records/damaged", Buffer.from("fine until now"))).status).toBe(204);
    const file = join(dir, "records/damaged");
    const bytes = readFileSync(file);
    bytes[20] ^= 0xff;
    writeFileSync(file, bytes);
    logged.length = 0;
    const r = await call("GET", "/records/damaged");
    expect(r.status).toBe(500);
    expect(json(r)).toEqual({ error: "APP_RECORD_UNREADABLE", message: "the stored record cannot be opened" });
    expect(logged).toEqual(["request failed: APP_RECORD_UNREADABLE"]);
  });
});
