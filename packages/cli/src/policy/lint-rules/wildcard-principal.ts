import { CALLER_IDENTITY_KEYS } from "../condition-keys.js";
import type { LintRule } from "../lint-rule.js";
import { holdsWithoutAttestation } from "../probe.js";

export const wildcardPrincipal: LintRule = {
  id: "wildcard-principal",
  severity: "error",
  why:
    "\"Principal\": \"*\" in an Allow admits every AWS account's callers; unless a condition narrows them to your " +
    "account or organisation, anyone who can run a matching enclave image (or meet the other conditions) may use the key.",
  check(policy) {
    return policy.statements
      .filter((s) => s.effect === "Allow" && s.principals.any)
      // A condition on the caller's account, ARN or organisation that an outside caller fails narrows it down.
      .filter((s) => !s.conditions.some((c) => CALLER_IDENTITY_KEYS.has(c.key.toLowerCase()) && !holdsWithoutAttestation(c)))
      .map((statement) => ({ statement, message: "allows every principal of every account, with no condition on the caller's account, ARN or organisation" }));
  },
};
