// Public API of @nitro-enclaves-sdk/nsm. This file only re-exports.
export * from "./errors.js";
// NSM client and transports (3b)
export type { NsmTransport } from "./nsm/transport.js";
export { NSM_REQUEST_MAX_SIZE, NSM_RESPONSE_MAX_SIZE } from "./nsm/transport.js";
export { DeviceTransport, NSM_IOCTL_REQUEST } from "./nsm/device-transport.js";
// Envelope decryption (3a)
export { decryptEnvelopedKey, subjectKeyIdentifierOf } from "./cms/decrypt.js";
export { parseEnvelopedData, type EnvelopedDataFields } from "./cms/parse.js";
export { NsmClient, type AttestationRequest } from "./nsm/client.js";
export type { NsmDescription, PcrDescription, NsmDigest } from "./nsm/responses.js";
// Simulated NSM (3b): opt-in, for local development and tests
export { SimulatedNsm, type SimulatedNsmOptions } from "./simulator/simulated-nsm.js";
export { SimulatorCa, createSimulatorCa, loadOrCreateSimulatorCa, type SimulatorCaOptions } from "./simulator/ca.js";
// Enclave handle (3b)
export { EnclaveHandle, type EnclaveHandleOptions, type AttestOptions, type RsaModulusBits } from "./handle/enclave-handle.js";
export { getOrInitializeHandle } from "./handle/get-or-initialize.js";
// Attestation verification (3a)
export { verifyAttestation, clearAttestationCache, isDebugMode, type VerifyAttestationOptions, type PcrValue } from "./attestation/verify.js";
export { parseAttestation, type AttestationDocument } from "./attestation/document.js";
export { AWS_NITRO_ROOT_G1_DER, AWS_NITRO_ROOT_G1_SHA256 } from "./attestation/aws-root.js";
