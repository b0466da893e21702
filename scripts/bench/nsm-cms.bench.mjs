// `pnpm bench nsm-cms`: decryptEnvelopedKey against the raw floor, side by side in one run, on the real
// KMS CiphertextForRecipient (test/vectors/cms/kms-sample-1, RSA-2048). Candidates:
//   - floor: node:crypto alone on fields extracted beforehand: RSA-OAEP-SHA256 privateDecrypt of the
//     wrapped key, then AES-256-CBC decipher (no parsing, no checks);
//   - ours: decryptEnvelopedKey(ciphertextForRecipient, privateKey): BER parse with the package's own
//     reader (src/asn1/ber.ts), every structural check, recipient match, OAEP and padding checked
//     without early exits, zeroing;
//   - handle.decryptKMSEnvelopedKey: the same through an EnclaveHandle (SimulatedNsm transport), on a
//     blob of the same shape and sizes re-encrypted to the handle's own RSA-2048 key (the handle never
//     gives its key out, so the floor runs on the sample's key: same modulus size, same cost);
//   - baseline: decryptEnvelopedKey of another build of the package, when BENCH_NSM_BASELINE names
//     one (a folder holding its package.json and dist/), to compare two versions in one run;
//   - pkijs: EnvelopedData.decrypt through WebCrypto (for reference: what we avoid).
// Timed batches interleaved between candidates, median ops/s, and the median of the per-round ratio
// ours/floor (goal >= 0.85).
import { constants, createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBaseline, loadNsm, median, pairedRatio, sideBySide } from "./nsm-common.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 150);

const nsm = loadNsm();
const baseline = loadBaseline();
const nsmRequire = createRequire(join(root, "packages/nsm/package.json"));
const sample = join(root, "test/vectors/cms/kms-sample-1");
const blob = readFileSync(join(sample, "ciphertext_for_recipient.der"));
const pem = readFileSync(join(sample, "private_key_pkcs8.pem"), "utf8");
const privateKey = createPrivateKey(pem);
const expected = readFileSync(join(sample, "expected_plaintext.hex"), "utf8").trim();

const fields = nsm.parseEnvelopedData(blob);
function floor() {
  const key = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, fields.encryptedKey);
  const decipher = createDecipheriv("aes-256-cbc", key, fields.iv);
  return Buffer.concat([decipher.update(fields.encryptedContent), decipher.final()]);
}

// The sample re-addressed to the handle's key: new rid, wrapped key, IV and content, all the same
// lengths, so the BER around them is unchanged.
const handle = await nsm.EnclaveHandle.create({ transport: new nsm.SimulatedNsm() });
function reEncryptFor(spki) {
  const out = Buffer.from(blob);
  const put = (old, bytes) => {
    const at = out.indexOf(Buffer.from(old));
    if (bytes.length !== old.length || at < 0) throw new Error("cannot re-address the sample");
    bytes.copy(out, at);
  };
  const contentKey = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", contentKey, iv);
  put(fields.subjectKeyIdentifier, createHash("sha256").update(spki).digest());
  put(fields.encryptedKey, publicEncrypt({ key: createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, contentKey));
  put(fields.encryptedContent, Buffer.concat([cipher.update(Buffer.from(expected, "hex")), cipher.final()]));
  put(fields.iv, iv);
  return out;
}
const handleBlob = reEncryptFor(handle.publicKey);

const pkijs = nsmRequire("pkijs");
pkijs.setEngine("webcrypto", new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto }));
const pkcs8 = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
async function viaPkijs() {
  const info = pkijs.ContentInfo.fromBER(blob);
  const enveloped = new pkijs.EnvelopedData({ schema: info.content });
  return Buffer.from(await enveloped.decrypt(0, { recipientPrivateKey: pkcs8 }));
}

const candidates = [
  { label: "floor (node:crypto on pre-extracted fields)", run: floor },
  { label: "ours: decryptEnvelopedKey", run: () => nsm.decryptEnvelopedKey(blob, privateKey) },
  { label: "ours: handle.decryptKMSEnvelopedKey (handle's own key)", run: () => handle.decryptKMSEnvelopedKey(handleBlob) },
  ...(baseline ? [{ label: `baseline (${baseline.dir}): decryptEnvelopedKey`, run: () => baseline.nsm.decryptEnvelopedKey(blob, privateKey) }] : []),
  { label: "pkijs EnvelopedData.decrypt (WebCrypto)", run: viaPkijs, async: true },
];

for (const c of candidates) {
  const out = await c.run(); // every candidate must produce the right plaintext
  if (out.toString("hex") !== expected) {
    console.log(`${c.label}: wrong plaintext; left out`);
    c.skip = true;
  }
}
const active = candidates.filter((c) => !c.skip);

const rates = await sideBySide(active, ROUNDS, BATCH_MS);
console.log(`\nkms-sample-1 (RSA-2048, ${blob.length} bytes)  (${ROUNDS} rounds x ${BATCH_MS} ms, median)`);
console.log("| candidate | ops/s | us/op | vs floor (median of per-round ratios) |");
console.log("|---|---:|---:|---:|");
active.forEach((c, i) => console.log(`| ${c.label} | ${median(rates[i]).toFixed(0)} | ${(1e6 / median(rates[i])).toFixed(0)} | ${pairedRatio(rates, i, 0).toFixed(2)}x |`));
