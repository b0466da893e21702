#!/usr/bin/env node
// `pnpm demo`: the whole enclave flow on one machine, with nothing from AWS.
//   kms-local (the `kms-local` command, on loopback)  <-  our generated @nitro-enclaves-sdk/client-kms  <-  an
//   "enclave": a simulated NSM + the nsm package's EnclaveHandle (an RSA key that never leaves it).
// A KMS key whose policy releases only to the simulated image's PCR0; attest; GenerateDataKey with
// Recipient; decrypt CiphertextForRecipient in the enclave; AES-GCM a message with the data key; keep only
// CiphertextBlob; Decrypt with Recipient; recover the message. Then the refusals: no attestation, and an
// enclave with another PCR0. Exit code 0 only if every step behaved as it should.
// Run after `pnpm build` (the root `demo` script does both).
import { spawn } from "node:child_process";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The SDK's notice that future releases will need Node 22 says nothing about this demo; keep the output to the steps.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const require = createRequire(import.meta.url);
const load = (pkg, file = "dist/cjs/index.js") => {
  try {
    return require(join(root, "packages", pkg, file));
  } catch (e) {
    console.error(`cannot load packages/${pkg}/dist: run \`pnpm build\` first (pnpm demo does) — ${e.message}`);
    process.exit(2);
  }
};
const { EnclaveHandle, parseAttestation } = load("nsm");
const { SimulatedNsm, createSimulatorCa } = load("nsm", "dist/cjs/simulator/index.js");
const { KMSClient, CreateKeyCommand, GenerateDataKeyCommand, DecryptCommand } = load("client-kms");

const REGION = "us-east-1";
const ACCOUNT = "111122223333";
// The enclave's parent instance calls KMS as a session of its instance role, enclave-app.
const CREDENTIALS = { accessKeyId: "ASIAENCLAVEAPP", secretAccessKey: "demo-secret", sessionToken: "demo-session-token" };
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/enclave-app`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/enclave-app/i-0123456789abcdef0`;

const color = process.stdout.isTTY ? (c, s) => `\x1b[${c}m${s}\x1b[0m` : (_c, s) => s;
let failures = 0;
let stepNo = 0;
const step = (title) => console.log(`\n${color("1", `${++stepNo}. ${title}`)}`);
const info = (line) => console.log(`   ${line}`);
const ok = (line) => console.log(`   ${color("32", "✓")} ${line}`);
const fail = (line) => {
  failures++;
  console.log(`   ${color("31", "✗")} ${line}`);
};
const short = (bytes) => `${Buffer.from(bytes).toString("hex").slice(0, 16)}… (${bytes.length} bytes)`;

/** Starts the kms-local command on a free loopback port and resolves with its endpoint. */
function startKmsLocal(trustRootFile) {
  const child = spawn(process.execPath, [join(root, "packages/kms-local/bin/kms-local.js"), "--port", "0", "--trust-root", trustRootFile,
    "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}:${SESSION}:${CREDENTIALS.sessionToken}`], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM"); // not left running behind a demo that gave up on it
      reject(new Error("kms-local did not start within 15 s"));
    }, 15_000);
    child.once("exit", (code) => reject(new Error(`kms-local exited early (code ${code})`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /kms-local listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, endpoint: m[1] });
      }
    });
  });
}

/** The policy of the demo's key: the app role administers it, but Decrypt and GenerateDataKey only with an attested PCR0. */
const releaseOnlyTo = (pcr0Hex) => JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Key administration by the app role",
      Effect: "Allow",
      Principal: { AWS: PRINCIPAL },
      Action: ["kms:Describe*", "kms:Get*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Enable*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
      Resource: "*",
    },
    {
      Sid: "Release key material only to the attested enclave image",
      Effect: "Allow",
      Principal: { AWS: PRINCIPAL },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0Hex } },
    },
  ],
}, null, 2);

async function expectRefusal(what, call, expectedName) {
  try {
    const r = await call();
    fail(`${what}: KMS answered instead of refusing (${Object.keys(r).filter((k) => k !== "$metadata").join(", ")})`);
  } catch (e) {
    if (e.name === expectedName) ok(`${what}: ${e.name}: ${e.message}`);
    else fail(`${what}: expected ${expectedName}, got ${e.name}: ${e.message}`);
  }
}

