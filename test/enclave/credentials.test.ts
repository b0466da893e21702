// Credentials for createEnclaveKmsClient, against independent parties: a fake IMDSv2 on loopback (as EC2's
// instance metadata with HttpTokens=required: a token from PUT /latest/api/token, token-less requests
// answered 401) whose credentials expire after a short time, each issue a new access key that kms-local
// knows; and credentials handed in by a "parent" on a stream and in a file. What was used when is read off
// the wire (the signed Authorization header of each request) and compared with what the issuer said.
import { once } from "node:events";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createEnclaveKmsClient, CredentialsError, fromParentFile, fromParentStream, ParentCredentialsError } from "@nitro-enclaves-sdk/enclave";
import { DecryptCommand, type KMSClient } from "@nitro-enclaves-sdk/client-kms";
import { createTestCa, type TestCa } from "../test-ca.cjs";
import { ConnectProxy } from "./connect-proxy";
import { CREDENTIALS, REGION, SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms } from "./helpers";

const [, official] = SDKS[1];
const LIFETIME_MS = 1500;
const KEYS = Array.from({ length: 40 }, (_, i) => ({ accessKeyId: `ASIAFAKEIMDS${String(i).padStart(4, "0")}`, secretAccessKey: `imds-secret-${i}`, sessionToken: `session-${i}` }));
const secret = Buffer.from("decrypted with rotating credentials");

let tls: TestCa;
let kms: AttestedKms;
let blob: Uint8Array;

