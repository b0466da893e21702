// @nitro-enclaves-sdk/enclave as users get it: the built package (dist/cjs, dist/esm, dist/types) through
// its package.json exports, loaded by an app (test/fixtures/enclave-plugin) with require, with import, and
// compiled by tsc as ES module and CommonJS TypeScript. Each program decrypts through both KMS clients
// with the plugin, against kms-local trusting the same simulated NSM CA. Needs `pnpm build` (pnpm test runs it).
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";
import { parseAttestation, EnclaveHandle } from "@nitro-enclaves-sdk/nsm";
import { loadOrCreateSimulatorCa, SimulatedNsm } from "@nitro-enclaves-sdk/nsm/simulator";
import { run, typecheckApp } from "../client-kms/swap-in";
import { CREDENTIALS, KMS_LOCAL_CREDENTIAL, kmsClient, releaseOnlyTo, SDKS } from "./helpers";

const FIXTURE = join(__dirname, "../fixtures/enclave-plugin");
let dir: string;
let local: KmsLocal;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "enclave-plugin-"));
  const caFile = join(dir, "ca.pem");
  const ca = loadOrCreateSimulatorCa(caFile);
  local = await KmsLocal.start({ trustedRoots: [ca.certificatePem], credentials: [KMS_LOCAL_CREDENTIAL] });
  const enclave = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const pcr0 = Buffer.from(parseAttestation(await enclave.attest()).pcrs.get(0)!).toString("hex");
  enclave.close();
  const [, sdk] = SDKS[0];
  const admin = kmsClient(sdk, local.endpoint);
  const keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(pcr0) }))).KeyMetadata!.Arn!;
  const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("loaded as users load it") }));
  admin.destroy();
  env = { KMS_ENDPOINT: local.endpoint, CA_FILE: caFile, CIPHERTEXT: Buffer.from(CiphertextBlob!).toString("base64"), CREDENTIALS: JSON.stringify(CREDENTIALS), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
});
afterAll(async () => {
  await local.close();
  rmSync(dir, { recursive: true, force: true });
});

test.each([
  ["CommonJS (require)", "decrypt.cjs", "commonjs"],
  ["ES modules (import)", "decrypt.mjs", "module"],
])("%s: both clients decrypt through the plugin; its errors are the nsm package's NitroEnclavesError", async (_what, program, module) => {
  const report = JSON.parse(await run(process.execPath, [program], FIXTURE, env));
  expect(report).toEqual({
    module,
    plaintexts: { ours: "loaded as users load it", official: "loaded as users load it" },
    optionsErrorIsNitroEnclavesError: true,
  });
});

test("TypeScript (NodeNext, as ES module and as CommonJS) compiles against the built types", async () => {
  const copy = join(FIXTURE, "app.cts");
  copyFileSync(join(FIXTURE, "app.mts"), copy);
  try {
    await expect(typecheckApp(FIXTURE)).resolves.toBe("");
  } finally {
    rmSync(copy, { force: true });
  }
});
