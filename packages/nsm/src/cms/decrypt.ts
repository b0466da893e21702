// Decrypts a KMS CiphertextForRecipient with the enclave's RSA private key.
//
// Every failure, whatever its cause, is the same EnvelopeDecryptionError with the same message, and
// a failed RSA-OAEP unwrap does the same work as a bad padding: the raw RSA operation never fails on
// padding (RSA_NO_PADDING), the OAEP encoding is then checked here at fixed positions without early
// exits, a random key always drawn stands in when it is wrong, and the AES and padding steps run
// either way. This keeps a caller that echoes errors from becoming an OAEP oracle. It does NOT stop
// an adaptive attacker who relays ciphertexts and sees which ones decrypt (CMS has no integrity
// check): EnclaveHandle.decryptKMSEnvelopedKey retires a key after a failure for that reason, and a
// direct caller of decryptEnvelopedKey must do the same (see the package README). Keys and padded
// plaintext are zeroed once used.
import * as crypto from "node:crypto";
import { KeyObject, constants, createDecipheriv, createHash, createPublicKey, privateDecrypt, randomBytes } from "node:crypto";
import { isBytes } from "../arguments.js";
import { EnvelopeDecryptionError, NsmArgumentError } from "../errors.js";
import { describeFailure, readEnvelopedData, type EnvelopedDataFields } from "./parse.js";

const AES_256_KEY_BYTES = 32;
const AES_BLOCK_BYTES = 16;
const SHA256_BYTES = 32;
/** SHA-256 of the empty OAEP label (RFC 8017 7.1.2: lHash). */
const EMPTY_LABEL_HASH = createHash("sha256").digest();

/**
 * Decrypts a KMS `CiphertextForRecipient` (CMS EnvelopedData, RFC 5652) with the recipient's RSA
 * private key and returns the plaintext (e.g. a 32-byte data key). The recipient identifier must be
 * the SHA-256 of the key's DER SubjectPublicKeyInfo, as KMS writes it.
 *
 * CMS EnvelopedData carries no integrity check: the plaintext is as authentic as the channel that
 * delivered the ciphertext, and whoever can submit altered ciphertexts and learn whether each one
 * decrypted can recover the plaintext over thousands of tries. Stop using a key after a failure
 * (EnclaveHandle does).
 */
export function decryptEnvelopedKey(ciphertextForRecipient: Uint8Array, privateKey: KeyObject): Buffer {
  if (!isBytes(ciphertextForRecipient)) throw new EnvelopeDecryptionError("ciphertextForRecipient is not a Uint8Array");
  if (!(privateKey instanceof KeyObject) || privateKey.type !== "private" || privateKey.asymmetricKeyType !== "rsa") {
    throw new EnvelopeDecryptionError("privateKey is not an RSA private KeyObject");
  }
  const fields = readFields(ciphertextForRecipient);
  if (!equalBytes(fields.subjectKeyIdentifier, cachedIdentifier(privateKey))) {
    throw new EnvelopeDecryptionError("the recipient's subjectKeyIdentifier is not SHA-256 of this key's SubjectPublicKeyInfo");
  }
  return decryptFields(fields, privateKey);
}

/** readEnvelopedData with its failures as EnvelopeDecryptionError. */
export function readFields(ciphertextForRecipient: Uint8Array): EnvelopedDataFields {
  try {
    return readEnvelopedData(ciphertextForRecipient);
  } catch (e) {
    throw new EnvelopeDecryptionError(describeFailure(e));
  }
}

/** Unwraps the content key and decrypts the content of fields already addressed to `privateKey`. */
export function decryptFields(fields: EnvelopedDataFields, privateKey: KeyObject): Buffer {
  const fallbackKey = randomBytes(AES_256_KEY_BYTES); // drawn every time, used when the unwrap fails
  const unwrapped = unwrapContentKey(fields.encryptedKey, privateKey);
  // valid ? unwrapped : fallback, byte by byte through a mask.
  const mask = -unwrapped.valid & 0xff;
  const contentKey = Buffer.alloc(AES_256_KEY_BYTES);
  for (let i = 0; i < AES_256_KEY_BYTES; i++) contentKey[i] = (unwrapped.key[i] & mask) | (fallbackKey[i] & ~mask);
  unwrapped.key.fill(0);
  fallbackKey.fill(0);

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
    padded = undefined;
  } finally {
    contentKey.fill(0);
  }
  if (padded === undefined) throw new EnvelopeDecryptionError(unwrapped.valid ? "AES-256-CBC decryption failed" : unwrapped.reason);

  const plaintextLength = padded.length - pkcs7PaddingLength(padded);
  if (!unwrapped.valid || plaintextLength === padded.length) {
    padded.fill(0);
    throw new EnvelopeDecryptionError(unwrapped.valid ? "bad PKCS#7 padding" : unwrapped.reason);
  }
  const plaintext = Buffer.alloc(plaintextLength); // its own memory, not a slice of a shared pool
  padded.copy(plaintext, 0, 0, plaintextLength);
  padded.fill(0);
  return plaintext;
}

