// Asymmetric keys: GetPublicKey, Sign, Verify, DeriveSharedSecret (the last honours Recipient).
import { constants, createPublicKey, diffieHellman, privateEncrypt, publicDecrypt, sign, verify, type KeyObject } from "node:crypto";
import { encryptForRecipient } from "../cms.js";
import { signDigest, verifyDigest } from "../ecdsa-digest.js";
import { pssSignDigest, pssVerifyDigest } from "../rsa-pss-digest.js";
import {
  InvalidKeyUsageException, KMSInvalidSignatureException, UnsupportedOperationException, ValidationException,
} from "../errors.js";
import type { Input } from "../input.js";
import { encryptionAlgorithmsFor, SIGNING_ALGORITHMS, SPEC_INFO, type SigningAlgorithm } from "../key-specs.js";
import { b64, type Caller, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";
import { grantTokens, keyIdRule, type Operation } from "./types.js";

/** Reads KeyId (and GrantTokens); returns a function that resolves and checks the key once all input is read. */
function asymmetricKey(kms: Kms, input: Input, action: string, usage?: string): () => StoredKey {
  const keyId = input.string("KeyId", { ...keyIdRule, required: true });
  grantTokens(input);
  return () => checkedKey(kms, keyId, action, usage);
}

function checkedKey(kms: Kms, keyId: string, action: string, usage?: string): StoredKey {
  const key = kms.resolveKey(keyId);
  kms.requireEnabled(key);
  const arn = kms.keyArn(key.record.keyId);
  if (key.record.keySpec === "SYMMETRIC_DEFAULT") {
    if (!usage) throw new UnsupportedOperationException(`${arn} is a symmetric key: ${action} needs an asymmetric KMS key.`);
    throw new InvalidKeyUsageException(`${arn} key usage is ENCRYPT_DECRYPT (SYMMETRIC_DEFAULT) which is not valid for ${action}.`);
  }
  if (usage && key.record.keyUsage !== usage) {
    throw new InvalidKeyUsageException(`${arn} key usage is ${key.record.keyUsage} which is not valid for ${action}.`);
  }
  return key;
}

export const GetPublicKey: Operation = async (kms, input, caller) => {
  const key = asymmetricKey(kms, input, "GetPublicKey")();
  kms.authorize(key, "GetPublicKey", caller, kms.conditionContext(caller));
  const r = key.record;
  return {
    KeyId: kms.keyArn(r.keyId),
    PublicKey: b64(key.publicKeyDer),
    CustomerMasterKeySpec: r.keySpec,
    KeySpec: r.keySpec,
    KeyUsage: r.keyUsage,
    EncryptionAlgorithms: encryptionAlgorithmsFor(r.keySpec, r.keyUsage),
    SigningAlgorithms: r.keyUsage === "SIGN_VERIFY" ? SPEC_INFO[r.keySpec].signing : undefined,
    KeyAgreementAlgorithms: r.keyUsage === "KEY_AGREEMENT" ? ["ECDH"] : undefined,
  };
};

const HASH = { "256": { name: "sha256", len: 32 }, "384": { name: "sha384", len: 48 }, "512": { name: "sha512", len: 64 } } as const;
// DER DigestInfo prefixes (RFC 8017 section 9.2, note 1), for PKCS#1 v1.5 signatures over a given digest.
const DIGEST_INFO: Record<string, Buffer> = {
  sha256: Buffer.from("3031300d060960864801650304020105000420", "hex"),
  sha384: Buffer.from("3041300d060960864801650304020205000430", "hex"),
  sha512: Buffer.from("3051300d060960864801650304020305000440", "hex"),
};

interface SignRequest {
  key: StoredKey;
  algorithm: SigningAlgorithm;
  message: Buffer;
  digest: boolean;
}

function signingRequest(kms: Kms, input: Input, caller: Caller, action: "Sign" | "Verify"): SignRequest {
  const resolve = asymmetricKey(kms, input, action, "SIGN_VERIFY");
  const message = input.blob("Message", { required: true, min: 1, max: 4096 });
  const type = input.enumOf("MessageType", ["RAW", "DIGEST", "EXTERNAL_MU"] as const) ?? "RAW";
  const algorithm = input.enumOf("SigningAlgorithm", SIGNING_ALGORITHMS, { required: true });
  if (action === "Verify") input.blob("Signature", { required: true, min: 1, max: 6144 });
  const key = resolve();
  if (!SPEC_INFO[key.record.keySpec].signing.includes(algorithm)) {
    throw new InvalidKeyUsageException(`Signing algorithm ${algorithm} is not valid for ${kms.keyArn(key.record.keyId)} (key spec ${key.record.keySpec}).`);
  }
  if (type === "EXTERNAL_MU") throw new ValidationException("MessageType EXTERNAL_MU is only valid with ML-DSA keys.");
  const hash = HASH[algorithm.slice(-3) as keyof typeof HASH];
  if (type === "DIGEST") {
    if (message.length !== hash.len) throw new ValidationException(`Digest is invalid length for algorithm ${algorithm}.`);
  }
  kms.authorize(key, action, caller, kms.conditionContext(caller));
  return { key, algorithm, message, digest: type === "DIGEST" };
}

const signOptions = (key: KeyObject, algorithm: SigningAlgorithm) =>
  algorithm.startsWith("RSASSA_PSS")
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH[algorithm.slice(-3) as keyof typeof HASH].len }
    : algorithm.startsWith("ECDSA")
      ? { key, dsaEncoding: "der" as const }
      : { key, padding: constants.RSA_PKCS1_PADDING };

