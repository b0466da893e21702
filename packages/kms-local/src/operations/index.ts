// The operations kms-local implements, by the name that follows "TrentService." in X-Amz-Target.
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
import type { Operation } from "./types.js";

export const OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze(Object.assign(Object.create(null), {
  CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion,
  GetKeyPolicy, PutKeyPolicy,
  CreateAlias, UpdateAlias, DeleteAlias, ListAliases,
  Encrypt, Decrypt, ReEncrypt,
  GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateRandom,
  GetPublicKey, Sign, Verify, DeriveSharedSecret,
}));

export type { Operation } from "./types.js";
