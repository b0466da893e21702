import { isPcrHex, PCR_HEX_DIGITS } from "../../pcr.js";
import { comparedAttestationValues } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";
import { quoted } from "../words.js";

export const pcrMalformed: LintRule = {
  id: "pcr-malformed",
  severity: "error",
  why:
    `KMS compares PCRs as ${PCR_HEX_DIGITS} hex digits (SHA-384); any other value never matches, so the statement ` +
    "never applies (an Allow releases nothing, a Deny refuses nothing).",
  check(policy) {
    return comparedAttestationValues(policy)
      // Wildcards are pcr-wildcard's.
      .filter(({ value }) => !/[*?]/.test(value) && !isPcrHex(value))
      .map(({ statement, condition, value }) => ({
        statement,
        message: `${condition.key} has the value ${quoted(value)}, not ${PCR_HEX_DIGITS} hex digits (${value.length} characters)`,
      }));
  },
};
