// `pnpm bench kms-local`: how fast the `kms-local` command answers on loopback, and where a request's
// time goes. kms-local has no speed goal; these figures say where the time goes.
//   - in this process: the RSA + CMS work of a Recipient answer (encryptForRecipient: AES-256-CBC of a
//     32-byte data key, RSA-OAEP-SHA256 to an RSA-2048 key, the BER envelope) and the attestation check
//     (verifyAttestation of the Recipient's document, as kms-local runs it on every request);
//   - the server (its own process) under a keep-alive loopback client that replays requests our client
//     signed (SigV4 allows replays for 5 minutes), BENCH_IN_FLIGHT (16) in flight: Decrypt, Decrypt with
//     Recipient, GenerateDataKey with Recipient; requests/s, and the server's CPU time per request (from
//     /proc), which depends less on the client's share of the 2 cores;
//   - beside GenerateDataKey with Recipient, two reference servers on node:http with the same client: the
//     transport alone (a fixed answer), and the transport plus the RSA/CMS work alone (encryptForRecipient
//     per request): the best any node:http server doing this work could reach;
//   - with BENCH_BEFORE, that checkout's kms-local in the same rounds (ratios: this build / before).
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, bin, compare, cpuSecondsOf, entryPath, load, startProcess } from "./harness.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { AWS_NITRO_ROOT_G1_PEM, NsmClient, verifyAttestation } = load("@nitro-enclaves-sdk/nsm");
const { SimulatedNsm, createSimulatorCa } = load("@nitro-enclaves-sdk/nsm/simulator");
const { KMSClient, CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand } = load("@nitro-enclaves-sdk/client-kms");
const { encryptForRecipient } = load("@nitro-enclaves-sdk/kms-local");

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };
const KMS_LOCAL = "kms-local";
const BEFORE = "before: kms-local";
const TRANSPORT = "node:http, fixed answer (reference)";
const RSA_CMS = "node:http + encryptForRecipient (reference)";

const listening = `function () { console.log("listening on http://127.0.0.1:" + this.address().port); }`;
const REFERENCE_SERVERS = {
  [TRANSPORT]: `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => {
    s.writeHead(200, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": require("node:crypto").randomUUID() });
    s.end('{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"}'); }); })
    .listen(0, "127.0.0.1", ${listening});`,
  // an answer of GenerateDataKey's shape, its CiphertextForRecipient made for an RSA-2048 key parsed once
  [RSA_CMS]: `const { generateKeyPairSync, randomBytes, randomUUID } = require("node:crypto");
    const { encryptForRecipient } = require(${JSON.stringify(entryPath("@nitro-enclaves-sdk/kms-local"))});
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = publicKey.export({ type: "spki", format: "der" });
    require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => {
      const body = JSON.stringify({ CiphertextBlob: randomBytes(100).toString("base64"),
        KeyId: "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000",
        CiphertextForRecipient: encryptForRecipient(randomBytes(32), publicKey, spki).toString("base64") });
      s.writeHead(200, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": randomUUID() });
      s.end(body); }); })
    .listen(0, "127.0.0.1", ${listening});`,
};

/** The request our client sends for a command, signed, captured instead of sent. */
async function signed(endpoint, command) {
  let captured;
  const requestHandler = {
    handle: async (req) => {
      const b = req.body;
      captured = { headers: { ...req.headers }, body: typeof b === "string" ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength) };
      throw new Error("captured");
    },
  };
  await new KMSClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1, requestHandler }).send(command).catch(() => undefined);
  return captured;
}

/** A key on a kms-local server and the three requests for it, signed for that server. */
async function requestsFor(endpoint, recipient) {
  const client = new KMSClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
  const keyId = (await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
  const blob = (await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(32, 7) }))).CiphertextBlob;
  client.destroy();
  return {
    "Decrypt": await signed(endpoint, new DecryptCommand({ CiphertextBlob: blob })),
    "Decrypt with Recipient": await signed(endpoint, new DecryptCommand({ CiphertextBlob: blob, Recipient: recipient })),
    "GenerateDataKey with Recipient": await signed(endpoint, new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", Recipient: recipient })),
  };
}

