// `pnpm bench enclave-plugin`: what enclaveRecipient() costs. One process of the `kms-local` command on
// loopback (trusting a simulated NSM's CA), one enclave (SimulatedNsm + EnclaveHandle) in this process, our
// generated client, and the same Decrypt of a 32-byte data key done four ways, side by side:
//   - by hand, fresh document: Recipient built from handle.attest() for every call, CiphertextForRecipient
//     decrypted with handle.decryptKMSEnvelopedKey() (what an enclave app writes without the plugin);
//   - plugin, fresh document: an ordinary DecryptCommand on a client with enclaveRecipient(handle,
//     { attestationReuseMs: 0 });
//   - plugin, document reused (the default, 60 s);
//   - by hand, document reused: one document threaded through every call (the hand-written equivalent).
// Calls are sequential (one in flight); timed rounds interleaved between the four, order rotated each
// round; median calls/s, and beside it this process's CPU time per call (steadier on a shared machine). Goal: plugin fresh / by hand fresh >= 0.95. Reported besides: plugin reused /
// by hand fresh (what reuse buys) and plugin reused / by hand reused.
// Run after `pnpm build`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startKmsLocalProcess } from "./kms-local-process.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const load = (pkg, file = "index.js") => {
  try {
    return require(join(root, "packages", pkg, "dist/cjs", file));
  } catch (e) {
    console.error(`cannot load packages/${pkg}/dist: run \`pnpm build\` first (${e.message})`);
    process.exit(1);
  }
};
const { EnclaveHandle, parseAttestation } = load("nsm");
const { SimulatedNsm, createSimulatorCa } = load("nsm", "simulator/index.js");
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand } = load("client-kms");
const { enclaveRecipient } = load("enclave");

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 800);
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(join(tmpdir(), "bench-enclave-plugin-"));
const ca = createSimulatorCa();
writeFileSync(join(work, "root.pem"), ca.certificatePem);
const server = await startKmsLocalProcess(join(work, "root.pem"), CREDENTIALS);
try {
  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const pcr0 = Buffer.from(parseAttestation(await handle.attest()).pcrs.get(0)).toString("hex");
  // The SDK's default retries: a keep-alive connection the server closes just as a call reuses it is retried, as in production.
  const newClient = () => new KMSClient({ endpoint: server.endpoint, region: "us-east-1", credentials: CREDENTIALS });
  const admin = newClient();
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["kms:Encrypt", "kms:Describe*", "kms:Put*", "kms:Get*"], Resource: "*" },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:Decrypt", Resource: "*",
        Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0 } } },
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
  const reusedDocument = await handle.attest();
  const recipientOf = (AttestationDocument) => ({ AttestationDocument, KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" });

  const check = (plaintext) => {
    if (!dataKey.equals(Buffer.from(plaintext))) throw new Error("wrong plaintext");
  };
  const candidates = [
    { label: "by hand, fresh document", call: async () => {
      const r = await byHand.send(new DecryptCommand({ CiphertextBlob, Recipient: recipientOf(await handle.attest()) }));
      check(handle.decryptKMSEnvelopedKey(r.CiphertextForRecipient));
    } },
    { label: "plugin, fresh document", call: async () => check((await pluginFresh.send(new DecryptCommand({ CiphertextBlob }))).Plaintext) },
    { label: "plugin, document reused", call: async () => check((await pluginReused.send(new DecryptCommand({ CiphertextBlob }))).Plaintext) },
    { label: "by hand, document reused", call: async () => {
      const r = await byHand.send(new DecryptCommand({ CiphertextBlob, Recipient: recipientOf(reusedDocument) }));
      check(handle.decryptKMSEnvelopedKey(r.CiphertextForRecipient));
    } },
  ];
  for (const c of candidates) {
    c.rates = [];
    c.cpuUs = [];
    for (let i = 0; i < 30; i++) await c.call(); // warm-up (JIT, connections, kms-local's document cache)
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(round + k) % candidates.length];
      let n = 0;
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const end = Date.now() + ROUND_MS;
      while (Date.now() < end) {
        await c.call();
        n++;
      }
      c.rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
      const { user, system } = process.cpuUsage(cpu);
      c.cpuUs.push((user + system) / n);
    }
  }

  console.log(`Decrypt with Recipient against kms-local (separate process), sequential calls, ${ROUNDS} rounds x 4 x ${ROUND_MS} ms`);
  const byLabel = Object.fromEntries(candidates.map((c) => [c.label, c]));
  for (const c of candidates) {
    console.log(`  ${c.label.padEnd(26)} ${median(c.rates).toFixed(1).padStart(8)} calls/s (median; rounds ${Math.min(...c.rates).toFixed(0)}-${Math.max(...c.rates).toFixed(0)})` +
      `  ${median(c.cpuUs).toFixed(0).padStart(6)} µs CPU per call in this process`);
  }
  const pairedRatio = (a, b, field) => median(byLabel[a][field].map((x, i) => x / byLabel[b][field][i]));
  const report = (a, b, note) => {
    const calls = pairedRatio(a, b, "rates");
    const cpu = pairedRatio(b, a, "cpuUs"); // CPU per call of b over a: > 1 when a is cheaper
    console.log(`  ${`${a} / ${b}`.padEnd(52)} calls/s ${calls.toFixed(3)}, CPU ${cpu.toFixed(3)}  ${note(calls)}`);
  };
  console.log("  ratios (median of per-round ratios; CPU as by-hand CPU / plugin CPU, so higher is better for both):");
  report("plugin, fresh document", "by hand, fresh document", (r) => `(goal >= 0.95: ${r >= 0.95 ? "met" : "NOT met"})`);
  report("plugin, document reused", "by hand, fresh document", () => "(what document reuse buys)");
  report("plugin, document reused", "by hand, document reused", () => "");
  for (const c of [admin, byHand, pluginFresh, pluginReused]) c.destroy();
  handle.close();
} finally {
  server.child.removeAllListeners("exit");
  server.child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