/**
 * RSAES-OAEP-SHA256 decryption (RFC 8017 7.1.2) of a 32-byte AES-256 key. The RSA step runs without
 * padding; the encoding EM = 0x00 || maskedSeed || maskedDB is then checked with DB = lHash || PS
 * || 0x01 || M, where M must be the 32-byte key, so every byte sits at a fixed place and is checked
 * without branching on secret data. `valid` is 1 or 0; `key` is always 32 bytes (junk when invalid).
 */
function unwrapContentKey(encryptedKey: Uint8Array, privateKey: KeyObject): { valid: number; key: Buffer; reason: string } {
  const k = (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) >> 3;
  const junk = () => ({ valid: 0, key: Buffer.alloc(AES_256_KEY_BYTES), reason: "RSAES-OAEP decryption failed" });
  // Sizes are public: a wrapped key that is not one modulus long, or a modulus too small for
  // lHash, a separator and a 32-byte key, cannot hold a valid encoding.
  if (encryptedKey.length !== k || k < 2 * SHA256_BYTES + 2 + AES_256_KEY_BYTES) return junk();
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    return junk(); // the value is not below the (public) modulus
  }
  if (em.length !== k) {
    em.fill(0);
    return junk();
  }
  const maskedSeed = em.subarray(1, 1 + SHA256_BYTES);
  const maskedDb = em.subarray(1 + SHA256_BYTES);
  const seed = xorInto(mgf1Sha256(maskedDb, SHA256_BYTES), maskedSeed);
  const db = xorInto(mgf1Sha256(seed, maskedDb.length), maskedDb);
  const separator = db.length - AES_256_KEY_BYTES - 1;
  let bad = em[0];
  for (let i = 0; i < SHA256_BYTES; i++) bad |= db[i] ^ EMPTY_LABEL_HASH[i];
  for (let i = SHA256_BYTES; i < separator; i++) bad |= db[i];
  bad |= db[separator] ^ 0x01;
  const key = Buffer.alloc(AES_256_KEY_BYTES);
  db.copy(key, 0, separator + 1);
  em.fill(0);
  seed.fill(0);
  db.fill(0);
  return { valid: (bad - 1) >>> 31, key, reason: "RSAES-OAEP decryption failed" };
}

// One-shot SHA-256 (crypto.hash, Node 20.12 and later) costs about half of createHash().update().digest().
const sha256: (data: Uint8Array) => Buffer =
  typeof crypto.hash === "function" ? (data) => crypto.hash("sha256", data, "buffer") : (data) => createHash("sha256").update(data).digest();

/** MGF1 with SHA-256 (RFC 8017 B.2.1): `length` bytes of mask from `seed`. */
function mgf1Sha256(seed: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(Math.ceil(length / SHA256_BYTES) * SHA256_BYTES);
  const input = Buffer.alloc(seed.length + 4); // seed || 32-bit big-endian counter
  input.set(seed);
  for (let i = 0, at = 0; at < length; i++, at += SHA256_BYTES) {
    input.writeUInt32BE(i, seed.length);
    sha256(input).copy(out, at);
  }
  input.fill(0);
  return out.subarray(0, length);
}

/** mask ^= data, in place; returns mask. */
function xorInto(mask: Buffer, data: Uint8Array): Buffer {
  for (let i = 0; i < mask.length; i++) mask[i] ^= data[i];
  return mask;
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

function cachedIdentifier(key: KeyObject): Buffer {
  let ski = subjectKeyIdentifiers.get(key);
  if (ski === undefined) {
    const spki = (key.type === "public" ? key : createPublicKey(key)).export({ format: "der", type: "spki" });
    ski = createHash("sha256").update(spki).digest();
    subjectKeyIdentifiers.set(key, ski);
  }
  return ski;
}

/**
 * The recipient identifier KMS uses for this key: SHA-256 of its DER SubjectPublicKeyInfo. Takes
 * the private or the public key; returns a new Buffer each call.
 */
export function subjectKeyIdentifierOf(key: KeyObject): Buffer {
  if (!(key instanceof KeyObject) || (key.type !== "private" && key.type !== "public")) {
    throw new NsmArgumentError("subjectKeyIdentifierOf takes an asymmetric KeyObject (private or public)");
  }
  try {
    return Buffer.from(cachedIdentifier(key));
  } catch (cause) {
    throw new NsmArgumentError("subjectKeyIdentifierOf could not export the key's SubjectPublicKeyInfo", { cause });
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
