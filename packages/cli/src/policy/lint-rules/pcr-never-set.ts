import { BOOT_MEASUREMENTS, FIRST_APPLICATION_PCR, PCR_COUNT, pcrIsEverSet } from "../../pcr.js";
import { attestationConditions } from "../attestation-conditions.js";
import type { LintRule } from "../lint-rule.js";

export const pcrNeverSet: LintRule = {
  id: "pcr-never-set",
  severity: "warning",
  why:
    `The NSM fills only PCRs ${[...BOOT_MEASUREMENTS.keys()].join(", ")} at boot, and the enclave may extend ` +
    `${FIRST_APPLICATION_PCR}-${PCR_COUNT - 1}; the others stay all zero (or do not exist), so a condition on them ` +
    "either never holds or proves nothing about the enclave.",
  check(policy) {
    return policy.statements.flatMap((statement) =>
      attestationConditions(statement)
        .filter(({ pcr }) => !pcrIsEverSet(pcr))
        .map(({ condition, pcr }) => ({ statement, message: `has a condition on ${condition.key}, which the NSM never sets (PCR${pcr})` })),
    );
  },
};
