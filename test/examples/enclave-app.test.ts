// The example enclave app (examples/enclave-app), built and started as its own process, wired exactly as
// Enclaver wires an enclave: HTTPS_PROXY / https_proxy / HTTP_PROXY / http_proxy pointing at a CONNECT
// proxy that allows only the destinations in the example's enclaver.yaml (KMS's regional host name and
// 169.254.169.254), NO_PROXY=localhost,127.0.0.1, credentials from instance metadata through that proxy.
// KMS is kms-local over TLS, reached by its regional name (the proxy maps kms.us-east-1.amazonaws.com:443
// to it) with a certificate for that name from a CA made by the openssl CLI; the NSM is simulated; the key
// policy is the one `nitro-kms policy generate` writes for the app's PCR0.
// Independent truth: the records given to the API; the proxy's own record of what it relayed (CONNECT
// lines, bytes that parse as TLS records); kms-local's answers to the same Decrypt from an enclave of the
// same image, and node:crypto opening the files on disk with that key by the layout the README documents.
import { createDecipheriv, createHash, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { CreateKeyCommand, KMSClient as OfficialKMSClient } from "official-client-kms";
import { DecryptCommand } from "@nitro-enclaves-sdk/client-kms";
import { createEnclaveKmsClient } from "@nitro-enclaves-sdk/enclave";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";
import { EnclaveHandle } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, loadOrCreateSimulatorCa, type SimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { createTestCa } from "../test-ca.cjs";
import { spawnNitroKms } from "../cli/helpers";
import { ConnectProxy, tlsRecordTypes } from "../enclave/connect-proxy";
import { roleSession } from "../kms-local/helpers";
import { FakeImds } from "./fake-imds";
import { startApp, stopApp, type AppProcess } from "./app-process";

const REGION = "us-east-1";
const KMS_HOST = `kms.${REGION}.amazonaws.com`;
const ACCOUNT = "111122223333";
const ENCLAVE_ROLE = `arn:aws:iam::${ACCOUNT}:role/enclave-app`;
const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
const instanceRole = roleSession("enclaveapp", ENCLAVE_ROLE);
const parentHanded = roleSession("parenthanded", ENCLAVE_ROLE, "handed-in");
const admin = roleSession("keyadmin", ADMIN_ROLE, "alice");
const sha384 = (text: string) => createHash("sha384").update(text).digest("hex");
const APP_PCR0 = sha384("enclave-app image, build 1");
const OTHER_PCR0 = sha384("enclave-app image, modified");
const MANIFEST = join(__dirname, "../../examples/enclave-app/enclaver.yaml");

let dir: string;
let caFile: string;
let simulatorCa: SimulatorCa;
let tlsCaFile: string;
let kms: KmsLocal;
let imds: FakeImds;
let proxy: ConnectProxy;
let keyArn: string;
let policy: string;
const running = new Set<AppProcess>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "enclave-app-"));
  const tls = createTestCa([KMS_HOST, "localhost", "127.0.0.1"]);
  tlsCaFile = join(dir, "kms-ca.pem");
  writeFileSync(tlsCaFile, tls.caPem);
  caFile = join(dir, "simulated-nsm-ca.pem");
  simulatorCa = loadOrCreateSimulatorCa(caFile);
  kms = await KmsLocal.start({
    trustedRoots: [simulatorCa.certificatePem],
    credentials: [instanceRole.credential, parentHanded.credential, admin.credential],
    tls: { cert: tls.certPem, key: tls.keyPem },
  });
  imds = await FakeImds.start("enclave-app", instanceRole.keys);

  // The proxy lets through what the example's enclaver.yaml allows, and nothing else.
  const allowed = (parseYaml(readFileSync(MANIFEST, "utf8")) as { egress: { allow: string[] } }).egress.allow;
  expect([...allowed].sort()).toEqual([KMS_HOST, "169.254.169.254"].sort());
  proxy = await ConnectProxy.start({ routes: { [`${KMS_HOST}:443`]: `127.0.0.1:${kms.port}`, "169.254.169.254:80": imds.address } });

  // The key administrator: the policy from `nitro-kms policy generate` (the built command), on a new key.
  const generated = spawnNitroKms(["policy", "generate", "--pcr0", APP_PCR0, "--enclave-role", ENCLAVE_ROLE, "--admin", ADMIN_ROLE, "--encryption-context", "app=enclave-app"]);
  expect(generated).toMatchObject({ code: 0, stderr: "" });
  policy = generated.stdout;
  const client = new OfficialKMSClient({ endpoint: kms.endpoint, region: REGION, credentials: admin.keys, maxAttempts: 1, requestHandler: { httpsAgent: new Agent({ ca: tls.caPem }) } });
  keyArn = (await client.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!.Arn!;
  client.destroy();
});