beforeAll(async () => {
  tls = createTestCa(["localhost", "127.0.0.1"]);
  kms = await startAttestedKms({ tls: { cert: tls.certPem, key: tls.keyPem }, credentials: KEYS });
  const { Agent } = await import("node:https");
  const admin = kmsClient(official, kms.local.endpoint, { requestHandler: { httpsAgent: new Agent({ ca: tls.caPem }) } });
  const keyId = (await admin.send(new official.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
  blob = (await admin.send(new official.EncryptCommand({ KeyId: keyId, Plaintext: secret }))).CiphertextBlob!;
  admin.destroy();
});
afterAll(() => kms.close());

const ENV = ["AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
beforeEach(() => {
  for (const k of ENV) delete process.env[k];
});
afterAll(() => {
  for (const k of ENV) if (saved[k] !== undefined) process.env[k] = saved[k];
});

/** The access key each request was signed with, and when, read from the request as it leaves the client. */
function recordSigning(client: KMSClient): { accessKeyId: string; at: number }[] {
  const used: { accessKeyId: string; at: number }[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const auth = String((args.request as { headers: Record<string, string> }).headers.authorization);
      used.push({ accessKeyId: /Credential=([^/]+)\//.exec(auth)![1], at: Date.now() });
      return next(args);
    },
    { step: "deserialize", name: "recordSigning" },
  );
  return used;
}

/** A fake IMDSv2: tokens required; each credentials request while the last issue has expired (or is about to) issues the next key. */
class FakeImds {
  readonly issued: { accessKeyId: string; expiresAt: number }[] = [];
  readonly requests: { method: string; url: string; token: boolean; status: number }[] = [];
  readonly #tokens = new Set<string>();
  readonly #server: Server;
  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }
  async start(): Promise<string> {
    this.#server.listen(0, "127.0.0.1");
    await once(this.#server, "listening");
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
  #handle(req: IncomingMessage, res: ServerResponse) {
    const token = req.headers["x-aws-ec2-metadata-token"];
    const answer = (status: number, body = "") => {
      this.requests.push({ method: req.method!, url: req.url!, token: typeof token === "string", status });
      res.writeHead(status, { "Content-Type": "text/plain" }).end(body);
    };
    if (req.method === "PUT" && req.url === "/latest/api/token") {
      if (!req.headers["x-aws-ec2-metadata-token-ttl-seconds"]) return answer(400);
      const t = `token-${this.#tokens.size}-${Math.random()}`;
      this.#tokens.add(t);
      return answer(200, t);
    }
    if (typeof token !== "string" || !this.#tokens.has(token)) return answer(401); // HttpTokens=required
    if (req.url === "/latest/meta-data/iam/security-credentials/") return answer(200, "enclave-role");
    if (req.url === "/latest/meta-data/iam/security-credentials/enclave-role") {
      const key = KEYS[this.issued.length];
      const expiresAt = Date.now() + LIFETIME_MS;
      this.issued.push({ accessKeyId: key.accessKeyId, expiresAt });
      return answer(200, JSON.stringify({ Code: "Success", Type: "AWS-HMAC", AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, Token: key.sessionToken, Expiration: new Date(expiresAt).toISOString() }));
    }
    return answer(404);
  }
}

const decrypt = async (c: KMSClient) => Buffer.from((await c.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!);

/** Calls every 100 ms until `expiries` issued credentials have expired; every call must succeed. */
async function callAcrossExpiries(c: KMSClient, imds: FakeImds, expiries: number) {
  while (imds.issued.length === 0 || imds.issued.filter((i) => i.expiresAt < Date.now()).length < expiries) {
    expect(await decrypt(c)).toEqual(secret);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.each([
  ["directly", false],
  ["through the CONNECT proxy (as from inside an enclave)", true],
])("IMDSv2 %s: calls go on working across three expiries, each signed with credentials not yet expired", async (_how, proxied) => {
  const imds = new FakeImds();
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = await imds.start();
  const proxy = proxied ? await ConnectProxy.start() : undefined;
  const c = createEnclaveKmsClient({
    endpoint: kms.local.endpoint,
    region: REGION,
    handle: kms.enclave,
    ca: [tls.caPem],
    maxAttempts: 1,
    refreshMarginMs: 500,
    egress: proxy ? { proxy: proxy.url } : "direct",
  });
  const used = recordSigning(c);
  try {
    await callAcrossExpiries(c, imds, 3);
  } finally {
    c.destroy();
    await imds.close();
    await proxy?.close();
  }
  expect(new Set(used.map((u) => u.accessKeyId)).size).toBeGreaterThanOrEqual(4);
  for (const u of used) {
    const issue = imds.issued.find((i) => i.accessKeyId === u.accessKeyId)!;
    expect(u.at).toBeLessThan(issue.expiresAt); // never signed with expired credentials
  }
  // Refreshed before expiry, once per lifetime: not fetched for every call.
  expect(imds.issued.length).toBeLessThan(used.length);
  expect(imds.requests.every((r) => r.status === 200)).toBe(true);
  expect(imds.requests.filter((r) => r.method === "GET").every((r) => r.token)).toBe(true);
  if (proxy) expect(new Set(proxy.tunnels.map((t) => t.connectLine.split(" ")[1]))).toEqual(new Set([new URL(process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT!).host, `127.0.0.1:${kms.local.port}`]));
});

test("the fake IMDS refuses a token-less (IMDSv1) request, as EC2 does with HttpTokens=required", async () => {
  const imds = new FakeImds();
  const base = await imds.start();
  try {
    const v1 = await fetch(`${base}/latest/meta-data/iam/security-credentials/`);
    expect(v1.status).toBe(401);
    const token = await (await fetch(`${base}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })).text();
    expect((await fetch(`${base}/latest/meta-data/iam/security-credentials/`, { headers: { "x-aws-ec2-metadata-token": token } })).status).toBe(200);
  } finally {
    await imds.close();
  }
});

test("environment credentials come first (the standard chain), and instance metadata is not asked", async () => {
  const imds = new FakeImds();
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = await imds.start();
  process.env.AWS_ACCESS_KEY_ID = KEYS[39].accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = KEYS[39].secretAccessKey;
  process.env.AWS_SESSION_TOKEN = KEYS[39].sessionToken;
  const c = createEnclaveKmsClient({ endpoint: kms.local.endpoint, region: REGION, handle: kms.enclave, ca: [tls.caPem], maxAttempts: 1, egress: "direct" });
  const used = recordSigning(c);
  try {
    expect(await decrypt(c)).toEqual(secret);
  } finally {
    c.destroy();
    await imds.close();
  }
  expect(used.map((u) => u.accessKeyId)).toEqual([KEYS[39].accessKeyId]);
  expect(imds.requests).toEqual([]);
});

test("from the parent on a stream: one JSON document per line, each replacing the last; calls go on after the first expire", async () => {
  const parent = new PassThrough();
  const issued: { accessKeyId: string; expiresAt: number }[] = [];
  const send = (i: number) => {
    const expiresAt = Date.now() + LIFETIME_MS;
    issued.push({ accessKeyId: KEYS[i].accessKeyId, expiresAt });
    parent.write(JSON.stringify({ AccessKeyId: KEYS[i].accessKeyId, SecretAccessKey: KEYS[i].secretAccessKey, SessionToken: KEYS[i].sessionToken, Expiration: new Date(expiresAt).toISOString() }) + "\n");
  };
  // The parent's own loop: new credentials every LIFETIME_MS / 2, written in two pieces to cut lines apart.
  send(0);
  let n = 1;
  const timer = setInterval(() => send(n++), LIFETIME_MS / 2);
  const c = createEnclaveKmsClient({ endpoint: kms.local.endpoint, region: REGION, handle: kms.enclave, ca: [tls.caPem], maxAttempts: 1, credentials: fromParentStream(parent) });
  const used = recordSigning(c);
  try {
    const until = Date.now() + 3 * LIFETIME_MS;
    while (Date.now() < until) {
      expect(await decrypt(c)).toEqual(secret);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    clearInterval(timer);
    c.destroy();
  }
  expect(new Set(used.map((u) => u.accessKeyId)).size).toBeGreaterThanOrEqual(4);
  for (const u of used) expect(u.at).toBeLessThan(issued.find((i) => i.accessKeyId === u.accessKeyId)!.expiresAt);
});

test("from the parent on a stream: a bad line is refused with ParentCredentialsError that never echoes it; good ones are kept over later garbage", async () => {
  const parent = new PassThrough();
  const provider = fromParentStream(parent, { waitMs: 20_000 });
  const first = provider(); // nothing yet: waits for the first line, which is bad
  parent.write('{"AccessKeyId": "AKIA-ONLY", "SecretAccessKey": 42}\n');
  const bad = await first.catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(ParentCredentialsError);
  expect(String((bad as Error).message)).not.toContain("AKIA-ONLY");
  parent.write('{"AccessKeyId":"AKIDGOOD","SecretAccessKey":"good-secret"}\n');
  await new Promise((r) => setImmediate(r));
  expect(await provider()).toEqual({ accessKeyId: "AKIDGOOD", secretAccessKey: "good-secret" });
  parent.write("x".repeat(20_000)); // over the line limit: refused, not buffered
  parent.write("\n");
  expect(await provider()).toEqual({ accessKeyId: "AKIDGOOD", secretAccessKey: "good-secret" });
  parent.end();
});

test("from the parent on a stream: a call before any line waits for it, also when it arrives in pieces", async () => {
  const parent = new PassThrough();
  const waiting = fromParentStream(parent, { waitMs: 20_000 })();
  parent.write('{"AccessKeyId":"AKIDLATE","Secret');
  await new Promise((r) => setTimeout(r, 20));
  parent.write('AccessKey":"late-secret"}\n');
  expect(await waiting).toEqual({ accessKeyId: "AKIDLATE", secretAccessKey: "late-secret" });
  parent.end();
});

test("from the parent on a stream that ends without credentials: CredentialsError", async () => {
  const parent = new PassThrough();
  const provider = fromParentStream(parent, { waitMs: 5_000 });
  parent.end();
  await expect(provider()).rejects.toBeInstanceOf(CredentialsError);
});

test("from a file the parent rewrites: read again before the credentials expire", async () => {
  const dir = mkdtempSync(join(tmpdir(), "parent-credentials-"));
  const file = join(dir, "credentials.json");
  const write = (i: number, expiresAt: number) => {
    writeFileSync(join(dir, "next"), JSON.stringify({ AccessKeyId: KEYS[i].accessKeyId, SecretAccessKey: KEYS[i].secretAccessKey, Expiration: new Date(expiresAt).toISOString() }));
    renameSync(join(dir, "next"), file);
  };
  try {
    write(0, Date.now() + LIFETIME_MS);
    const provider = fromParentFile(file, { refreshMarginMs: 500 });
    expect((await provider()).accessKeyId).toBe(KEYS[0].accessKeyId);
    write(1, Date.now() + 10 * LIFETIME_MS);
    expect((await provider()).accessKeyId).toBe(KEYS[0].accessKeyId); // not yet due: not read again
    await new Promise((r) => setTimeout(r, LIFETIME_MS - 400));
    expect((await provider()).accessKeyId).toBe(KEYS[1].accessKeyId); // within the margin: read again
    writeFileSync(file, "{ not json");
    await expect(fromParentFile(file)()).rejects.toBeInstanceOf(ParentCredentialsError);
    await expect(fromParentFile(join(dir, "missing.json"))()).rejects.toBeInstanceOf(CredentialsError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI with its authorization token), when the environment has none", async () => {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.headers.authorization !== "container-token") return void res.writeHead(401).end();
    const k = KEYS[38];
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ AccessKeyId: k.accessKeyId, SecretAccessKey: k.secretAccessKey, Token: k.sessionToken, Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials`;
  process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = "container-token";
  const c = createEnclaveKmsClient({ endpoint: kms.local.endpoint, region: REGION, handle: kms.enclave, ca: [tls.caPem], maxAttempts: 1, egress: "direct" });
  const used = recordSigning(c);
  try {
    expect(await decrypt(c)).toEqual(secret);
    expect(await decrypt(c)).toEqual(secret);
  } finally {
    c.destroy();
    server.close();
    delete process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  }
  expect(used.map((u) => u.accessKeyId)).toEqual([KEYS[38].accessKeyId, KEYS[38].accessKeyId]);
  expect(seen).toEqual(["container-token"]); // fetched once, valid for an hour
  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://192.0.2.1/creds"; // plain http to a host that is not loopback: refused, nothing sent
  const refused = createEnclaveKmsClient({ endpoint: kms.local.endpoint, region: REGION, handle: kms.enclave, ca: [tls.caPem], maxAttempts: 1, egress: "direct" });
  await expect(decrypt(refused)).rejects.toBeInstanceOf(CredentialsError);
  refused.destroy();
});
