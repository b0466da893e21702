import { isPcrHex, PCR_HEX_DIGITS } from "../../pcr.js";
import { attestationConditions } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";
import { quoted } from "../words.js";

export const pcrMalformed: LintRule = {
  id: "pcr-malformed",
  severity: "error",
  why:
    `KMS compares PCRs as ${PCR_HEX_DIGITS} hex digits (SHA-384); any other value never matches, so the statement ` +
    "never applies (an Allow releases nothing, a Deny refuses nothing).",
  check(policy) {
    return policy.statements.flatMap((statement) =>
      attestationConditions(statement)
        .filter(({ condition }) => condition.base !== "Null")
        .flatMap(({ condition }) =>
          condition.values
            // Wildcards are pcr-wildcard's.
            .filter((v) => !/[*?]/.test(v) && !isPcrHex(v))
            .map((v) => ({ statement, message: `${condition.key} has the value ${quoted(v)}, not ${PCR_HEX_DIGITS} hex digits (${v.length} characters)` })),
        ),
    );
  },
};
