// Every nitro-kms command, by name. Commands that share a first word ("policy ...") form a group with a
// help page of its own.
import type { CommandEntry } from "../command.js";

export const COMMANDS: readonly CommandEntry[] = [
  { name: "decrypt", summary: "KMS Decrypt as this enclave (kmstool_enclave_cli decrypt)", load: () => import("./decrypt.js") },
  { name: "genkey", summary: "KMS GenerateDataKey as this enclave (kmstool_enclave_cli genkey)", load: () => import("./genkey.js") },
  { name: "genrandom", summary: "KMS GenerateRandom as this enclave (kmstool_enclave_cli genrandom)", load: () => import("./genrandom.js") },
  { name: "genkeypair", summary: "KMS GenerateDataKeyPair as this enclave", load: () => import("./genkeypair.js") },
  { name: "derive-shared-secret", summary: "KMS DeriveSharedSecret (ECDH) as this enclave", load: () => import("./derive-shared-secret.js") },
  { name: "encrypt", summary: "KMS Encrypt", load: () => import("./encrypt.js") },
  { name: "attest", summary: "an attestation document from the NSM", load: () => import("./attest.js") },
  { name: "describe-nsm", summary: "the NSM's version, module id and PCR count", load: () => import("./describe-nsm.js") },
  { name: "describe-pcr", summary: "a PCR's value and whether it is locked", load: () => import("./describe-pcr.js") },
  { name: "extend-pcr", summary: "extend a PCR with data", load: () => import("./extend-pcr.js") },
  { name: "lock-pcr", summary: "lock a PCR against further extension", load: () => import("./lock-pcr.js") },
  { name: "verify-attestation", summary: "verify an attestation document and print its fields", load: () => import("./verify-attestation.js") },
  { name: "doctor", summary: "check /dev/nsm, entropy, egress, credentials and a key's policy, one line each", load: () => import("./doctor.js") },
  { name: "policy generate", summary: "write a key policy that releases the key only to attested enclave images", load: () => import("./policy-generate.js") },
  { name: "policy lint", summary: "check a key policy for ways around attestation and separation of duties", load: () => import("./policy-lint.js") },
  { name: "policy simulate", summary: "evaluate one request against a key policy, as kms-local would", load: () => import("./policy-simulate.js") },
];