afterEach(async () => {
  for (const app of running) {
    app.child.kill("SIGKILL");
    await app.exited;
  }
  running.clear();
});

afterAll(async () => {
  await proxy?.close();
  await imds?.close();
  await kms?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of the app in an enclave built from the example: the image's ENV plus what odyn sets. */
function enclaverEnvironment(dataDir: string, pcr0: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // the image's ENV (the Dockerfile's)
    AWS_REGION: REGION,
    KMS_KEY_ID: keyArn,
    DATA_DIR: dataDir,
    LISTEN_PORT: "0",
    // odyn's egress proxy
    HTTPS_PROXY: proxy.url,
    https_proxy: proxy.url,
    HTTP_PROXY: proxy.url,
    http_proxy: proxy.url,
    NO_PROXY: "localhost,127.0.0.1",
    no_proxy: "localhost,127.0.0.1",
    // what stands in for the enclave here: the simulated NSM, and trust in kms-local's test CA
    NSM_SIMULATOR_CA: caFile,
    NSM_SIMULATOR_PCR0: pcr0,
    NODE_EXTRA_CA_CERTS: tlsCaFile,
  };
}

async function start(env: Record<string, string>, options: { stdin?: string } = {}): Promise<AppProcess> {
  const app = await startApp(env, options);
  running.add(app);
  return app;
}

async function stop(app: AppProcess): Promise<number | null> {
  const code = await stopApp(app);
  running.delete(app);
  return code;
}

async function put(app: AppProcess, name: string, body: Uint8Array): Promise<number> {
  return (await fetch(`${app.url}/records/${name}`, { method: "PUT", body })).status;
}

async function get(app: AppProcess, name: string): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(`${app.url}/records/${name}`);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

/** The data key, as an enclave of the app's image gets it from kms-local: Decrypt of the stored blob. */
async function dataKeyOf(dataDir: string): Promise<Buffer> {
  const enclave = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca: simulatorCa, pcrs: { 0: APP_PCR0 } }) });
  const client = createEnclaveKmsClient({ endpoint: kms.endpoint, region: REGION, credentials: instanceRole.keys, handle: enclave, ca: [readFileSync(tlsCaFile, "utf8")], egress: "direct" });
  try {
    const blob = readFileSync(join(dataDir, "data-key.bin"));
    return Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { app: "enclave-app" } }))).Plaintext!);
  } finally {
    client.destroy();
    enclave.close();
  }
}

/** Opens a record file by the README's layout: version 1 | 12-byte IV | ciphertext | 16-byte tag; AAD = version byte || name. */
function openByLayout(key: Buffer, name: string, file: string): Buffer {
  const sealed = readFileSync(file);
  expect(sealed[0]).toBe(1);
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(1, 13));
  decipher.setAAD(Buffer.concat([Buffer.of(1), Buffer.from(name)]));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
}

