import { DEBUG_ZERO_PCRS, isAllZero, isPcrHex } from "../../pcr.js";
import { attestationConditions, isNegated } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";

export const debugImagePcr: LintRule = {
  id: "debug-image-pcr",
  severity: "error",
  why:
    "An enclave started in debug mode attests with PCR0, PCR1 and PCR2 all zero, and its parent can read its " +
    "memory and console: allowing zeros releases the key to any debug enclave, whatever it runs.",
  check(policy) {
    return policy.statements
      .filter((s) => s.effect === "Allow")
      .flatMap((statement) =>
        attestationConditions(statement)
          .filter(({ condition, pcr }) => DEBUG_ZERO_PCRS.has(pcr) && condition.base !== "Null" && !isNegated(condition))
          .filter(({ condition }) => condition.values.some((v) => isPcrHex(v) && isAllZero(v)))
          .map(({ condition }) => ({ statement, message: `allows ${condition.key} to be all zeros (a debug-mode enclave)` })),
      );
  },
};