/** A candidate that replays one signed request for a batch's time, IN_FLIGHT at once: requests, and the server's CPU. */
function replaying(label, server, req) {
  const url = new URL(server.match[1]);
  const sample = async (ms) => {
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    let ops = 0;
    let firstError;
    const one = () => new Promise((resolve) => {
      const r = request({ host: url.hostname, port: url.port, method: "POST", path: "/", headers: req.headers, agent }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          if (res.statusCode === 200) ops++;
          else firstError ??= `HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`;
          resolve();
        });
      });
      r.on("error", (e) => resolve((firstError ??= e.message)));
      r.end(req.body);
    });
    const cpuStart = cpuSecondsOf(server.child.pid);
    const start = performance.now();
    const end = start + ms;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end && !firstError) await one();
    }));
    const seconds = (performance.now() - start) / 1000;
    agent.destroy();
    if (firstError) throw new Error(`${label}: a request failed: ${firstError}`);
    return { ops, seconds, cpuSeconds: cpuSecondsOf(server.child.pid) - cpuStart };
  };
  return { label, sample };
}

const work = mkdtempSync(join(tmpdir(), "kms-local-bench-"));
const servers = [];
const start = async (args) => {
  const server = await startProcess(args);
  servers.push(server);
  return server;
};
try {
  const ca = createSimulatorCa();
  const trustRoot = join(work, "root.pem");
  writeFileSync(trustRoot, ca.certificatePem);
  const serverArgs = ["--port", "0", "--trust-root", trustRoot, "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`];
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const document = await new NsmClient(new SimulatedNsm({ ca })).attestation({ publicKey: spki });
  const recipient = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: document };

  const dataKey = Buffer.alloc(32, 1);
  const roots = [ca.certificatePem, AWS_NITRO_ROOT_G1_PEM];
  const parts = await compare("the work of one GenerateDataKey with Recipient, in this process", [
    { label: "RSA + CMS: encryptForRecipient", run: () => encryptForRecipient(dataKey, publicKey, spki) },
    { label: "attestation check: verifyAttestation", run: () => verifyAttestation(document, { trustedRoots: roots, allowDebug: true }) },
  ], { rounds: 7, batchMs: 300 });

  const ours = await start([bin("@nitro-enclaves-sdk/kms-local"), ...serverArgs]);
  const old = before && (await start([before.bin("@nitro-enclaves-sdk/kms-local"), ...serverArgs]));
  const references = Object.fromEntries(await Promise.all(Object.entries(REFERENCE_SERVERS).map(async ([label, script]) => [label, await start(["-e", script])])));
  const ourRequests = await requestsFor(ours.match[1], recipient);
  const oldRequests = old && (await requestsFor(old.match[1], recipient));

  const served = {};
  for (const kind of Object.keys(ourRequests)) {
    const candidates = [replaying(KMS_LOCAL, ours, ourRequests[kind])];
    if (old) candidates.push(replaying(BEFORE, old, oldRequests[kind]));
    if (kind === "GenerateDataKey with Recipient") {
      for (const [label, server] of Object.entries(references)) candidates.push(replaying(label, server, ourRequests[kind]));
    }
    served[kind] = await compare(`${kind}: server process, ${IN_FLIGHT} in flight, keep-alive loopback (CPU/op: the server's)`, candidates, {
      baseline: old ? BEFORE : undefined,
      rounds: 5,
      batchMs: 1500,
    });
  }

  const us = (seconds) => (seconds * 1e6).toFixed(1).padStart(7);
  const gdk = served["GenerateDataKey with Recipient"];
  const total = gdk[KMS_LOCAL].cpuPerOp;
  const rsa = parts["RSA + CMS: encryptForRecipient"].timePerOp;
  const attestation = parts["attestation check: verifyAttestation"].timePerOp;
  const transport = gdk[TRANSPORT].cpuPerOp;
  const share = (s) => `${us(s)} µs ${((100 * s) / total).toFixed(0).padStart(3)}%`;
  console.log(`\nwhere one GenerateDataKey with Recipient's ${us(total).trim()} µs of server CPU go:`);
  console.log(`  RSA + CMS                          ${share(rsa)}`);
  console.log(`  attestation check                  ${share(attestation)}`);
  console.log(`  HTTP transport (reference server)  ${share(transport)}`);
  console.log(`  JSON, SigV4, policy, key, the rest ${share(total - rsa - attestation - transport)}`);
  console.log(`kms-local adds ${us(total - gdk[RSA_CMS].cpuPerOp).trim()} µs to the node:http + encryptForRecipient server's ${us(gdk[RSA_CMS].cpuPerOp).trim()} µs`);
  console.log(`Recipient adds ${us(served["Decrypt with Recipient"][KMS_LOCAL].cpuPerOp - served["Decrypt"][KMS_LOCAL].cpuPerOp).trim()} µs of server CPU to a Decrypt`);
} finally {
  for (const server of servers) server.stop();
  rmSync(work, { recursive: true, force: true });
}
