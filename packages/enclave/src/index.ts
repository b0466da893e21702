// Public API of @nitro-enclaves-sdk/enclave. This file only re-exports.
export * from "./errors.js";
// Attested KMS for any KMS client: a middleware plugin
export { enclaveRecipient, ENCLAVE_RECIPIENT_MIDDLEWARE } from "./kms/enclave-recipient.js";
export { DEFAULT_ATTESTATION_REUSE_MS, MAX_ATTESTATION_REUSE_MS, type EnclaveRecipientOptions } from "./kms/options.js";
export type { RecipientHandle, KmsRecipient } from "./kms/recipient-cache.js";
// A KMS client for inside an enclave: plugin, egress, credentials
export { createEnclaveKmsClient, type EnclaveKmsClientOptions } from "./client.js";
export type { EgressOption } from "./egress/egress.js";
export { connectVsock, type VsockAddress, type VsockConnectOptions } from "./egress/vsock-connect.js";
export type { FdStream, FdStreamOptions } from "./egress/fd-stream.js";
// Credentials
export { fromParentStream, fromParentFile, type ParentStreamOptions } from "./credentials/parent.js";
export { DEFAULT_REFRESH_MARGIN_MS } from "./credentials/refresh.js";
// Entropy
export { seedEntropyFromNsm, MAX_SEED_BYTES, type SeedEntropyOptions, type SeedEntropyResult } from "./entropy.js";