/** A signature over a digest the caller computed (node:crypto signs only what it hashes itself). */
function signDigestWith(key: StoredKey, algorithm: SigningAlgorithm, hash: string, digest: Buffer): Buffer {
  if (algorithm.startsWith("ECDSA")) return signDigest(key.privateKey, digest);
  if (algorithm.startsWith("RSASSA_PSS")) return pssSignDigest(key.privateKey, hash, digest);
  return privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO[hash], digest]));
}

function verifyDigestWith(key: StoredKey, algorithm: SigningAlgorithm, hash: string, digest: Buffer, signature: Buffer): boolean {
  if (algorithm.startsWith("ECDSA")) return verifyDigest(key.publicKey, digest, signature);
  if (algorithm.startsWith("RSASSA_PSS")) return pssVerifyDigest(key.publicKey, hash, digest, signature);
  return publicDecrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature).equals(Buffer.concat([DIGEST_INFO[hash], digest]));
}

export const Sign: Operation = async (kms, input, caller) => {
  const { key, algorithm, message, digest } = signingRequest(kms, input, caller, "Sign");
  kms.dryRun(input);
  const hash = HASH[algorithm.slice(-3) as keyof typeof HASH].name;
  const signature = digest ? signDigestWith(key, algorithm, hash, message) : sign(hash, message, signOptions(key.privateKey, algorithm));
  return { KeyId: kms.keyArn(key.record.keyId), Signature: b64(signature), SigningAlgorithm: algorithm };
};

export const Verify: Operation = async (kms, input, caller) => {
  const { key, algorithm, message, digest } = signingRequest(kms, input, caller, "Verify");
  const signature = input.blob("Signature", { required: true, min: 1, max: 6144 });
  kms.dryRun(input);
  const hash = HASH[algorithm.slice(-3) as keyof typeof HASH].name;
  let valid = false;
  try {
    valid = digest ? verifyDigestWith(key, algorithm, hash, message, signature) : verify(hash, message, signOptions(key.publicKey, algorithm), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new KMSInvalidSignatureException("The signature verification failed.");
  return { KeyId: kms.keyArn(key.record.keyId), SignatureValid: true, SigningAlgorithm: algorithm };
};

export const DeriveSharedSecret: Operation = async (kms, input, caller) => {
  const resolve = asymmetricKey(kms, input, "DeriveSharedSecret", "KEY_AGREEMENT");
  input.enumOf("KeyAgreementAlgorithm", ["ECDH"] as const, { required: true });
  const peerDer = input.blob("PublicKey", { required: true, min: 1, max: 8192 });
  const document = kms.recipients.read(input);
  const key = resolve();
  let peer: KeyObject;
  try {
    peer = createPublicKey({ key: peerDer, format: "der", type: "spki" });
  } catch {
    throw new ValidationException("PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo.");
  }
  const ours = key.publicKey.asymmetricKeyDetails?.namedCurve;
  if (peer.asymmetricKeyType !== "ec" || peer.asymmetricKeyDetails?.namedCurve !== ours) {
    throw new ValidationException(`PublicKey must be an elliptic-curve key on the same curve as the KMS key (${key.record.keySpec}).`);
  }
  const recipient = await kms.recipients.verified(document);
  kms.authorize(key, "DeriveSharedSecret", caller, kms.conditionContext(caller, { recipient }));
  kms.dryRun(input);
  const secret = diffieHellman({ privateKey: key.privateKey, publicKey: peer });
  try {
    return {
      KeyId: kms.keyArn(key.record.keyId),
      ...(recipient
        ? { CiphertextForRecipient: b64(encryptForRecipient(secret, recipient.publicKey, recipient.spki)) }
        : { SharedSecret: b64(secret) }),
      KeyAgreementAlgorithm: "ECDH",
      KeyOrigin: "AWS_KMS",
    };
  } finally {
    secret.fill(0);
  }
};
