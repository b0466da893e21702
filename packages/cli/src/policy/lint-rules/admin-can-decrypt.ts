import { callerDuties, isEnclaveRole } from "../duties.js";
import type { LintRule } from "../lint-rule.js";
import { listOf } from "../words.js";

export const adminCanDecrypt: LintRule = {
  id: "admin-can-decrypt",
  severity: "error",
  why:
    "Whoever may change the key policy or create grants can give themselves any permission; holding that and " +
    "decryption in one principal means one set of credentials is enough to read everything the key protects. " +
    "Administrators should manage the key, and only attested enclaves use it.",
  check(policy) {
    return callerDuties(policy)
      // An enclave role that may rewrite the policy is enclave-can-change-policy's finding.
      .filter((d) => d.administers.length > 0 && d.releases.length > 0)
      .filter((d) => !(isEnclaveRole(d) && d.administers.some((a) => a.action === "kms:PutKeyPolicy")))
      .map((d) => ({
        statement: d.administers[0].statement,
        message:
          `allows ${listOf(d.administers.map((a) => a.action))} to ${d.caller.named}, which may also use ` +
          `${listOf(d.releases.map((p) => p.action))} (statement ${listOf(d.releases.map((p) => String(p.statement.index)))})`,
      }));
  },
};