async function main() {
  console.log(color("1", "nitro-enclaves-sdk demo: KMS releases a data key only to an attested enclave"));
  const work = mkdtempSync(join(tmpdir(), "nitro-demo-"));
  let kmsLocal;
  const client = { destroy() {} };
  try {
    step("Start a simulated NSM CA and kms-local trusting its root");
    const ca = createSimulatorCa();
    const rootFile = join(work, "simulated-nsm-root.pem");
    writeFileSync(rootFile, ca.certificatePem);
    kmsLocal = await startKmsLocal(rootFile);
    ok(`kms-local listening on ${kmsLocal.endpoint} (child process ${kmsLocal.child.pid})`);
    info(`trusting ${ca.commonName} (and the AWS Nitro Enclaves root G1)`);

    step("Start the enclave: simulated NSM + enclave handle (RSA-2048 key born inside)");
    const enclave = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
    const pcr0 = Buffer.from(parseAttestation(await enclave.attest()).pcrs.get(0));
    ok(`enclave image PCR0 = ${pcr0.toString("hex").slice(0, 32)}…`);
    info(`enclave public key SHA-256 = ${createHash("sha256").update(enclave.publicKey).digest("hex").slice(0, 32)}…`);

    const kms = new KMSClient({ endpoint: kmsLocal.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    client.destroy = () => kms.destroy();

    step("Create a KMS key whose policy releases only to that PCR0 (with our generated client)");
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "demo: enclave-only data keys", Policy: releaseOnlyTo(pcr0.toString("hex")) }));
    ok(`key ${KeyMetadata.Arn}`);
    info(`condition: StringEqualsIgnoreCase kms:RecipientAttestation:PCR0 = ${pcr0.toString("hex").slice(0, 32)}…`);

    step("Attest: the NSM signs a document carrying the enclave's public key");
    const recipient = await enclave.recipient(); // { AttestationDocument, KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }
    const document = recipient.AttestationDocument;
    const parsed = parseAttestation(document);
    ok(`attestation document ${document.length} bytes from ${parsed.moduleId}, public key ${parsed.publicKey ? "included" : "MISSING"}`);

    step("GenerateDataKey with Recipient");
    const generated = await kms.send(new GenerateDataKeyCommand({
      KeyId: KeyMetadata.KeyId, KeySpec: "AES_256", Recipient: recipient,
    }));
    if (generated.Plaintext) fail("KMS returned the plaintext data key although a Recipient was given");
    else ok("no Plaintext in the response (KMS never sends it in the clear to an attested caller)");
    if (generated.CiphertextForRecipient) ok(`CiphertextForRecipient: CMS EnvelopedData, ${generated.CiphertextForRecipient.length} bytes`);
    else fail("no CiphertextForRecipient");
    ok(`CiphertextBlob: ${short(generated.CiphertextBlob)} (kept with the data)`);

    step("Decrypt CiphertextForRecipient inside the enclave");
    const dataKey = enclave.decryptKMSEnvelopedKey(generated.CiphertextForRecipient);
    if (dataKey.length === 32) ok(`data key recovered: 32 bytes (sha256 ${createHash("sha256").update(dataKey).digest("hex").slice(0, 16)}…)`);
    else fail(`data key has ${dataKey.length} bytes, expected 32`);

    step("Encrypt a message with the data key (AES-256-GCM), then forget the data key");
    const message = "The launch code is 0000 (nobody outside the enclave may read this).";
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
    const sealed = Buffer.concat([cipher.update(message, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    dataKey.fill(0);
    ok(`sealed message: ${short(sealed)}; stored with iv, tag and CiphertextBlob only`);

    step("Later: Decrypt the CiphertextBlob with a fresh attestation as Recipient");
    const decrypted = await kms.send(new DecryptCommand({
      CiphertextBlob: generated.CiphertextBlob, Recipient: await enclave.recipient(),
    }));
    if (decrypted.Plaintext) fail("KMS returned the plaintext although a Recipient was given");
    const again = enclave.decryptKMSEnvelopedKey(decrypted.CiphertextForRecipient);
    ok(`KMS answered with CiphertextForRecipient (${decrypted.CiphertextForRecipient.length} bytes); the enclave recovered the data key`);

    step("Recover the message");
    const decipher = createDecipheriv("aes-256-gcm", again, iv);
    decipher.setAuthTag(tag);
    const recovered = Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8");
    again.fill(0);
    if (recovered === message) ok(`"${recovered}"`);
    else fail(`recovered "${recovered}", expected "${message}"`);

    step("Refused: Decrypt without an attestation document");
    await expectRefusal("Decrypt without Recipient", () => kms.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob })), "AccessDeniedException");

    step("Refused: an enclave running another image (another PCR0), signed by the same trusted NSM CA");
    const otherPcr0 = createHash("sha384").update("a modified enclave image").digest();
    const impostor = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca, pcrs: { 0: otherPcr0 } }) });
    info(`impostor PCR0 = ${otherPcr0.toString("hex").slice(0, 32)}…`);
    await expectRefusal(
      "Decrypt with the impostor's attestation",
      async () => kms.send(new DecryptCommand({
        CiphertextBlob: generated.CiphertextBlob, Recipient: await impostor.recipient(),
      })),
      "AccessDeniedException",
    );
    await expectRefusal(
      "GenerateDataKey with the impostor's attestation",
      async () => kms.send(new GenerateDataKeyCommand({
        KeyId: KeyMetadata.KeyId, KeySpec: "AES_256", Recipient: await impostor.recipient(),
      })),
      "AccessDeniedException",
    );

    step("Refused: a document signed by an NSM that kms-local does not trust");
    const rogue = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca: createSimulatorCa() }) });
    await expectRefusal(
      "Decrypt with an untrusted attestation",
      async () => kms.send(new DecryptCommand({
        CiphertextBlob: generated.CiphertextBlob, Recipient: await rogue.recipient(),
      })),
      "ValidationException",
    );
  } catch (e) {
    fail(`unexpected error: ${e?.name ?? "Error"}: ${e?.message ?? e}`);
  } finally {
    client.destroy();
    if (kmsLocal) {
      kmsLocal.child.removeAllListeners("exit");
      kmsLocal.child.kill("SIGTERM");
    }
    rmSync(work, { recursive: true, force: true });
  }
  console.log();
  if (failures === 0) console.log(color("32", `demo passed: all ${stepNo} steps behaved as they should`));
  else console.log(color("31", `demo FAILED: ${failures} check(s) did not behave`));
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
