// The README's main job, end to end, through both our generated client and the official one: kms-local
// on loopback, an enclave (simulated NSM + EnclaveHandle), a key released only to the enclave image's
// PCR0; attest, GenerateDataKey with Recipient, decrypt in the enclave, AES-GCM a message, Decrypt with
// Recipient, recover it; refusals without attestation and for another PCR0. Then `pnpm demo`'s script itself.
import { execFile } from "node:child_process";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import * as generated from "@nitro-enclaves-sdk/client-kms";
import * as official from "official-client-kms";
import { EnclaveHandle, parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";

// The enclave's parent instance runs under the role enclave-app: its credentials are a session of that role.
const PRINCIPAL = "arn:aws:iam::111122223333:role/enclave-app";
const SESSION = "arn:aws:sts::111122223333:assumed-role/enclave-app/i-0123456789abcdef0";
const CREDENTIALS = { accessKeyId: "ASIAENCLAVEAPP", secretAccessKey: "e2e-secret", sessionToken: "e2e-session-token" };
const ca = createSimulatorCa();
let local: KmsLocal;
let enclave: EnclaveHandle;
let impostor: EnclaveHandle;
let pcr0: string;

beforeAll(async () => {
  local = await KmsLocal.start({ trustedRoots: [ca.certificatePem], credentials: [{ ...CREDENTIALS, arn: SESSION }] });
  enclave = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  impostor = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca, pcrs: { 0: createHash("sha384").update("modified image").digest() } }) });
  pcr0 = Buffer.from(parseAttestation(await enclave.attest()).pcrs.get(0)!).toString("hex");
});
afterAll(() => local.close());

const policyFor = (pcr0Hex: string) => JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: PRINCIPAL }, Action: ["kms:Describe*", "kms:Get*", "kms:Put*"], Resource: "*" },
    {
      Effect: "Allow", Principal: { AWS: PRINCIPAL }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*",
      Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0Hex } },
    },
  ],
});

// Both packages export the same client API; the official one's types stand for both.
type Sdk = typeof official;
describe.each([
  ["our generated @nitro-enclaves-sdk/client-kms", generated as unknown as Sdk],
  ["the official @aws-sdk/client-kms", official],
])("enclave flow through %s", (_name, sdk) => {
  let client: InstanceType<Sdk["KMSClient"]>;
  beforeAll(() => {
    client = new sdk.KMSClient({ endpoint: local.endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(() => client.destroy());

  test("a data key reaches the attested enclave, and only it", async () => {
    const { KeyMetadata } = await client.send(new sdk.CreateKeyCommand({ Policy: policyFor(pcr0) }));

    const g = await client.send(new sdk.GenerateDataKeyCommand({ KeyId: KeyMetadata!.KeyId, KeySpec: "AES_256", Recipient: await enclave.recipient() }));
    expect(g.Plaintext).toBeUndefined();
    const dataKey = enclave.decryptKMSEnvelopedKey(g.CiphertextForRecipient!);
    expect(dataKey.length).toBe(32);

    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", dataKey, iv);
    const sealed = Buffer.concat([c.update("attested secret"), c.final()]);
    const tag = c.getAuthTag();

    const d = await client.send(new sdk.DecryptCommand({ CiphertextBlob: g.CiphertextBlob, Recipient: await enclave.recipient() }));
    expect(d.Plaintext).toBeUndefined();
    expect(d.KeyId).toBe(KeyMetadata!.Arn);
    const again = enclave.decryptKMSEnvelopedKey(d.CiphertextForRecipient!);
    expect(again).toEqual(dataKey);
    const dec = createDecipheriv("aes-256-gcm", again, iv);
    dec.setAuthTag(tag);
    expect(Buffer.concat([dec.update(sealed), dec.final()]).toString()).toBe("attested secret");

    await expect(client.send(new sdk.DecryptCommand({ CiphertextBlob: g.CiphertextBlob }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: `User: ${SESSION} is not authorized to perform: kms:Decrypt on resource: ${KeyMetadata!.Arn} because no resource-based policy allows the kms:Decrypt action`,
    });
    await expect(client.send(new sdk.DecryptCommand({ CiphertextBlob: g.CiphertextBlob, Recipient: await impostor.recipient() }))).rejects.toMatchObject({
      name: "AccessDeniedException",
    });
    // The impostor cannot open the enclave's CiphertextForRecipient either: it was made for another key.
    expect(() => impostor.decryptKMSEnvelopedKey(d.CiphertextForRecipient!)).toThrow();
  });
});

test("`pnpm demo` (scripts/demo.mjs) runs every step and exits 0", async () => {
  const root = join(__dirname, "..", "..");
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    execFile(process.execPath, [join(root, "scripts/demo.mjs")], { cwd: root, timeout: 60_000 }, (error, stdout) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
  expect(stdout).toContain("demo passed");
  expect(stdout).not.toContain("✗");
  expect(code).toBe(0);
});
