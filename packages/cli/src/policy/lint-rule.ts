// What a lint rule is: a stable id, a severity, why it matters (the same for every finding), and a check
// that reads a parsed policy and says where the rule is broken.
import type { KeyPolicy, PolicyStatement } from "@nitro-enclaves-sdk/kms-local";

export type Severity = "error" | "warning";

/** Severities from the least to the most serious. */
export const SEVERITIES: readonly Severity[] = ["warning", "error"];

export interface RuleHit {
  /** The statement the finding is about (none for the policy as a whole). */
  readonly statement?: PolicyStatement;
  /** What is wrong, in this policy's terms. */
  readonly message: string;
}

export interface LintRule {
  readonly id: string;
  readonly severity: Severity;
  /** Why it matters, in a sentence or two. */
  readonly why: string;
  check(policy: KeyPolicy): RuleHit[];
}
