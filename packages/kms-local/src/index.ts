// Public API of @nitro-enclaves-sdk/kms-local. This file only re-exports.
export { KmsLocal, defaultCredential, DEFAULT_ACCOUNT, DEFAULT_REGION, DEFAULT_MAX_BODY_BYTES, type KmsLocalOptions, type KmsLocalTlsOptions } from "./server.js";
export type { Credential } from "./caller.js";
export type { TrustedRoot } from "./attestation.js";
export type { AttestationVerifier, VerifiedAttestation } from "./recipient.js";
export { RequestConditions, type ConditionSources, type OperationConditions, type RequestFacts } from "./condition-keys.js";
export type { Caller } from "./caller.js";
export { encryptForRecipient, subjectKeyIdentifier } from "./cms.js";
export { defaultKeyPolicy, evaluate, parseKeyPolicy } from "./policy.js";
export type {
  ConditionContext, KeyPolicy, PolicyCondition, PolicyDecision, PolicyPrincipals, PolicyStatement, RequestToAuthorize,
} from "./policy.js";
export * from "./errors.js";
