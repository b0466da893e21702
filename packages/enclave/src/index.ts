// Public API of @nitro-enclaves-sdk/enclave. This file only re-exports.
export * from "./errors.js";
// Attested KMS for any KMS client: a middleware plugin
export { enclaveRecipient, ENCLAVE_RECIPIENT_MIDDLEWARE } from "./kms/enclave-recipient.js";
export { DEFAULT_ATTESTATION_REUSE_MS, MAX_ATTESTATION_REUSE_MS, type EnclaveRecipientOptions } from "./kms/options.js";
export type { RecipientHandle, KmsRecipient } from "./kms/recipient-cache.js";
