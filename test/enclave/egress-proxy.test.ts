// createEnclaveKmsClient through an HTTP CONNECT proxy on loopback (test/enclave/connect-proxy.ts, which
// records what it relays) to kms-local over TLS with a CA made by the openssl CLI. Independent truth: the
// proxy's own record (CONNECT lines, and bytes that parse as TLS records and nothing else), kms-local's
// answers checked against the bytes Encrypt took, and Node's TLS certificate verification.
import { createEnclaveKmsClient, EgressTimeoutError, ProxyRefusedError, ProxyUnreachableError, TlsOutsideEnclaveError } from "@nitro-enclaves-sdk/enclave";
import { KMSClient as OurKMSClient, DecryptCommand, GenerateDataKeyCommand } from "@nitro-enclaves-sdk/client-kms";
import { createServer } from "node:net";
import { createTestCa, type TestCa } from "../test-ca.cjs";
import { ConnectProxy, tlsRecordTypes } from "./connect-proxy";
import { CREDENTIALS, REGION, SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms } from "./helpers";

const [, official] = SDKS[1];
let tls: TestCa;
let kms: AttestedKms;
let proxy: ConnectProxy;
let port: number;
let keyId: string;
let blob: Uint8Array;
const secret = Buffer.from("released only inside the enclave");

beforeAll(async () => {
  tls = createTestCa(["localhost", "127.0.0.1"]);
  kms = await startAttestedKms({ tls: { cert: tls.certPem, key: tls.keyPem } });
  port = kms.local.port;
  proxy = await ConnectProxy.start();
  // The administrator: the official client, directly, trusting the test CA through its own https agent.
  const { Agent } = await import("node:https");
  const admin = kmsClient(official, kms.local.endpoint, { requestHandler: { httpsAgent: new Agent({ ca: tls.caPem }) } });
  keyId = (await admin.send(new official.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
  blob = (await admin.send(new official.EncryptCommand({ KeyId: keyId, Plaintext: secret }))).CiphertextBlob!;
  admin.destroy();
});
afterAll(async () => {
  await proxy.close();
  await kms.close();
});
beforeEach(() => {
  proxy.tunnels.length = 0;
  proxy.mode = { kind: "tunnel" };
});

const ENV = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "NODE_TLS_REJECT_UNAUTHORIZED"];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
});

function client(host: string, extra: Parameters<typeof createEnclaveKmsClient>[0] = {}): OurKMSClient {
  return createEnclaveKmsClient({ endpoint: `https://${host}:${port}`, region: REGION, credentials: CREDENTIALS, handle: kms.enclave, ca: [tls.caPem], maxAttempts: 1, ...extra });
}
const decrypt = async (c: OurKMSClient) => Buffer.from((await c.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!);

test("through { proxy }: attested Decrypt and GenerateDataKey work, over one kept-alive tunnel carrying only TLS records", async () => {
  const c = client("localhost", { egress: { proxy: proxy.url } });
  try {
    expect(await decrypt(c)).toEqual(secret);
    const key = await c.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));
    expect(Buffer.from((await c.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob }))).Plaintext!)).toEqual(Buffer.from(key.Plaintext!));
    for (let i = 0; i < 3; i++) expect(await decrypt(c)).toEqual(secret);
  } finally {
    c.destroy();
  }
  expect(proxy.tunnels.map((t) => t.connectLine)).toEqual([`CONNECT localhost:${port} HTTP/1.1`]); // six calls, one tunnel
  const [tunnel] = proxy.tunnels;
  const up = Buffer.concat(tunnel.fromClient);
  const down = Buffer.concat(tunnel.fromTarget);
  expect(tlsRecordTypes(up)[0]).toBe(22); // a handshake record (ClientHello) first
  expect(tlsRecordTypes(down)[0]).toBe(22);
  expect(tlsRecordTypes(up).filter((t) => t === 23).length).toBeGreaterThanOrEqual(6); // application data
  for (const plain of ["TrentService", "CiphertextBlob", "Recipient", "AttestationDocument", "POST / HTTP", "Authorization", CREDENTIALS.accessKeyId]) {
    expect(up.includes(plain)).toBe(false);
  }
  for (const plain of ["CiphertextForRecipient", "KeyId", "HTTP/1.1 200", keyId]) expect(down.includes(plain)).toBe(false);
});

test("from the environment: HTTPS_PROXY is used, NO_PROXY hosts (names, CIDR blocks, host:port) bypass it", async () => {
  process.env.HTTPS_PROXY = proxy.url;
  const through = async (host: string) => {
    proxy.tunnels.length = 0;
    const c = client(host);
    try {
      expect(await decrypt(c)).toEqual(secret);
    } finally {
      c.destroy();
    }
    return proxy.tunnels.length > 0;
  };
  delete process.env.NO_PROXY;
  expect(await through("localhost")).toBe(true);
  expect(await through("127.0.0.1")).toBe(true);
  process.env.NO_PROXY = "localhost,127.0.0.1"; // what Enclaver sets
  expect(await through("localhost")).toBe(false);
  expect(await through("127.0.0.1")).toBe(false);
  process.env.NO_PROXY = "10.0.0.0/8, 127.0.0.0/8";
  expect(await through("127.0.0.1")).toBe(false);
  expect(await through("localhost")).toBe(true); // names are never resolved to match a block
  process.env.NO_PROXY = `localhost:${port === 1 ? 2 : port - 1}`;
  expect(await through("localhost")).toBe(true); // another port
  process.env.NO_PROXY = `localhost:${port}`;
  expect(await through("localhost")).toBe(false);
  process.env.NO_PROXY = "*";
  expect(await through("localhost")).toBe(false);
  process.env.no_proxy = "example.com";
  expect(await through("localhost")).toBe(true); // the lower-case variable is read first
});

