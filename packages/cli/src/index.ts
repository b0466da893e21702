// Public API of @nitro-enclaves-sdk/cli: the nitro-kms command, and the key-policy tools it is made of.
// This file only re-exports.
export { main } from "./cli.js";
export { EXIT_CODES } from "./exit-codes.js";
export * from "./errors.js";
export type { Io } from "./io.js";
export { generateKeyPolicy, keyPolicyText, type EnclaveImage, type KeyPolicyDocument, type KeyPolicyOptions, type PolicyStatementDocument } from "./policy/generate.js";
export { readMeasurements, type ImageMeasurements } from "./policy/measurements.js";
export { lintKeyPolicy, LINT_RULES, type Finding } from "./policy/lint.js";
export type { LintRule, Severity } from "./policy/lint-rule.js";
export { simulateKeyPolicy, type SimulatedRequest, type Simulation } from "./policy/simulate.js";
