import type { LintRule, RuleHit } from "../lint-rule.js";
import { releasePaths } from "../release-paths.js";
import { listOf } from "../words.js";

const who = (named: string) => (named === "*" ? "everyone" : /^\d{12}$|:root$/.test(named) ? `${named} (the account's IAM policies decide)` : named);

export const unattestedRelease: LintRule = {
  id: "unattested-release",
  severity: "error",
  why:
    "Attestation protects the key only if every path to its plaintext requires it: one Allow without a condition " +
    "on the enclave's measurements (kms:*, a wildcard action, NotAction, or the account root handing the decision " +
    "to IAM policies) lets the caller decrypt outside any enclave.",
  check(policy) {
    const open = releasePaths(policy).filter((p) => !p.attested && !p.deniedWithoutAttestation);
    const byStatement = new Map<number, typeof open>();
    for (const p of open) byStatement.set(p.statement.index, [...(byStatement.get(p.statement.index) ?? []), p]);
    return [...byStatement.values()].map((paths): RuleHit => ({
      statement: paths[0].statement,
      message:
        `allows ${listOf(paths.map((p) => p.action))} to ${listOf(paths.map((p) => who(p.caller.named)))} without a condition ` +
        "that pins the enclave's measurements, and no Deny refuses it without attestation",
    }));
  },
};
