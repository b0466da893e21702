// KMS's values for the enumerations the KMS commands take, checked on the command line so that a typo is a
// usage error rather than a round trip to KMS. They are KMS's (the tests compare them with the generated
// client's enums); kmstool_enclave_cli's spellings of key specs ("AES-256") are what genkey takes.
import { UsageError } from "./errors.js";

export const ENCRYPTION_ALGORITHMS = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"] as const;
export const DATA_KEY_PAIR_SPECS = [
  "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "SM2",
] as const;
/** genkey's --key-spec, as kmstool_enclave_cli spells it, and KMS's DataKeySpec for it. */
export const DATA_KEY_SPECS: ReadonlyMap<string, "AES_256" | "AES_128"> = new Map([
  ["AES-256", "AES_256"],
  ["AES-128", "AES_128"],
]);

/** One of `allowed`, given as `option`. */
export function readChoice<T extends string>(option: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${option} must be one of ${allowed.join(", ")}, got '${text}'`);
  return text as T;
}

/** A key id, ARN, alias name or alias ARN as KMS takes it (1 to 2048 characters, no spaces). */
export function readKeyId(option: string, text: string): string {
  if (!/^[\x21-\x7e]{1,2048}$/.test(text)) throw new UsageError(`${option} must be a key id, key ARN, alias name or alias ARN, got '${text.slice(0, 40)}'`);
  return text;
}
