// `pnpm bench nsm-cms`: decryptEnvelopedKey against the raw floor, on the real KMS
// CiphertextForRecipient (test/vectors/cms/kms-sample-1, RSA-2048). Candidates:
//   - floor: node:crypto alone on fields extracted beforehand: RSA-OAEP-SHA256 privateDecrypt of the
//     wrapped key, then AES-256-CBC (no parsing, no checks);
//   - decryptEnvelopedKey: BER parse, every structural check, recipient match, OAEP and padding checked
//     without early exits, zeroing;
//   - handle.decryptKMSEnvelopedKey: the same through an EnclaveHandle (simulated NSM), on a blob of the
//     same shape and sizes re-encrypted to the handle's own RSA-2048 key (the handle never gives its key
//     out; same modulus size, same cost);
//   - pkijs EnvelopedData.decrypt through WebCrypto, for reference (nsm's own pkijs);
//   - with BENCH_BEFORE, decryptEnvelopedKey of that checkout.
// Goal: decryptEnvelopedKey >= 0.85x the floor.
import { constants, createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, compare, load, root } from "./harness.mjs";

const nsm = load("@nitro-enclaves-sdk/nsm");
const { SimulatedNsm } = load("@nitro-enclaves-sdk/nsm/simulator");
const pkijs = load("pkijs", { from: "@nitro-enclaves-sdk/nsm" });
pkijs.setEngine("webcrypto", new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto }));

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

/** The sample re-addressed to another key: new rid, wrapped key, IV and content of the same lengths, so the BER around them is unchanged. */
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
  const publicKey = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  put(fields.subjectKeyIdentifier, createHash("sha256").update(spki).digest());
  put(fields.encryptedKey, publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, contentKey));
  put(fields.encryptedContent, Buffer.concat([cipher.update(Buffer.from(expected, "hex")), cipher.final()]));
  put(fields.iv, iv);
  return out;
}
const handle = await nsm.EnclaveHandle.create({ transport: new SimulatedNsm() });
const handleBlob = reEncryptFor(handle.publicKey);

const pkcs8 = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
async function viaPkijs() {
  const enveloped = new pkijs.EnvelopedData({ schema: pkijs.ContentInfo.fromBER(blob).content });
  return Buffer.from(await enveloped.decrypt(0, { recipientPrivateKey: pkcs8 }));
}

const candidates = [
  { label: "floor (node:crypto, fields pre-extracted)", run: floor },
  { label: "decryptEnvelopedKey", run: () => nsm.decryptEnvelopedKey(blob, privateKey) },
  { label: "handle.decryptKMSEnvelopedKey", run: () => handle.decryptKMSEnvelopedKey(handleBlob) },
  { label: "pkijs EnvelopedData.decrypt (WebCrypto)", run: viaPkijs },
];
if (before) {
  const old = before.load("@nitro-enclaves-sdk/nsm");
  candidates.push({ label: "before: decryptEnvelopedKey", run: () => old.decryptEnvelopedKey(blob, privateKey) });
}
for (const c of candidates) {
  if ((await c.run()).toString("hex") !== expected) throw new Error(`${c.label}: wrong plaintext`); // a wrong answer is no figure
}

await compare(`decryptEnvelopedKey, kms-sample-1 (RSA-2048, ${blob.length} bytes)`, candidates, {
  baseline: "floor (node:crypto, fields pre-extracted)",
  rounds: 21,
  batchMs: 150,
  goals: [{ candidate: "decryptEnvelopedKey", atLeast: 0.85 }],
});
handle.close();
