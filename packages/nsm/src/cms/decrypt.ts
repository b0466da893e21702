// Decrypts a KMS CiphertextForRecipient with the enclave's RSA private key.
//
// Every failure, whatever its cause, is the same EnvelopeDecryptionError with the same message: a
// caller that echoes errors must not become an OAEP or CBC-padding oracle. When RSA-OAEP fails, a
// random key stands in and the AES and padding steps still run, so a failed unwrap costs about the
// same time as a bad padding. Keys and padded plaintext are zeroed once used.
import { KeyObject, constants, createDecipheriv, createHash, createPublicKey, privateDecrypt, randomBytes } from "node:crypto";
import { EnvelopeDecryptionError } from "../errors.js";
import { describeFailure, readEnvelopedData, type EnvelopedDataFields } from "./parse.js";

const AES_256_KEY_BYTES = 32;
const AES_BLOCK_BYTES = 16;

/**
 * Decrypts a KMS `CiphertextForRecipient` (CMS EnvelopedData, RFC 5652) with the recipient's RSA
 * private key and returns the plaintext (e.g. a 32-byte data key). The recipient identifier must be
 * the SHA-256 of the key's DER SubjectPublicKeyInfo, as KMS writes it.
 *
 * Note: CMS EnvelopedData carries no integrity check; the plaintext is as authentic as the channel
 * that delivered the ciphertext (for KMS: the TLS connection).
 */
export function decryptEnvelopedKey(ciphertextForRecipient: Uint8Array, privateKey: KeyObject): Buffer {
  if (!(ciphertextForRecipient instanceof Uint8Array)) throw new EnvelopeDecryptionError("ciphertextForRecipient is not a Uint8Array");
  if (!(privateKey instanceof KeyObject) || privateKey.type !== "private" || privateKey.asymmetricKeyType !== "rsa") {
    throw new EnvelopeDecryptionError("privateKey is not an RSA private KeyObject");
  }
  let fields: EnvelopedDataFields;
  try {
    fields = readEnvelopedData(ciphertextForRecipient);
  } catch (e) {
    throw new EnvelopeDecryptionError(describeFailure(e));
  }
  if (!equalBytes(fields.subjectKeyIdentifier, subjectKeyIdentifierOf(privateKey))) {
    throw new EnvelopeDecryptionError("the recipient's subjectKeyIdentifier is not SHA-256 of this key's SubjectPublicKeyInfo");
  }
  return decryptFields(fields, privateKey);
}

function decryptFields(fields: EnvelopedDataFields, privateKey: KeyObject): Buffer {
  let failure = "";
  let contentKey: Buffer;
  try {
    contentKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, fields.encryptedKey);
  } catch {
    contentKey = randomBytes(AES_256_KEY_BYTES);
    failure = "RSAES-OAEP decryption failed";
  }
  if (contentKey.length !== AES_256_KEY_BYTES) {
    contentKey.fill(0);
    contentKey = randomBytes(AES_256_KEY_BYTES);
    failure ||= "the unwrapped content-encryption key is not 32 bytes";
  }

  let padded: Buffer | undefined;
  try {
    const decipher = createDecipheriv("aes-256-cbc", contentKey, fields.iv);
    decipher.setAutoPadding(false);
    padded = decipher.update(fields.encryptedContent);
    const tail = decipher.final(); // empty: the content is whole blocks and padding is off
    if (tail.length !== 0) {
      const joined = Buffer.concat([padded, tail]);
      padded.fill(0);
      tail.fill(0);
      padded = joined;
    }
  } catch {
    failure ||= "AES-256-CBC decryption failed";
  } finally {
    contentKey.fill(0);
  }
  if (padded === undefined) throw new EnvelopeDecryptionError(failure);

  const plaintextLength = padded.length - pkcs7PaddingLength(padded);
  if (failure || plaintextLength === padded.length) {
    padded.fill(0);
    throw new EnvelopeDecryptionError(failure || "bad PKCS#7 padding");
  }
  const plaintext = Buffer.alloc(plaintextLength); // its own memory, not a slice of a shared pool
  padded.copy(plaintext, 0, 0, plaintextLength);
  padded.fill(0);
  return plaintext;
}

/**
 * The PKCS#7 padding length of whole-block plaintext, or 0 when the padding is invalid. Reads the
 * last block entirely and decides with arithmetic, not early exits, so its timing does not say
 * which byte was wrong.
 */
export function pkcs7PaddingLength(padded: Uint8Array): number {
  const n = padded.length;
  if (n < AES_BLOCK_BYTES || n % AES_BLOCK_BYTES !== 0) return 0;
  const pad = padded[n - 1];
  // bad = 1 when pad == 0 or pad > 16
  let bad = ((pad - 1) >>> 31) | ((AES_BLOCK_BYTES - pad) >>> 31);
  for (let i = 0; i < AES_BLOCK_BYTES; i++) {
    const inPadding = (i - pad) >>> 31; // 1 when i < pad
    const diff = padded[n - 1 - i] ^ pad;
    bad |= inPadding & ((0 - diff) >>> 31); // (0 - diff) is negative exactly when diff != 0
  }
  return pad & (bad - 1); // bad = 1 -> 0; bad = 0 -> pad
}

// SHA-256 of each key's SubjectPublicKeyInfo, computed once per KeyObject (KeyObjects are immutable).
const subjectKeyIdentifiers = new WeakMap<KeyObject, Buffer>();

/** The recipient identifier KMS uses for this key: SHA-256 of the DER SubjectPublicKeyInfo. */
export function subjectKeyIdentifierOf(privateKey: KeyObject): Buffer {
  let ski = subjectKeyIdentifiers.get(privateKey);
  if (ski === undefined) {
    const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
    ski = createHash("sha256").update(spki).digest();
    subjectKeyIdentifiers.set(privateKey, ski);
  }
  return ski;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
