import { DEPLOYMENT_PCRS } from "../../pcr.js";
import { pinningConditions } from "../attestation-conditions.js";
import { ACCOUNT_KEYS } from "../condition-keys.js";
import type { LintRule } from "../lint-rule.js";
import { holdsWithoutAttestation } from "../probe.js";

const ACCOUNT_BINDING_KEYS = new Set([...ACCOUNT_KEYS, "aws:principalorgid"]);

export const singleMeasurement: LintRule = {
  id: "single-measurement",
  severity: "warning",
  why:
    "An image measurement alone (PCR0 / ImageSha384) is the same wherever the image is built and run; without " +
    "PCR3 (the parent's IAM role), PCR4 (the parent instance), PCR8 (the image's signer) or a condition on the " +
    "caller's account, an enclave running that image anywhere matches.",
  check(policy) {
    return policy.statements
      .filter((s) => s.effect === "Allow")
      .filter((s) => {
        const pcrs = new Set(pinningConditions(s).map((c) => c.pcr));
        if (pcrs.size !== 1 || [...pcrs].some((p) => DEPLOYMENT_PCRS.has(p))) return false;
        // A condition on the caller's account or organisation that an outside caller fails binds it to one deployment.
        return !s.conditions.some((c) => ACCOUNT_BINDING_KEYS.has(c.key.toLowerCase()) && !holdsWithoutAttestation(c));
      })
      .map((statement) => ({
        statement,
        message: `pins only PCR${pinningConditions(statement)[0].pcr}, with no PCR3, PCR4 or PCR8 and no condition on the caller's account`,
      }));
  },
};
