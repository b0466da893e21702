// The condition keys this package writes and reads. Condition key names are case-insensitive; the
// constants are spelled as KMS documents them.

export const IMAGE_SHA384_KEY = "kms:RecipientAttestation:ImageSha384";
export const pcrKey = (index: number) => `kms:RecipientAttestation:PCR${index}`;
export const encryptionContextKey = (key: string) => `kms:EncryptionContext:${key}`;
export const CALLER_ACCOUNT_KEY = "kms:CallerAccount";

const ATTESTATION_KEY = /^kms:recipientattestation:(?:pcr(\d{1,9})|(imagesha384))$/i;

/**
 * The PCR a condition key reads, if it is an attestation key: n for kms:RecipientAttestation:PCR<n>, and 0
 * for kms:RecipientAttestation:ImageSha384 (KMS's name for PCR0).
 */
export function attestationPcr(key: string): number | undefined {
  const m = ATTESTATION_KEY.exec(key);
  if (!m) return undefined;
  return m[2] ? 0 : Number(m[1]);
}

/** Keys that say which account a caller belongs to. */
export const ACCOUNT_KEYS: ReadonlySet<string> = new Set(["kms:calleraccount", "aws:principalaccount"]);

/** Keys that narrow down who the caller is (beyond the Principal element). */
export const CALLER_IDENTITY_KEYS: ReadonlySet<string> = new Set([
  ...ACCOUNT_KEYS, "aws:principalarn", "aws:principalorgid", "aws:principalorgpaths", "aws:userid", "aws:username",
]);
