import { attestationConditions } from "../attestation-conditions.js";
import { ATTESTED_ACTIONS, KMS_ACTIONS } from "../kms-actions.js";
import type { LintRule } from "../lint-rule.js";
import { callersNamedBy, coversAction } from "../probe.js";
import { listOf } from "../words.js";

const UNATTESTED_ACTIONS = KMS_ACTIONS.filter((a) => !ATTESTED_ACTIONS.includes(a));

export const attestationIgnored: LintRule = {
  id: "attestation-ignored",
  severity: "warning",
  why:
    "Only Decrypt, GenerateDataKey, GenerateDataKeyPair, GenerateRandom and DeriveSharedSecret take an attestation " +
    "document; for every other action the attestation keys are absent, so such a condition makes an Allow never " +
    "apply to them (and a Deny apply or not regardless of any enclave), which is rarely what was meant.",
  check(policy) {
    return policy.statements
      .filter((s) => attestationConditions(s).length > 0)
      .flatMap((statement) => {
        const caller = callersNamedBy(statement)[0];
        const ignoring = caller ? UNATTESTED_ACTIONS.filter((a) => coversAction(statement, caller, a)) : [];
        return ignoring.length === 0 ? [] : [{ statement, message: `has attestation conditions but also covers ${listOf(ignoring)}, which never carry an attestation document` }];
      });
  },
};