/** Everything the proxy relayed went to the two allowed destinations; KMS traffic was TLS records only. */
function expectOnlyConnectAndTls(secrets: Buffer[]): void {
  expect(proxy.refused).toEqual([]);
  expect(proxy.tunnels.length).toBeGreaterThan(0);
  for (const tunnel of proxy.tunnels) {
    expect([`CONNECT ${KMS_HOST}:443 HTTP/1.1`, "CONNECT 169.254.169.254:80 HTTP/1.1"]).toContain(tunnel.connectLine);
    if (tunnel.connectLine.includes(":80 ")) continue; // instance metadata is plain HTTP by design
    const up = Buffer.concat(tunnel.fromClient);
    const down = Buffer.concat(tunnel.fromTarget);
    expect(tlsRecordTypes(up)[0]).toBe(22); // a ClientHello first
    expect(tlsRecordTypes(down)[0]).toBe(22);
    for (const plain of [Buffer.from("TrentService"), Buffer.from("Recipient"), Buffer.from("POST / HTTP"), Buffer.from(instanceRole.keys.accessKeyId), Buffer.from(keyArn), ...secrets]) {
      expect(up.includes(plain)).toBe(false);
      expect(down.includes(plain)).toBe(false);
    }
  }
  expect(proxy.tunnels.some((t) => t.connectLine === `CONNECT ${KMS_HOST}:443 HTTP/1.1`)).toBe(true);
}

/** Nothing secret in what the app printed. */
function expectNoSecretsIn(output: string, secrets: Buffer[]): void {
  for (const secret of [instanceRole.keys.secretAccessKey, instanceRole.keys.sessionToken, parentHanded.keys.secretAccessKey, parentHanded.keys.sessionToken]) {
    expect(output).not.toContain(secret);
  }
  for (const secret of secrets) {
    for (const encoding of ["hex", "base64", "utf8"] as const) expect(output).not.toContain(secret.toString(encoding));
  }
}

