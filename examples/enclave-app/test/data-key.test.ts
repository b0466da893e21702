// loadOrCreateDataKey against kms-local (in this process) with an attesting client: a new key is kept
// wrapped on disk before it is used; later starts, and instances racing on one directory, end up with the
// one key KMS wrapped; KMS's refusals and a damaged or foreign blob are DataKeyErrors. The truth is
// kms-local's own Decrypt of the file (without Recipient, as the account's user may under the default policy).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateKeyCommand, DecryptCommand, KMSClient } from "@nitro-enclaves-sdk/client-kms";
import { createEnclaveKmsClient } from "@nitro-enclaves-sdk/enclave";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";
import { EnclaveHandle } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { DATA_KEY_FILE, ENCRYPTION_CONTEXT, loadOrCreateDataKey } from "../src/data-key";
import { DataKeyError } from "../src/errors";

const CREDENTIALS = { accessKeyId: "kms-local", secretAccessKey: "kms-local" };
let local: KmsLocal;
let handle: EnclaveHandle;
let kms: KMSClient;
let plain: KMSClient;
let keyId: string;
let dir: string;
const log: string[] = [];

beforeAll(async () => {
  const ca = createSimulatorCa();
  local = await KmsLocal.start({ trustedRoots: [ca.certificatePem] });
  handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  kms = createEnclaveKmsClient({ endpoint: local.endpoint, region: "us-east-1", credentials: CREDENTIALS, handle, egress: "direct", allowTlsOutsideEnclave: true, maxAttempts: 1 });
  plain = new KMSClient({ endpoint: local.endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
  keyId = (await plain.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  dir = mkdtempSync(join(tmpdir(), "enclave-app-key-"));
});
afterAll(async () => {
  kms.destroy();
  plain.destroy();
  handle.close();
  await local.close();
  rmSync(dir, { recursive: true, force: true });
});

const load = (dataDir: string, id = keyId) => loadOrCreateDataKey(kms, id, dataDir, (line) => log.push(line));
/** What KMS says the stored blob holds. */
const unwrap = async (dataDir: string, context: Record<string, string> | undefined) =>
  Buffer.from((await plain.send(new DecryptCommand({ CiphertextBlob: readFileSync(join(dataDir, DATA_KEY_FILE)), EncryptionContext: context }))).Plaintext!);

test("the first start keeps the wrapped key and uses what KMS wrapped; the next start recovers it", async () => {
  const dataDir = join(dir, "first");
  const created = await load(dataDir);
  expect(created.export()).toEqual(await unwrap(dataDir, { ...ENCRYPTION_CONTEXT }));
  expect(log.pop()).toMatch(/^data key: new, from KMS key arn:aws:kms:/);
  const blob = readFileSync(join(dataDir, DATA_KEY_FILE));
  const recovered = await load(dataDir);
  expect(log.pop()).toMatch(/^data key: recovered from /);
  expect(recovered.export()).toEqual(created.export());
  expect(readFileSync(join(dataDir, DATA_KEY_FILE))).toEqual(blob);
});

test("the data key is bound to the encryption context app=enclave-app", async () => {
  const dataDir = join(dir, "context");
  await load(dataDir);
  await expect(unwrap(dataDir, undefined)).rejects.toMatchObject({ name: "InvalidCiphertextException" });
  await expect(unwrap(dataDir, { app: "another-app" })).rejects.toMatchObject({ name: "InvalidCiphertextException" });
});

test("instances starting at once on one directory all end up with the one key that was kept", async () => {
  const dataDir = join(dir, "race");
  const keys = await Promise.all(Array.from({ length: 4 }, () => load(dataDir)));
  const kept = await unwrap(dataDir, { ...ENCRYPTION_CONTEXT });
  for (const key of keys) expect(key.export()).toEqual(kept);
  expect(readdirSync(dataDir)).toEqual([DATA_KEY_FILE]); // no temporary files left
});

test("a refusal, a damaged blob or another key's blob: DataKeyError naming the operation and KMS's error; nothing kept", async () => {
  const refused = join(dir, "refused");
  const noSuchKey = keyId.replace(/key\/.*/, "key/00000000-0000-0000-0000-000000000000");
  await expect(load(refused, noSuchKey)).rejects.toThrow(DataKeyError);
  await expect(load(refused, noSuchKey)).rejects.toThrow(/^KMS GenerateDataKey failed: NotFoundException: /);
  expect(() => readdirSync(refused)).toThrow(/ENOENT/);

  const damaged = join(dir, "damaged");
  await load(damaged);
  const blob = readFileSync(join(damaged, DATA_KEY_FILE));
  blob[blob.length - 1] ^= 0x01;
  writeFileSync(join(damaged, DATA_KEY_FILE), blob);
  await expect(load(damaged)).rejects.toMatchObject({ code: "APP_DATA_KEY_UNAVAILABLE", message: expect.stringMatching(/^KMS Decrypt failed: InvalidCiphertextException/) });

  const other = (await plain.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  const foreign = join(dir, "foreign");
  await load(foreign, other);
  await expect(load(foreign)).rejects.toMatchObject({ code: "APP_DATA_KEY_UNAVAILABLE", message: expect.stringMatching(/^KMS Decrypt failed: IncorrectKeyException/) });
});
