import type { LintRule, RuleHit } from "../lint-rule.js";
import { releasePaths } from "../release-paths.js";
import { listOf } from "../words.js";

const who = (named: string) => (named === "*" ? "everyone" : /^\d{12}$|:root$/.test(named) ? `${named} (the account's IAM policies decide)` : named);

export const unattestedRelease: LintRule = {
  id: "unattested-release",
  severity: "error",
  why:
    "Attestation protects the key only if every path to its plaintext requires an enclave running your image: one " +
    "Allow without a condition on the image's measurements (kms:*, a wildcard action, NotAction, the account root " +
    "handing the decision to IAM policies, or a condition any enclave meets, such as PCR3 or PCR16 alone) lets the " +
    "caller decrypt outside an enclave, or in one of its own.",
  check(policy) {
    const open = releasePaths(policy).filter((p) => !p.attested && !p.closedBy);
    const byStatement = new Map<number, typeof open>();
    for (const p of open) byStatement.set(p.statement.index, [...(byStatement.get(p.statement.index) ?? []), p]);
    return [...byStatement.values()].map((paths): RuleHit => ({
      statement: paths[0].statement,
      message:
        `allows ${listOf(paths.map((p) => p.action))} to ${listOf(paths.map((p) => who(p.caller.named)))} without a condition ` +
        "that pins the enclave image (PCR0 / ImageSha384, PCR2 or PCR8), and no Deny refuses it without attestation or from another image",
    }));
  },
};