test.each([
  ["407 Proxy Authentication Required", 407],
  ["502 Bad Gateway", 502],
  ["403 Forbidden", 403],
])("a proxy answering CONNECT with %s: ProxyRefusedError carrying its status line", async (statusLine, status) => {
  proxy.mode = { kind: "refuse", statusLine };
  const c = client("localhost", { egress: { proxy: proxy.url } });
  const error = await decrypt(c).catch((e: unknown) => e);
  c.destroy();
  expect(error).toBeInstanceOf(ProxyRefusedError);
  expect(error).toMatchObject({ code: "ENCLAVE_PROXY_REFUSED", statusCode: status, statusLine });
});

test("a proxy that closes before answering CONNECT: ProxyUnreachableError", async () => {
  proxy.mode = { kind: "close" };
  const c = client("localhost", { egress: { proxy: proxy.url } });
  const error = await decrypt(c).catch((e: unknown) => e);
  c.destroy();
  expect(error).toBeInstanceOf(ProxyUnreachableError);
  expect(error).toMatchObject({ code: "ENCLAVE_PROXY_UNREACHABLE" });
});

test("no proxy listening: ProxyUnreachableError (ECONNREFUSED)", async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const closedPort = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  const c = client("localhost", { egress: { proxy: `http://127.0.0.1:${closedPort}` } });
  const error = await decrypt(c).catch((e: unknown) => e);
  c.destroy();
  expect(error).toBeInstanceOf(ProxyUnreachableError);
  expect(error).toMatchObject({ code: "ENCLAVE_PROXY_UNREACHABLE", errno: "ECONNREFUSED" });
});

test("a proxy that never answers CONNECT: EgressTimeoutError after connectTimeoutMs", async () => {
  proxy.mode = { kind: "silent" };
  const c = client("localhost", { egress: { proxy: proxy.url }, connectTimeoutMs: 300 });
  const error = await decrypt(c).catch((e: unknown) => e);
  c.destroy();
  expect(error).toBeInstanceOf(EgressTimeoutError);
  expect(error).toMatchObject({ code: "ENCLAVE_EGRESS_TIMEOUT", errno: "ETIMEDOUT" });
});

test("a proxy that terminates TLS itself (its own certificate, another CA) is refused by certificate verification", async () => {
  const impostor = createTestCa(["localhost", "127.0.0.1"]);
  proxy.mode = { kind: "intercept", certPem: impostor.certPem, keyPem: impostor.keyPem, targetCa: tls.caPem };
  const c = client("localhost", { egress: { proxy: proxy.url } });
  const error = await decrypt(c).catch((e: unknown) => e);
  c.destroy();
  // Node's TLS error (jest's sandbox makes the SDK wrap it, keeping its message).
  expect(String((error as Error).message)).toMatch(/unable to verify|self.signed|certificate/i);
  // The same interception succeeds for a client that trusts the impostor: the check above is what stops it.
  const fooled = client("localhost", { egress: { proxy: proxy.url }, ca: [impostor.caPem] });
  expect(await decrypt(fooled)).toEqual(secret);
  fooled.destroy();
});

test("TLS must end in this process: an http endpoint, or certificate checks turned off, is refused unless allowTlsOutsideEnclave", async () => {
  expect(() => createEnclaveKmsClient({ endpoint: "http://127.0.0.1:4600", region: REGION, credentials: CREDENTIALS, handle: kms.enclave })).toThrow(TlsOutsideEnclaveError);
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  expect(() => client("localhost")).toThrow(TlsOutsideEnclaveError);
  const made = (() => {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const c = client("localhost");
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // turned off after the client was made: each request checks again
    return c;
  })();
  await expect(decrypt(made)).rejects.toBeInstanceOf(TlsOutsideEnclaveError);
  made.destroy();
  delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  const plain = await startAttestedKms();
  try {
    const admin = kmsClient(official, plain.local.endpoint);
    const plainKey = (await admin.send(new official.CreateKeyCommand({ Policy: releaseOnlyTo(plain.pcr0) }))).KeyMetadata!.Arn!;
    const plainBlob = (await admin.send(new official.EncryptCommand({ KeyId: plainKey, Plaintext: secret }))).CiphertextBlob!;
    admin.destroy();
    const opted = createEnclaveKmsClient({ endpoint: plain.local.endpoint, region: REGION, credentials: CREDENTIALS, handle: plain.enclave, maxAttempts: 1, allowTlsOutsideEnclave: true });
    expect(Buffer.from((await opted.send(new DecryptCommand({ CiphertextBlob: plainBlob }))).Plaintext!)).toEqual(secret);
    opted.destroy();
  } finally {
    await plain.close();
  }
});
