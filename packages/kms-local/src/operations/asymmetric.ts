// Asymmetric keys: GetPublicKey, Sign, Verify, DeriveSharedSecret (the last honours Recipient).
import { constants, createPublicKey, diffieHellman, privateEncrypt, publicDecrypt, sign, verify, type KeyObject } from "node:crypto";
import { signDigest, verifyDigest } from "../ecdsa-digest.js";
import { pssSignDigest, pssVerifyDigest } from "../rsa-pss-digest.js";
import {
  InvalidKeyUsageException, KMSInvalidSignatureException, UnsupportedOperationException, ValidationException,
} from "../errors.js";
import type { Input } from "../input.js";
import { encryptionAlgorithmsFor, SIGNING_ALGORITHMS, SPEC_INFO, type KeyUsage, type SigningAlgorithm } from "../key-specs.js";
import { b64, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";
import { grantTokens, requiredKeyId } from "./members.js";
import { operation, type KeyUse } from "./operation.js";

/** An asymmetric key of the given usage (any asymmetric key without one), named by KeyId. */
function asymmetricKey<R extends { keyId: string }>(action: string, usage?: KeyUsage): Omit<KeyUse<R>, "conditions"> {
  return {
    resolve: (kms, r) => kms.resolveKey(r.keyId),
    state: "enabled",
    check(kms: Kms, key: StoredKey) {
      const arn = kms.keyArn(key.record.keyId);
      if (key.record.keySpec === "SYMMETRIC_DEFAULT") {
        if (!usage) throw new UnsupportedOperationException(`${arn} is a symmetric key: ${action} needs an asymmetric KMS key.`);
        throw new InvalidKeyUsageException(`${arn} key usage is ENCRYPT_DECRYPT (SYMMETRIC_DEFAULT) which is not valid for ${action}.`);
      }
      if (usage && key.record.keyUsage !== usage) {
        throw new InvalidKeyUsageException(`${arn} key usage is ${key.record.keyUsage} which is not valid for ${action}.`);
      }
    },
    action,
  };
}

const readKeyId = (input: Input) => {
  const keyId = requiredKeyId(input);
  grantTokens(input);
  return keyId;
};

export const GetPublicKey = operation({
  read: (input: Input) => ({ keyId: readKeyId(input) }),
  keys: [asymmetricKey("GetPublicKey")],
  act({ kms, keys: [key] }) {
    const r = key!.record;
    return {
      KeyId: kms.keyArn(r.keyId),
      PublicKey: b64(key!.publicKeyDer),
      CustomerMasterKeySpec: r.keySpec,
      KeySpec: r.keySpec,
      KeyUsage: r.keyUsage,
      EncryptionAlgorithms: encryptionAlgorithmsFor(r.keySpec, r.keyUsage),
      SigningAlgorithms: r.keyUsage === "SIGN_VERIFY" ? SPEC_INFO[r.keySpec].signing : undefined,
      KeyAgreementAlgorithms: r.keyUsage === "KEY_AGREEMENT" ? ["ECDH"] : undefined,
    };
  },
});

const HASH = { "256": { name: "sha256", len: 32 }, "384": { name: "sha384", len: 48 }, "512": { name: "sha512", len: 64 } } as const;
// DER DigestInfo prefixes (RFC 8017 section 9.2, note 1), for PKCS#1 v1.5 signatures over a given digest.
const DIGEST_INFO: Record<string, Buffer> = {
  sha256: Buffer.from("3031300d060960864801650304020105000420", "hex"),
  sha384: Buffer.from("3041300d060960864801650304020205000430", "hex"),
  sha512: Buffer.from("3051300d060960864801650304020305000440", "hex"),
};

interface SignRequest {
  keyId: string;
  algorithm: SigningAlgorithm;
  message: Buffer;
  /** MessageType DIGEST: the message is the digest. */
  digest: boolean;
  externalMu: boolean;
  signature?: Buffer;
}

function readSigning(input: Input, action: "Sign" | "Verify"): SignRequest {
  const keyId = readKeyId(input);
  const message = input.blob("Message", { required: true, min: 1, max: 4096 });
  const type = input.enumOf("MessageType", ["RAW", "DIGEST", "EXTERNAL_MU"] as const) ?? "RAW";
  const algorithm = input.enumOf("SigningAlgorithm", SIGNING_ALGORITHMS, { required: true });
  const signature = action === "Verify" ? input.blob("Signature", { required: true, min: 1, max: 6144 }) : undefined;
  return { keyId, algorithm, message, digest: type === "DIGEST", externalMu: type === "EXTERNAL_MU", signature };
}

/** A signing key that can sign with the request's algorithm, and a message of the digest's length. */
function signingKey(action: "Sign" | "Verify"): KeyUse<SignRequest> {
  const base = asymmetricKey<SignRequest>(action, "SIGN_VERIFY");
  return {
    ...base,
    check(kms, key, r) {
      base.check!(kms, key, r);
      if (!SPEC_INFO[key.record.keySpec].signing.includes(r.algorithm)) {
        throw new InvalidKeyUsageException(`Signing algorithm ${r.algorithm} is not valid for ${kms.keyArn(key.record.keyId)} (key spec ${key.record.keySpec}).`);
      }
      if (r.externalMu) throw new ValidationException("MessageType EXTERNAL_MU is only valid with ML-DSA keys.");
      if (r.digest && r.message.length !== HASH[r.algorithm.slice(-3) as keyof typeof HASH].len) {
        throw new ValidationException(`Digest is invalid length for algorithm ${r.algorithm}.`);
      }
    },
  };
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

export const Sign = operation({
  read: (input: Input) => readSigning(input, "Sign"),
  keys: [signingKey("Sign")],
  dryRun: true,
  act({ kms, request: r, keys: [key] }) {
    const hash = HASH[r.algorithm.slice(-3) as keyof typeof HASH].name;
    const signature = r.digest ? signDigestWith(key!, r.algorithm, hash, r.message) : sign(hash, r.message, signOptions(key!.privateKey, r.algorithm));
    return { KeyId: kms.keyArn(key!.record.keyId), Signature: b64(signature), SigningAlgorithm: r.algorithm };
  },
});

export const Verify = operation({
  read: (input: Input) => readSigning(input, "Verify"),
  keys: [signingKey("Verify")],
  dryRun: true,
  act({ kms, request: r, keys: [key] }) {
    const hash = HASH[r.algorithm.slice(-3) as keyof typeof HASH].name;
    let valid = false;
    try {
      valid = r.digest
        ? verifyDigestWith(key!, r.algorithm, hash, r.message, r.signature!)
        : verify(hash, r.message, signOptions(key!.publicKey, r.algorithm), r.signature!);
    } catch {
      valid = false;
    }
    if (!valid) throw new KMSInvalidSignatureException("The signature verification failed.");
    return { KeyId: kms.keyArn(key!.record.keyId), SignatureValid: true, SigningAlgorithm: r.algorithm };
  },
});

const agreementKey = asymmetricKey<{ keyId: string; peer: KeyObject }>("DeriveSharedSecret", "KEY_AGREEMENT");

export const DeriveSharedSecret = operation({
  read(input: Input) {
    const keyId = readKeyId(input);
    input.enumOf("KeyAgreementAlgorithm", ["ECDH"] as const, { required: true });
    const peerDer = input.blob("PublicKey", { required: true, min: 1, max: 8192 });
    let peer: KeyObject;
    try {
      peer = createPublicKey({ key: peerDer, format: "der", type: "spki" });
    } catch {
      throw new ValidationException("PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo.");
    }
    return { keyId, peer };
  },
  keys: [{
    ...agreementKey,
    check(kms, key, r) {
      agreementKey.check!(kms, key, r);
      const ours = key.publicKey.asymmetricKeyDetails?.namedCurve;
      if (r.peer.asymmetricKeyType !== "ec" || r.peer.asymmetricKeyDetails?.namedCurve !== ours) {
        throw new ValidationException(`PublicKey must be an elliptic-curve key on the same curve as the KMS key (${key.record.keySpec}).`);
      }
    },
  }],
  recipient: true,
  plaintext: "SharedSecret",
  dryRun: true,
  act: ({ kms, request: r, keys: [key] }) => ({
    KeyId: kms.keyArn(key!.record.keyId),
    SharedSecret: diffieHellman({ privateKey: key!.privateKey, publicKey: r.peer }),
    KeyAgreementAlgorithm: "ECDH",
    KeyOrigin: "AWS_KMS",
  }),
});
