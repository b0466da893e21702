import { attestationConditions } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";

export const attestationIfExists: LintRule = {
  id: "attestation-if-exists",
  severity: "error",
  why:
    "The attestation keys are single-valued and present only when a request carries an attestation document: " +
    "...IfExists and ForAllValues: both hold when the key is absent, so the condition lets requests without attestation through.",
  check(policy) {
    return policy.statements.flatMap((statement) =>
      attestationConditions(statement)
        .filter(({ condition }) => condition.ifExists || condition.qualifier === "ForAllValues")
        .map(({ condition }) => ({ statement, message: `${condition.operator} on ${condition.key} holds when the request has no attestation document` })),
    );
  },
};
