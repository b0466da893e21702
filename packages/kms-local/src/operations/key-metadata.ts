// KeyMetadata as DescribeKey, CreateKey and friends return it.
import { encryptionAlgorithmsFor, SPEC_INFO } from "../key-specs.js";
import { epochSeconds, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";

export function keyMetadata(kms: Kms, key: StoredKey): Record<string, unknown> {
  const r = key.record;
  const usage = r.keyUsage;
  return {
    AWSAccountId: kms.settings.account,
    KeyId: r.keyId,
    Arn: kms.keyArn(r.keyId),
    CreationDate: epochSeconds(r.creationDate),
    Enabled: r.state === "Enabled",
    Description: r.description,
    KeyUsage: usage,
    KeyState: r.state,
    DeletionDate: r.deletionDate !== undefined ? epochSeconds(r.deletionDate) : undefined,
    Origin: "AWS_KMS",
    KeyManager: "CUSTOMER",
    CustomerMasterKeySpec: r.keySpec,
    KeySpec: r.keySpec,
    EncryptionAlgorithms: encryptionAlgorithmsFor(r.keySpec, usage),
    SigningAlgorithms: usage === "SIGN_VERIFY" ? SPEC_INFO[r.keySpec].signing : undefined,
    KeyAgreementAlgorithms: usage === "KEY_AGREEMENT" ? ["ECDH"] : undefined,
    MultiRegion: false,
    PendingDeletionWindowInDays: r.state === "PendingDeletion" ? r.pendingWindowInDays : undefined,
    // Present for symmetric encryption keys (those KMS can rotate), as in KMS.
    CurrentKeyMaterialId: r.keySpec === "SYMMETRIC_DEFAULT" ? key.keyMaterialId : undefined,
  };
}
