// What each KMS key spec is in node:crypto terms, and which usages and algorithms KMS allows with it.
export const KEY_SPECS = [
  "SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096",
  "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

/** Every KeySpec of the KMS model; the ones kms-local does not implement are refused as unsupported. */
export const MODEL_KEY_SPECS = [
  ...KEY_SPECS, "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
  "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519",
] as const;

export const KEY_USAGES = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export const DATA_KEY_PAIR_SPECS = ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"] as const;
export const MODEL_DATA_KEY_PAIR_SPECS = [...DATA_KEY_PAIR_SPECS, "SM2", "ECC_NIST_EDWARDS25519"] as const;
export type DataKeyPairSpec = (typeof DATA_KEY_PAIR_SPECS)[number];

export const ENCRYPTION_ALGORITHMS = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

export const SIGNING_ALGORITHMS = [
  "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
  "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
  "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512",
  "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512",
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

const RSA_SIGNING: SigningAlgorithm[] = [
  "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
  "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
];

interface SpecInfo {
  usages: KeyUsage[];
  signing: SigningAlgorithm[];
  curve?: string;
  modulusLength?: number;
}

export const SPEC_INFO: Record<KeySpec, SpecInfo> = {
  SYMMETRIC_DEFAULT: { usages: ["ENCRYPT_DECRYPT"], signing: [] },
  RSA_2048: { usages: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], signing: RSA_SIGNING, modulusLength: 2048 },
  RSA_3072: { usages: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], signing: RSA_SIGNING, modulusLength: 3072 },
  RSA_4096: { usages: ["ENCRYPT_DECRYPT", "SIGN_VERIFY"], signing: RSA_SIGNING, modulusLength: 4096 },
  ECC_NIST_P256: { usages: ["SIGN_VERIFY", "KEY_AGREEMENT"], signing: ["ECDSA_SHA_256"], curve: "prime256v1" },
  ECC_NIST_P384: { usages: ["SIGN_VERIFY", "KEY_AGREEMENT"], signing: ["ECDSA_SHA_384"], curve: "secp384r1" },
  ECC_NIST_P521: { usages: ["SIGN_VERIFY", "KEY_AGREEMENT"], signing: ["ECDSA_SHA_512"], curve: "secp521r1" },
  ECC_SECG_P256K1: { usages: ["SIGN_VERIFY", "KEY_AGREEMENT"], signing: ["ECDSA_SHA_256"], curve: "secp256k1" },
};

export function encryptionAlgorithmsFor(spec: KeySpec, usage: KeyUsage): EncryptionAlgorithm[] | undefined {
  if (usage !== "ENCRYPT_DECRYPT") return undefined;
  return spec === "SYMMETRIC_DEFAULT" ? ["SYMMETRIC_DEFAULT"] : ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"];
}
