// KMS's actions (the names IAM and key policies use; ReEncrypt is the two permissions ReEncryptFrom and
// ReEncryptTo) and the groups this package reasons about.

export const KMS_ACTIONS: readonly string[] = [
  "CancelKeyDeletion", "ConnectCustomKeyStore", "CreateAlias", "CreateCustomKeyStore", "CreateGrant", "CreateKey",
  "Decrypt", "DeleteAlias", "DeleteCustomKeyStore", "DeleteImportedKeyMaterial", "DeriveSharedSecret",
  "DescribeCustomKeyStores", "DescribeKey", "DisableKey", "DisableKeyRotation", "DisconnectCustomKeyStore", "EnableKey",
  "EnableKeyRotation", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
  "GenerateDataKeyWithoutPlaintext", "GenerateMac", "GenerateRandom", "GetKeyPolicy", "GetKeyRotationStatus",
  "GetParametersForImport", "GetPublicKey", "ImportKeyMaterial", "ListAliases", "ListGrants", "ListKeyPolicies",
  "ListKeyRotations", "ListKeys", "ListResourceTags", "ListRetirableGrants", "PutKeyPolicy", "ReEncryptFrom",
  "ReEncryptTo", "ReplicateKey", "RetireGrant", "RevokeGrant", "RotateKeyOnDemand", "ScheduleKeyDeletion", "Sign",
  "SynchronizeMultiRegionKey", "TagResource", "UntagResource", "UpdateAlias", "UpdateCustomKeyStore",
  "UpdateKeyDescription", "UpdatePrimaryRegion", "Verify", "VerifyMac",
].map((name) => `kms:${name}`);

/** The operations that take a Recipient, and so the only ones whose requests carry attestation condition keys. */
export const ATTESTED_ACTIONS: readonly string[] = [
  "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateRandom", "kms:DeriveSharedSecret",
];

/** Of those, the ones that take an encryption context. */
export const ENCRYPTION_CONTEXT_ACTIONS: readonly string[] = ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair"];

/**
 * Operations that hand out secret material protected by the key: the attested ones that do (not
 * GenerateRandom), and ReEncryptFrom, which decrypts under this key for re-encryption under a key of the
 * caller's choosing and can never carry an attestation document.
 */
export const RELEASE_ACTIONS: readonly string[] = [
  "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:DeriveSharedSecret", "kms:ReEncryptFrom",
];

/** What key administrators need to manage a key, and nothing that uses it. */
export const KEY_ADMINISTRATION_ACTIONS: readonly string[] = [
  "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:ListKeyPolicies",
  "kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription",
  "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:RotateKeyOnDemand", "kms:ListKeyRotations",
  "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
  "kms:TagResource", "kms:UntagResource", "kms:ListResourceTags",
  "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
];

/** Actions that change who may do what with the key. */
export const POLICY_CHANGING_ACTIONS: readonly string[] = ["kms:PutKeyPolicy", "kms:CreateGrant"];

const BY_LOWER_NAME = new Map(KMS_ACTIONS.map((a) => [a.toLowerCase(), a]));

/** A KMS action as KMS spells it ("kms:Decrypt") from "kms:decrypt" or "Decrypt"; undefined if there is none. */
export function kmsAction(text: string): string | undefined {
  const lower = text.toLowerCase();
  return BY_LOWER_NAME.get(lower.startsWith("kms:") ? lower : `kms:${lower}`);
}
