// The KMS commands' way out, as users run them (the built bin, spawned): kms-local over TLS with a
// certificate from a CA made by the openssl CLI, reached through HTTPS_PROXY (a CONNECT proxy on loopback
// that records what it relays) or directly when NO_PROXY names the host. Independent truth: the proxy's
// record (the CONNECT line; bytes that are TLS records), Node's certificate verification (refused without
// --ca-bundle), and the official client decrypting what genkey printed. Needs `pnpm build`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "node:https";
import { loadOrCreateSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { CreateKeyCommand, DecryptCommand } from "official-client-kms";
import { ConnectProxy, tlsRecordTypes } from "../enclave/connect-proxy";
import { officialClient, startKmsLocal } from "../kms-local/helpers";
import { createTestCa, type TestCa } from "../test-ca.cjs";
import { runNitroKms } from "./helpers";

let dir: string;
let caFile: string;
let tlsCa: TestCa;
let caBundle: string;
let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let proxy: ConnectProxy;
let keyId: string;

beforeAll(async () => {
  if (!existsSync(join(__dirname, "../../packages/cli/dist/cjs/cli.js"))) throw new Error("packages/cli is not built: run `pnpm build`");
  dir = mkdtempSync(join(tmpdir(), "nitro-kms-egress-"));
  caFile = join(dir, "simulator-ca.pem");
  const simulatorCa = loadOrCreateSimulatorCa(caFile);
  tlsCa = createTestCa(["localhost", "127.0.0.1"]);
  caBundle = join(dir, "kms-ca.pem");
  writeFileSync(caBundle, tlsCa.caPem);
  kms = await startKmsLocal({ trustedRoots: [simulatorCa.certificatePem], tls: { cert: tlsCa.certPem, key: tlsCa.keyPem } });
  const admin = officialClient(kms.local.endpoint, { requestHandler: { httpsAgent: new Agent({ ca: tlsCa.caPem }) } as never });
  keyId = (await admin.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  admin.destroy();
  proxy = await ConnectProxy.start();
});
afterAll(async () => {
  await proxy?.close();
  await kms?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  proxy.tunnels.length = 0;
  proxy.mode = { kind: "tunnel" };
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$)/i.test(k)) out[k] = v;
  return { ...out, ...extra };
}
const endpoint = () => `https://localhost:${kms.local.port}`;
const genkey = (extraEnv: Record<string, string>, ...more: string[]) =>
  runNitroKms(["genkey", "-K", keyId, "-p", "AES-256", "-k", "kms-local", "-s", "kms-local", "--simulate", "--simulator-ca", caFile, "--endpoint", endpoint(), ...more], { env: env(extraEnv) });

test("through HTTPS_PROXY: one CONNECT to the endpoint, only TLS records in the tunnel, and a data key the official client opens", async () => {
  const r = await genkey({ HTTPS_PROXY: proxy.url }, "--ca-bundle", caBundle);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(proxy.tunnels.map((t) => t.connectLine)).toEqual([`CONNECT localhost:${kms.local.port} HTTP/1.1`]);
  const sent = Buffer.concat(proxy.tunnels[0].fromClient);
  expect(tlsRecordTypes(sent).length).toBeGreaterThan(0);
  expect(sent.includes(Buffer.from("GenerateDataKey"))).toBe(false);
  const [ciphertext, plaintext] = r.stdout.split("\n").filter(Boolean).map((l) => Buffer.from(l.split(": ")[1], "base64"));
  const admin = officialClient(kms.local.endpoint, { requestHandler: { httpsAgent: new Agent({ ca: tlsCa.caPem }) } as never });
  try {
    expect(Buffer.from((await admin.send(new DecryptCommand({ CiphertextBlob: ciphertext }))).Plaintext!)).toEqual(plaintext);
  } finally {
    admin.destroy();
  }
});

test("NO_PROXY naming the host: directly, the proxy sees nothing", async () => {
  const r = await genkey({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost" }, "--ca-bundle", caBundle);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(proxy.tunnels).toEqual([]);
});

test("without --ca-bundle, KMS's certificate is not trusted: exit 255, one line", async () => {
  const r = await genkey({ HTTPS_PROXY: proxy.url });
  expect(r.code).toBe(255);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n")).toHaveLength(2);
  expect(r.stderr).toMatch(/^nitro-kms genkey: .*certificate/);
});

test("a proxy that refuses CONNECT: its answer in the one line, exit 255", async () => {
  proxy.mode = { kind: "refuse", statusLine: "HTTP/1.1 403 Forbidden" };
  const r = await genkey({ HTTPS_PROXY: proxy.url }, "--ca-bundle", caBundle);
  expect(r.code).toBe(255);
  expect(r.stderr).toMatch(/^nitro-kms genkey: .*403 Forbidden/);
});
