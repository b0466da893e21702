// Encrypt, Decrypt and ReEncrypt, with symmetric keys (kms-local's authenticated ciphertext blobs) and
// RSA encryption keys (RSAES-OAEP, as KMS does with asymmetric keys). Decrypt honours Recipient.
import { constants, privateDecrypt, publicEncrypt } from "node:crypto";
import { blobKeyId, openBlob, sealBlob } from "../ciphertext.js";
import {
  AccessDeniedException, IncorrectKeyException, InvalidCiphertextException, InvalidKeyUsageException, ValidationException,
} from "../errors.js";
import type { Input } from "../input.js";
import { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm } from "../key-specs.js";
import { b64, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";
import { encryptionContext, grantTokens, keyIdRule, requiredKeyId } from "./members.js";
import { operation } from "./operation.js";

const ciphertextRule = { min: 1, max: 6144 };
const INVALID_CIPHERTEXT = "The ciphertext is invalid, was made with another key, or the encryption context does not match.";

/** What one side of an encryption names: its key, context and algorithm (SYMMETRIC_DEFAULT unless given). */
interface Side {
  context: Record<string, string> | undefined;
  algorithm: EncryptionAlgorithm;
}

/** Checks that a key can encrypt or decrypt with the side's algorithm and context. */
function checkEncryptionKey(kms: Kms, key: StoredKey, side: Side, op: string) {
  const arn = kms.keyArn(key.record.keyId);
  if (key.record.keyUsage !== "ENCRYPT_DECRYPT") {
    throw new InvalidKeyUsageException(`${arn} key usage is ${key.record.keyUsage} which is not valid for ${op}.`);
  }
  const symmetric = key.record.keySpec === "SYMMETRIC_DEFAULT";
  if (symmetric !== (side.algorithm === "SYMMETRIC_DEFAULT") || side.algorithm === "SM2PKE") {
    throw new InvalidKeyUsageException(`The encryption algorithm ${side.algorithm} is not compatible with the KMS key ${arn} (key spec ${key.record.keySpec}).`);
  }
  if (!symmetric && side.context && Object.keys(side.context).length > 0) {
    throw new ValidationException("EncryptionContext is not supported with asymmetric KMS keys.");
  }
}

const conditionsOf = (side: Side) => ({ encryptionContext: side.context, encryptionAlgorithm: side.algorithm });
const oaepHash = (algorithm: EncryptionAlgorithm) => (algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256");

function encryptUnder(key: StoredKey, side: Side, plaintext: Buffer): Buffer {
  if (side.algorithm === "SYMMETRIC_DEFAULT") return sealBlob(key.record.keyId, key.record.material, plaintext, side.context);
  const bytes = (key.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const hashLen = side.algorithm === "RSAES_OAEP_SHA_1" ? 20 : 32;
  if (plaintext.length > bytes - 2 * hashLen - 2) {
    throw new ValidationException(`Plaintext is too long for ${key.record.keySpec} with ${side.algorithm} (at most ${bytes - 2 * hashLen - 2} bytes).`);
  }
  return publicEncrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(side.algorithm) }, plaintext);
}

function decryptUnder(key: StoredKey, side: Side, blob: Buffer): Buffer {
  if (side.algorithm === "SYMMETRIC_DEFAULT") {
    const plaintext = openBlob(blob, key.record.material, side.context);
    if (!plaintext) throw new InvalidCiphertextException(INVALID_CIPHERTEXT);
    return plaintext;
  }
  try {
    return privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(side.algorithm) }, blob);
  } catch {
    throw new InvalidCiphertextException(INVALID_CIPHERTEXT);
  }
}

/** KMS's KeyMaterialId output members are present for symmetric keys only. */
const materialIdOf = (key: StoredKey) => (key.record.keySpec === "SYMMETRIC_DEFAULT" ? key.keyMaterialId : undefined);

/**
 * The key a ciphertext is to be decrypted with: the one the blob names (symmetric), checked against the
 * KeyId given, if any; for RSA ciphertexts the KeyId is required.
 */
