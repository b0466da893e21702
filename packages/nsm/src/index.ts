// Public API of @nitro-enclaves-sdk/nsm. This file only re-exports. The simulated NSM and its CA
// are in "@nitro-enclaves-sdk/nsm/simulator" (./simulator/index.ts), so that an enclave app that
// does not import them loads neither them nor pkijs.
export * from "./errors.js";
// The enclave handle: key, attestation, KMS Recipient, decryption of CiphertextForRecipient
export { EnclaveHandle, type EnclaveHandleOptions, type AttestOptions, type RecipientOptions, type KmsRecipient, type RsaModulusBits } from "./handle/enclave-handle.js";
export { getOrInitializeHandle } from "./handle/get-or-initialize.js";
// NSM client and transports
export type { NsmTransport } from "./nsm/transport.js";
export { DeviceTransport } from "./nsm/device-transport.js";
export { NsmClient, type AttestationRequest } from "./nsm/client.js";
export type { NsmDescription, PcrDescription, NsmDigest } from "./nsm/responses.js";
// Envelope decryption
export { decryptEnvelopedKey, subjectKeyIdentifierOf } from "./cms/decrypt.js";
export { parseEnvelopedData, type EnvelopedDataFields } from "./cms/parse.js";
// Attestation verification
export { verifyAttestation, clearAttestationCache, isDebugMode, type VerifyAttestationOptions, type VerifiedAttestationDocument, type PcrValue } from "./attestation/verify.js";
export { parseAttestation, type AttestationDocument } from "./attestation/document.js";
export { AWS_NITRO_ROOT_G1_DER, AWS_NITRO_ROOT_G1_PEM, AWS_NITRO_ROOT_G1_SHA256 } from "./attestation/aws-root.js";
