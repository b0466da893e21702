// Every nitro-kms command, by name. Commands that share a first word ("policy ...") form a group with a
// help page of its own.
import type { CommandEntry } from "../command.js";

export const COMMANDS: readonly CommandEntry[] = [
  { name: "policy generate", summary: "write a key policy that releases the key only to attested enclave images", load: () => import("./policy-generate.js") },
  { name: "policy lint", summary: "check a key policy for ways around attestation and separation of duties", load: () => import("./policy-lint.js") },
  { name: "policy simulate", summary: "evaluate one request against a key policy, as kms-local would", load: () => import("./policy-simulate.js") },
];
