import { DEBUG_ZERO_PCRS, isAllZero, isPcrHex } from "../../pcr.js";
import { comparedAttestationValues, isNegated } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";

export const debugImagePcr: LintRule = {
  id: "debug-image-pcr",
  severity: "error",
  why:
    "An enclave started in debug mode attests with PCR0, PCR1 and PCR2 all zero, and its parent can read its " +
    "memory and console: allowing zeros releases the key to any debug enclave, whatever it runs.",
  check(policy) {
    return comparedAttestationValues(policy)
      .filter(({ statement, condition, pcr, value }) =>
        statement.effect === "Allow" && DEBUG_ZERO_PCRS.has(pcr) && !isNegated(condition) && isPcrHex(value) && isAllZero(value))
      .map(({ statement, condition }) => ({ statement, message: `allows ${condition.key} to be all zeros (a debug-mode enclave)` }));
  },
};
