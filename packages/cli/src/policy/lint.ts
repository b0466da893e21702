// The key-policy linter: reads a policy with kms-local's parser (so it reads it as the emulator does) and
// runs every rule over it. A policy kms-local refuses gets one policy-refused finding with kms-local's
// reason, and a not-principal finding for each statement with NotPrincipal (which kms-local cannot
// evaluate); the other rules need the parsed policy and are not run.
import { KmsError, parseKeyPolicy } from "@nitro-enclaves-sdk/kms-local";
import type { LintRule, Severity } from "./lint-rule.js";
import { adminCanDecrypt } from "./lint-rules/admin-can-decrypt.js";
import { attestationIfExists } from "./lint-rules/attestation-if-exists.js";
import { attestationIgnored } from "./lint-rules/attestation-ignored.js";
import { debugImagePcr } from "./lint-rules/debug-image-pcr.js";
import { enclaveCanChangePolicy } from "./lint-rules/enclave-can-change-policy.js";
import { pcrMalformed } from "./lint-rules/pcr-malformed.js";
import { pcrNeverSet } from "./lint-rules/pcr-never-set.js";
import { pcrWildcard } from "./lint-rules/pcr-wildcard.js";
import { singleMeasurement } from "./lint-rules/single-measurement.js";
import { unattestedRelease } from "./lint-rules/unattested-release.js";
import { wildcardPrincipal } from "./lint-rules/wildcard-principal.js";

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** The statement the finding is about: its position in Statement (from 0) and its Sid. */
  readonly statement?: { readonly index: number; readonly sid?: string };
  readonly message: string;
  readonly why: string;
}

export const LINT_RULES: readonly LintRule[] = [
  unattestedRelease, wildcardPrincipal, attestationIfExists, pcrWildcard, pcrMalformed, debugImagePcr,
  adminCanDecrypt, enclaveCanChangePolicy, pcrNeverSet, singleMeasurement, attestationIgnored,
];

/** Rules about policies the linter cannot parse; they have no check of their own. */
export const NOT_PRINCIPAL = {
  id: "not-principal",
  severity: "error" as Severity,
  why:
    "NotPrincipal in an Allow grants everyone except those listed, and in a Deny spares only those listed; either " +
    "way the principals it admits cannot be read off the policy (and kms-local cannot evaluate it, so neither can " +
    "policy simulate). Name the principals, or use a condition on aws:PrincipalArn.",
};

export const POLICY_REFUSED = {
  id: "policy-refused",
  severity: "error" as Severity,
  why: "KMS (as kms-local reads it) would refuse this document in CreateKey or PutKeyPolicy, so it is not a key policy yet; the other rules were not run.",
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Statements (index, Sid) that carry NotPrincipal, read straight from the JSON text. */
function notPrincipalStatements(text: string): { index: number; sid?: string }[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(doc) || !Object.prototype.hasOwnProperty.call(doc, "Statement")) return [];
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list.flatMap((s, index) =>
    isObject(s) && Object.prototype.hasOwnProperty.call(s, "NotPrincipal") ? [typeof s.Sid === "string" ? { index, sid: s.Sid } : { index }] : [],
  );
}

/** Lints a key policy document (JSON text). Findings come in statement order, policy-wide ones first. */
export function lintKeyPolicy(text: string): Finding[] {
  let policy;
  try {
    policy = parseKeyPolicy(text);
  } catch (e) {
    if (!(e instanceof KmsError)) throw e;
    return [
      ...notPrincipalStatements(text).map((statement): Finding => ({
        rule: NOT_PRINCIPAL.id, severity: NOT_PRINCIPAL.severity, statement, message: "names its principals with NotPrincipal", why: NOT_PRINCIPAL.why,
      })),
      { rule: POLICY_REFUSED.id, severity: POLICY_REFUSED.severity, message: `${e.code}: ${e.message}`, why: POLICY_REFUSED.why },
    ];
  }
  const findings: Finding[] = [];
  for (const rule of LINT_RULES) {
    for (const hit of rule.check(policy)) {
      const s = hit.statement;
      findings.push({
        rule: rule.id,
        severity: rule.severity,
        ...(s && { statement: s.sid === undefined ? { index: s.index } : { index: s.index, sid: s.sid } }),
        message: hit.message,
        why: rule.why,
      });
    }
  }
  const position = (f: Finding) => f.statement?.index ?? -1;
  return findings.sort((a, b) => position(a) - position(b));
}