function decryptionKey(kms: Kms, blob: Buffer, keyId: string | undefined, algorithm: EncryptionAlgorithm): StoredKey {
  if (algorithm !== "SYMMETRIC_DEFAULT") {
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
  if (!kms.store.keys.has(named)) {
    throw new AccessDeniedException("The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.");
  }
  return kms.resolveKey(named);
}

const algorithmMember = (input: Input, name = "EncryptionAlgorithm") => input.enumOf(name, ENCRYPTION_ALGORITHMS) ?? "SYMMETRIC_DEFAULT";

export const Encrypt = operation({
  read(input: Input) {
    const keyId = requiredKeyId(input);
    const plaintext = input.blob("Plaintext", { required: true, min: 1, max: 4096 });
    const context = encryptionContext(input);
    grantTokens(input);
    return { keyId, plaintext, side: { context, algorithm: algorithmMember(input) } };
  },
  keys: [{
    resolve: (kms, r) => kms.resolveKey(r.keyId),
    state: "enabled",
    check: (kms, key, r) => checkEncryptionKey(kms, key, r.side, "Encrypt"),
    action: "Encrypt",
    conditions: (r) => conditionsOf(r.side),
  }],
  dryRun: true,
  act: ({ kms, request: r, keys: [key] }) => ({
    CiphertextBlob: b64(encryptUnder(key!, r.side, r.plaintext)),
    KeyId: kms.keyArn(key!.record.keyId),
    EncryptionAlgorithm: r.side.algorithm,
  }),
});

export const Decrypt = operation({
  read(input: Input) {
    const blob = input.blob("CiphertextBlob", { required: true, ...ciphertextRule });
    const context = encryptionContext(input);
    grantTokens(input);
    const keyId = input.string("KeyId", keyIdRule);
    return { blob, keyId, side: { context, algorithm: algorithmMember(input) } };
  },
  keys: [{
    resolve: (kms, r) => decryptionKey(kms, r.blob, r.keyId, r.side.algorithm),
    state: "enabled",
    check: (kms, key, r) => checkEncryptionKey(kms, key, r.side, "Decrypt"),
    action: "Decrypt",
    conditions: (r) => conditionsOf(r.side),
  }],
  recipient: true,
  plaintext: "Plaintext",
  omitWithRecipient: ["KeyMaterialId"],
  dryRun: true,
  act: ({ kms, request: r, keys: [key] }) => ({
    KeyId: kms.keyArn(key!.record.keyId),
    Plaintext: decryptUnder(key!, r.side, r.blob),
    EncryptionAlgorithm: r.side.algorithm,
    KeyMaterialId: materialIdOf(key!),
  }),
});

export const ReEncrypt = operation({
  read(input: Input) {
    const blob = input.blob("CiphertextBlob", { required: true, ...ciphertextRule });
    const sourceContext = encryptionContext(input, "SourceEncryptionContext");
    const sourceKeyId = input.string("SourceKeyId", keyIdRule);
    const destinationKeyId = requiredKeyId(input, "DestinationKeyId");
    const destinationContext = encryptionContext(input, "DestinationEncryptionContext");
    const source: Side = { context: sourceContext, algorithm: algorithmMember(input, "SourceEncryptionAlgorithm") };
    const destination: Side = { context: destinationContext, algorithm: algorithmMember(input, "DestinationEncryptionAlgorithm") };
    grantTokens(input);
    return { blob, sourceKeyId, destinationKeyId, source, destination };
  },
  keys: [
    {
      resolve: (kms, r) => decryptionKey(kms, r.blob, r.sourceKeyId, r.source.algorithm),
      state: "enabled",
      check: (kms, key, r) => checkEncryptionKey(kms, key, r.source, "ReEncrypt"),
      action: "ReEncryptFrom",
      conditions: (r) => conditionsOf(r.source),
    },
    {
      resolve: (kms, r) => kms.resolveKey(r.destinationKeyId),
      state: "enabled",
      check: (kms, key, r) => checkEncryptionKey(kms, key, r.destination, "ReEncrypt"),
      action: "ReEncryptTo",
      conditions: (r) => conditionsOf(r.destination),
    },
  ],
  dryRun: true,
  act({ kms, request: r, keys: [source, destination] }) {
    const plaintext = decryptUnder(source!, r.source, r.blob);
    try {
      return {
        CiphertextBlob: b64(encryptUnder(destination!, r.destination, plaintext)),
        SourceKeyId: kms.keyArn(source!.record.keyId),
        KeyId: kms.keyArn(destination!.record.keyId),
        SourceEncryptionAlgorithm: r.source.algorithm,
        DestinationEncryptionAlgorithm: r.destination.algorithm,
        SourceKeyMaterialId: materialIdOf(source!),
        DestinationKeyMaterialId: materialIdOf(destination!),
      };
    } finally {
      plaintext.fill(0);
    }
  },
});
