// The operations kms-local implements, by the name that follows "TrentService." in X-Amz-Target, and the
// names of every operation of the KMS API (the others are answered with UnsupportedOperationException;
// a name outside this list with UnknownOperationException).
import { CreateAlias, DeleteAlias, ListAliases, UpdateAlias } from "./aliases.js";
import { DeriveSharedSecret, GetPublicKey, Sign, Verify } from "./asymmetric.js";
import {
  GenerateDataKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateDataKeyWithoutPlaintext, GenerateRandom,
} from "./data-keys.js";
import { Decrypt, Encrypt, ReEncrypt } from "./encryption.js";
import {
  CancelKeyDeletion, CreateKey, DescribeKey, DisableKey, EnableKey, GetKeyPolicy, ListKeys, PutKeyPolicy,
  ScheduleKeyDeletion, UpdateKeyDescription,
} from "./keys.js";
import type { OperationSpec } from "./operation.js";

export const OPERATIONS: ReadonlyMap<string, OperationSpec<unknown>> = new Map<string, OperationSpec<unknown>>(Object.entries({
  CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion,
  GetKeyPolicy, PutKeyPolicy,
  CreateAlias, UpdateAlias, DeleteAlias, ListAliases,
  Encrypt, Decrypt, ReEncrypt,
  GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateRandom,
  GetPublicKey, Sign, Verify, DeriveSharedSecret,
}));

/** Every operation of the KMS API (the 2026-06-19 model). */
export const KMS_OPERATIONS: ReadonlySet<string> = new Set([
  "CancelKeyDeletion", "ConnectCustomKeyStore", "CreateAlias", "CreateCustomKeyStore", "CreateGrant", "CreateKey", "Decrypt",
  "DeleteAlias", "DeleteCustomKeyStore", "DeleteImportedKeyMaterial", "DeriveSharedSecret", "DescribeCustomKeyStores",
  "DescribeKey", "DisableKey", "DisableKeyRotation", "DisconnectCustomKeyStore", "EnableKey", "EnableKeyRotation", "Encrypt",
  "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext",
  "GenerateMac", "GenerateRandom", "GetKeyLastUsage", "GetKeyPolicy", "GetKeyRotationStatus", "GetParametersForImport",
  "GetPublicKey", "ImportKeyMaterial", "ListAliases", "ListGrants", "ListKeyPolicies", "ListKeyRotations", "ListKeys",
  "ListResourceTags", "ListRetirableGrants", "PutKeyPolicy", "ReEncrypt", "ReplicateKey", "RetireGrant", "RevokeGrant",
  "RotateKeyOnDemand", "ScheduleKeyDeletion", "Sign", "TagResource", "UntagResource", "UpdateAlias", "UpdateCustomKeyStore",
  "UpdateKeyDescription", "UpdatePrimaryRegion", "Verify", "VerifyMac",
]);

export { run } from "./operation.js";
