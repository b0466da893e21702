import { comparedAttestationValues } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";
import { quoted } from "../words.js";

export const pcrWildcard: LintRule = {
  id: "pcr-wildcard",
  severity: "error",
  why:
    "A PCR is a full SHA-384 measurement: with StringLike a '*' or '?' lets other images match, and with the " +
    "equality operators it is taken literally and nothing ever matches.",
  check(policy) {
    return comparedAttestationValues(policy)
      .filter(({ value }) => /[*?]/.test(value))
      .map(({ statement, condition, value }) => ({ statement, message: `${condition.operator} on ${condition.key} has the value ${quoted(value)} with a wildcard` }));
  },
};
