// `pnpm bench enclave-plugin`: what enclaveRecipient() costs. The `kms-local` command on loopback
// (trusting a simulated NSM's CA), one enclave handle (simulated NSM) in this process, our generated
// client, and the same Decrypt of a 32-byte data key done four ways, one call in flight:
//   - by hand, fresh document: Recipient from handle.recipient() for every call, CiphertextForRecipient
//     decrypted with handle.decryptKMSEnvelopedKey() (what an enclave app writes without the plugin);
//   - plugin, fresh document: an ordinary DecryptCommand on a client with enclaveRecipient(handle,
//     { attestationReuseMs: 0 });
//   - plugin, document reused (the default, 60 s);
//   - by hand, document reused: one Recipient threaded through every call.
// CPU time per call in this process too (steadier on a shared machine than calls/s).
// Goal: plugin, fresh document >= 0.95x by hand, fresh document.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, compare, load, startProcess } from "./harness.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { EnclaveHandle, parseAttestation } = load("@nitro-enclaves-sdk/nsm");
const { SimulatedNsm, createSimulatorCa } = load("@nitro-enclaves-sdk/nsm/simulator");
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand } = load("@nitro-enclaves-sdk/client-kms");
const { enclaveRecipient } = load("@nitro-enclaves-sdk/enclave");
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };

const work = mkdtempSync(join(tmpdir(), "bench-enclave-plugin-"));
const ca = createSimulatorCa();
writeFileSync(join(work, "root.pem"), ca.certificatePem);
const server = await startProcess([bin("@nitro-enclaves-sdk/kms-local"), "--port", "0", "--trust-root", join(work, "root.pem"),
  "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`]);
try {
  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const pcr0 = Buffer.from(parseAttestation(await handle.attest()).pcrs.get(0)).toString("hex");
  // The SDK's default retries: a keep-alive connection the server closes just as a call reuses it is retried, as in production.
  const newClient = () => new KMSClient({ endpoint: server.match[1], region: "us-east-1", credentials: CREDENTIALS });
  const admin = newClient();
  const root = "arn:aws:iam::111122223333:root";
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: root }, Action: ["kms:Encrypt", "kms:Describe*", "kms:Put*", "kms:Get*"], Resource: "*" },
      { Effect: "Allow", Principal: { AWS: root }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0 } } },
    ],
  });
  const { KeyMetadata } = await admin.send(new CreateKeyCommand({ Policy: policy }));
  const dataKey = Buffer.alloc(32, 7);
  const { CiphertextBlob } = await admin.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: dataKey }));

  const byHand = newClient();
  const pluginFresh = newClient();
  pluginFresh.middlewareStack.use(enclaveRecipient(handle, { attestationReuseMs: 0 }));
  const pluginReused = newClient();
  pluginReused.middlewareStack.use(enclaveRecipient(handle));
  const reusedRecipient = await handle.recipient();
  const check = (plaintext) => {
    if (!dataKey.equals(Buffer.from(plaintext))) throw new Error("wrong plaintext");
  };
  const decryptByHand = async (Recipient) => {
    const { CiphertextForRecipient } = await byHand.send(new DecryptCommand({ CiphertextBlob, Recipient }));
    check(handle.decryptKMSEnvelopedKey(CiphertextForRecipient));
  };

  await compare("Decrypt with Recipient against kms-local (its own process), one call in flight", [
    { label: "by hand, fresh document", run: async () => decryptByHand(await handle.recipient()) },
    { label: "plugin, fresh document", run: async () => check((await pluginFresh.send(new DecryptCommand({ CiphertextBlob }))).Plaintext) },
    { label: "plugin, document reused", run: async () => check((await pluginReused.send(new DecryptCommand({ CiphertextBlob }))).Plaintext) },
    { label: "by hand, document reused", run: () => decryptByHand(reusedRecipient) },
  ], {
    baseline: "by hand, fresh document",
    rounds: 21,
    batchMs: 800,
    warmupMs: 1000,
    cpu: true,
    goals: [{ candidate: "plugin, fresh document", atLeast: 0.95 }],
  });
  for (const c of [admin, byHand, pluginFresh, pluginReused]) c.destroy();
  handle.close();
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true });
}
