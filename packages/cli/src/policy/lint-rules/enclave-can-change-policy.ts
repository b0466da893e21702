import { callerDuties, isEnclaveRole } from "../duties.js";
import type { LintRule } from "../lint-rule.js";

export const enclaveCanChangePolicy: LintRule = {
  id: "enclave-can-change-policy",
  severity: "error",
  why:
    "The role an enclave calls KMS with is the parent instance's: whoever controls the parent (or the enclave's " +
    "code, if it is compromised) could rewrite the policy to drop the attestation conditions.",
  check(policy) {
    return callerDuties(policy)
      .filter(isEnclaveRole)
      .flatMap((d) => d.administers.filter((a) => a.action === "kms:PutKeyPolicy").map((a) => ({ d, a })))
      .map(({ d, a }) => ({
        statement: a.statement,
        message: `allows kms:PutKeyPolicy to ${d.caller.named}, which uses the key through attestation (statement ${d.releases[0].statement.index})`,
      }));
  },
};