describe("the example app under Enclaver's wiring", () => {
  const dataDir = () => join(dir, "data");
  const text = Buffer.from("a record only this enclave image can read");
  const binary = randomBytes(64 * 1024);

  test("at start it gets a new data key from KMS through the proxy; records round-trip; SIGTERM stops it", async () => {
    proxy.tunnels.length = 0;
    const app = await start(enclaverEnvironment(dataDir(), APP_PCR0));
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.stderr()).toContain(`PCR0 ${APP_PCR0}`);
    expect(app.stderr()).toMatch(/data key: new, from KMS key /);
    expect(await put(app, "greeting", text)).toBe(204);
    expect(await put(app, "blob_1", binary)).toBe(204);
    expect(await get(app, "greeting")).toEqual({ status: 200, body: text });
    expect(await get(app, "blob_1")).toEqual({ status: 200, body: binary });
    expect((await get(app, "absent")).status).toBe(404);
    expect(await stop(app)).toBe(0);
    expect(app.stderr()).toMatch(/SIGTERM: stopping.*\n.*stopped\n$/);

    // The credentials came from instance metadata, with an IMDSv2 token, through the proxy.
    const credentialRequests = imds.requests.filter((r) => r.path.startsWith("/latest/meta-data/iam/"));
    expect(credentialRequests.length).toBeGreaterThan(0);
    expect(credentialRequests.every((r) => r.withToken)).toBe(true);
    expect(proxy.tunnels.some((t) => t.connectLine === "CONNECT 169.254.169.254:80 HTTP/1.1")).toBe(true);

    // On disk: the wrapped data key and sealed records, which open by the documented layout under the key
    // KMS releases to this image, and hold no plaintext.
    const key = await dataKeyOf(dataDir());
    expect(readdirSync(join(dataDir(), "records")).sort()).toEqual(["blob_1", "greeting"]);
    expect(openByLayout(key, "greeting", join(dataDir(), "records/greeting"))).toEqual(text);
    expect(openByLayout(key, "blob_1", join(dataDir(), "records/blob_1"))).toEqual(binary);
    expect(readFileSync(join(dataDir(), "records/greeting")).includes(text)).toBe(false);
    expect(() => openByLayout(key, "blob_1", join(dataDir(), "records/greeting"))).toThrow(); // bound to its name

    expectOnlyConnectAndTls([text, key]);
    expectNoSecretsIn(app.stdout() + app.stderr(), [text, key]);
  });

  test("a restarted app recovers the same data key from the stored CiphertextBlob", async () => {
    proxy.tunnels.length = 0;
    const blob = readFileSync(join(dataDir(), "data-key.bin"));
    const app = await start(enclaverEnvironment(dataDir(), APP_PCR0));
    expect(app.stderr()).toContain("data key: recovered from");
    expect(await get(app, "greeting")).toEqual({ status: 200, body: text });
    expect(await get(app, "blob_1")).toEqual({ status: 200, body: binary });
    const later = Buffer.from("written after the restart");
    expect(await put(app, "later", later)).toBe(204);
    expect(await stop(app)).toBe(0);
    expect(readFileSync(join(dataDir(), "data-key.bin"))).toEqual(blob);
    const key = await dataKeyOf(dataDir());
    expect(openByLayout(key, "later", join(dataDir(), "records/later"))).toEqual(later); // the same key as before
    expectOnlyConnectAndTls([text, later, key]);
    expectNoSecretsIn(app.stdout() + app.stderr(), [text, later, key]);
  });

  test("the generated key policy refuses an app with another PCR0: no new data key, and not the stored one", async () => {
    proxy.tunnels.length = 0;
    const fresh = await start(enclaverEnvironment(join(dir, "impostor-fresh"), OTHER_PCR0));
    expect(await fresh.exited).toBe(1);
    running.delete(fresh);
    expect(fresh.url).toBeUndefined();
    expect(fresh.stderr()).toMatch(/cannot start: APP_DATA_KEY_UNAVAILABLE: KMS GenerateDataKey failed: AccessDeniedException: .*explicit deny/);

    const copied = join(dir, "impostor-copy");
    mkdirSync(copied);
    copyFileSync(join(dataDir(), "data-key.bin"), join(copied, "data-key.bin"));
    const stolen = await start(enclaverEnvironment(copied, OTHER_PCR0));
    expect(await stolen.exited).toBe(1);
    running.delete(stolen);
    expect(stolen.stderr()).toMatch(/cannot start: APP_DATA_KEY_UNAVAILABLE: KMS Decrypt failed: AccessDeniedException: .*explicit deny/);
    expectOnlyConnectAndTls([]);
  });

  test("credentials handed in by the parent on stdin (PARENT_CREDENTIALS=stdin) instead of instance metadata", async () => {
    const imdsRequests = imds.requests.length;
    const env = { ...enclaverEnvironment(dataDir(), APP_PCR0), PARENT_CREDENTIALS: "stdin" };
    const document = { AccessKeyId: parentHanded.keys.accessKeyId, SecretAccessKey: parentHanded.keys.secretAccessKey, SessionToken: parentHanded.keys.sessionToken, Expiration: new Date(Date.now() + 3_600_000).toISOString() };
    const app = await start(env, { stdin: `${JSON.stringify(document)}\n` });
    expect(app.stderr()).toContain("credentials from the parent on stdin");
    expect(await get(app, "greeting")).toEqual({ status: 200, body: text });
    expect(await stop(app)).toBe(0);
    expect(imds.requests.length).toBe(imdsRequests);
    expectNoSecretsIn(app.stdout() + app.stderr(), [text]);
  });

  test("a configuration error is one line naming the variable, before anything else happens", async () => {
    const env = enclaverEnvironment(dataDir(), APP_PCR0);
    delete (env as Record<string, string | undefined>).KMS_KEY_ID;
    const app = await start(env);
    expect(await app.exited).toBe(1);
    running.delete(app);
    expect(app.stderr()).toBe("enclave-app: cannot start: APP_BAD_CONFIG: KMS_KEY_ID is not set: the KMS key that wraps the data key (its ARN)\n");
  });
});
