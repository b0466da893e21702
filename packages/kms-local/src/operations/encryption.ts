// Encrypt, Decrypt and ReEncrypt, with symmetric keys (kms-local's authenticated ciphertext blobs) and
// RSA encryption keys (RSAES-OAEP, as KMS does with asymmetric keys). Decrypt honours Recipient.
import { constants, privateDecrypt, publicEncrypt } from "node:crypto";
import { blobKeyId, openBlob, sealBlob } from "../ciphertext.js";
import { encryptForRecipient } from "../cms.js";
import {
  AccessDeniedException, IncorrectKeyException, InvalidCiphertextException, InvalidKeyUsageException, ValidationException,
} from "../errors.js";
import type { Input } from "../input.js";
import { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm } from "../key-specs.js";
import { b64, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";
import { grantTokens, keyIdRule, type Operation } from "./types.js";

const ciphertextRule = { min: 1, max: 6144 };
const INVALID_CIPHERTEXT = "The ciphertext is invalid, was made with another key, or the encryption context does not match.";

/** Checks that a key can encrypt with the requested algorithm; returns the algorithm in force. */
function encryptionAlgorithm(kms: Kms, key: StoredKey, requested: EncryptionAlgorithm | undefined, context: Record<string, string> | undefined, op: string): EncryptionAlgorithm {
  const arn = kms.keyArn(key.record.keyId);
  if (key.record.keyUsage !== "ENCRYPT_DECRYPT") {
    throw new InvalidKeyUsageException(`${arn} key usage is ${key.record.keyUsage} which is not valid for ${op}.`);
  }
  const symmetric = key.record.keySpec === "SYMMETRIC_DEFAULT";
  const algorithm = requested ?? "SYMMETRIC_DEFAULT";
  if (symmetric !== (algorithm === "SYMMETRIC_DEFAULT") || algorithm === "SM2PKE") {
    throw new InvalidKeyUsageException(`The encryption algorithm ${algorithm} is not compatible with the KMS key ${arn} (key spec ${key.record.keySpec}).`);
  }
  if (!symmetric && context && Object.keys(context).length > 0) {
    throw new ValidationException("EncryptionContext is not supported with asymmetric KMS keys.");
  }
  return algorithm;
}

const oaepHash = (algorithm: EncryptionAlgorithm) => (algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256");

function encryptUnder(kms: Kms, key: StoredKey, algorithm: EncryptionAlgorithm, plaintext: Buffer, context?: Record<string, string>): Buffer {
  if (algorithm === "SYMMETRIC_DEFAULT") return sealBlob(key.record.keyId, key.record.material, plaintext, context);
  const bytes = (key.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const hashLen = algorithm === "RSAES_OAEP_SHA_1" ? 20 : 32;
  if (plaintext.length > bytes - 2 * hashLen - 2) {
    throw new ValidationException(`Plaintext is too long for ${key.record.keySpec} with ${algorithm} (at most ${bytes - 2 * hashLen - 2} bytes).`);
  }
  return publicEncrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext);
}

function decryptUnder(key: StoredKey, algorithm: EncryptionAlgorithm, blob: Buffer, context?: Record<string, string>): Buffer {
  if (algorithm === "SYMMETRIC_DEFAULT") {
    const plaintext = openBlob(blob, key.record.material, context);
    if (!plaintext) throw new InvalidCiphertextException(INVALID_CIPHERTEXT);
    return plaintext;
  }
  try {
    return privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, blob);
  } catch {
    throw new InvalidCiphertextException(INVALID_CIPHERTEXT);
  }
}

/**
 * The key a ciphertext is to be decrypted with: the one the blob names (symmetric), checked against the
 * KeyId given, if any; for RSA ciphertexts the KeyId is required.
 */
function decryptionKey(kms: Kms, blob: Buffer, keyId: string | undefined, algorithm: EncryptionAlgorithm | undefined): StoredKey {
  if (algorithm && algorithm !== "SYMMETRIC_DEFAULT") {
    if (keyId === undefined) throw new ValidationException("KeyId is required when decrypting with an asymmetric KMS key.");
    return kms.resolveKey(keyId);
  }
  const named = blobKeyId(blob);
  if (keyId !== undefined) {
    const key = kms.resolveKey(keyId);
    if (named !== null && named !== key.record.keyId) {
      throw new IncorrectKeyException("The key ID in the request does not identify a CMK that can perform this operation.");
    }
    if (named === null && key.record.keySpec === "SYMMETRIC_DEFAULT") throw new InvalidCiphertextException(INVALID_CIPHERTEXT);
    return key;
  }
  if (named === null) throw new InvalidCiphertextException(INVALID_CIPHERTEXT);
  const key = kms.store.keys.get(named);
  if (!key) {
    throw new AccessDeniedException("The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.");
  }
  return kms.resolveKey(named);
}

const readContext = (input: Input, name = "EncryptionContext") => input.stringMap(name);

export const Encrypt: Operation = async (kms, input, caller) => {
  const keyId = input.string("KeyId", { ...keyIdRule, required: true });
  const plaintext = input.blob("Plaintext", { required: true, min: 1, max: 4096 });
  const context = readContext(input);
  grantTokens(input);
  const requested = input.enumOf("EncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  const key = kms.resolveKey(keyId);
  kms.requireEnabled(key);
  const algorithm = encryptionAlgorithm(kms, key, requested, context, "Encrypt");
  kms.authorize(key, "Encrypt", caller, kms.conditionContext(caller, { encryptionContext: context }));
  kms.dryRun(input);
  return { CiphertextBlob: b64(encryptUnder(kms, key, algorithm, plaintext, context)), KeyId: kms.keyArn(key.record.keyId), EncryptionAlgorithm: algorithm };
};

export const Decrypt: Operation = async (kms, input, caller) => {
  const blob = input.blob("CiphertextBlob", { required: true, ...ciphertextRule });
  const context = readContext(input);
  grantTokens(input);
  const keyId = input.string("KeyId", keyIdRule);
  const requested = input.enumOf("EncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  const document = kms.recipients.read(input);
  const key = decryptionKey(kms, blob, keyId, requested);
  kms.requireEnabled(key);
  const algorithm = encryptionAlgorithm(kms, key, requested, context, "Decrypt");
  const recipient = await kms.recipients.verified(document);
  kms.authorize(key, "Decrypt", caller, kms.conditionContext(caller, { encryptionContext: context, recipient }));
  kms.dryRun(input);
  const plaintext = decryptUnder(key, algorithm, blob, context);
  try {
    return {
      KeyId: kms.keyArn(key.record.keyId),
      EncryptionAlgorithm: algorithm,
      ...(recipient
        ? { CiphertextForRecipient: b64(encryptForRecipient(plaintext, recipient.publicKey, recipient.spki)) }
        : { Plaintext: b64(plaintext) }),
    };
  } finally {
    plaintext.fill(0);
  }
};

export const ReEncrypt: Operation = async (kms, input, caller) => {
  const blob = input.blob("CiphertextBlob", { required: true, ...ciphertextRule });
  const sourceContext = readContext(input, "SourceEncryptionContext");
  const sourceKeyId = input.string("SourceKeyId", keyIdRule);
  const destinationKeyId = input.string("DestinationKeyId", { ...keyIdRule, required: true });
  const destinationContext = readContext(input, "DestinationEncryptionContext");
  const sourceRequested = input.enumOf("SourceEncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  const destinationRequested = input.enumOf("DestinationEncryptionAlgorithm", ENCRYPTION_ALGORITHMS);
  grantTokens(input);

  const destination = kms.resolveKey(destinationKeyId);
  const source = decryptionKey(kms, blob, sourceKeyId, sourceRequested);
  kms.requireEnabled(source);
  kms.requireEnabled(destination);
  const sourceAlgorithm = encryptionAlgorithm(kms, source, sourceRequested, sourceContext, "ReEncrypt");
  const destinationAlgorithm = encryptionAlgorithm(kms, destination, destinationRequested, destinationContext, "ReEncrypt");
  kms.authorize(source, "ReEncryptFrom", caller, kms.conditionContext(caller, { encryptionContext: sourceContext }));
  kms.authorize(destination, "ReEncryptTo", caller, kms.conditionContext(caller, { encryptionContext: destinationContext }));
  kms.dryRun(input);
  const plaintext = decryptUnder(source, sourceAlgorithm, blob, sourceContext);
  try {
    return {
      CiphertextBlob: b64(encryptUnder(kms, destination, destinationAlgorithm, plaintext, destinationContext)),
      SourceKeyId: kms.keyArn(source.record.keyId),
      KeyId: kms.keyArn(destination.record.keyId),
      SourceEncryptionAlgorithm: sourceAlgorithm,
      DestinationEncryptionAlgorithm: destinationAlgorithm,
    };
  } finally {
    plaintext.fill(0);
  }
};
