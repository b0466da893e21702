// Key policies: parsed (and refused as KMS refuses them) when they are set, then evaluated for every request
// as IAM evaluates a resource-based policy. The parts live in ./policy/: the document's grammar
// (document.ts), principals, wildcard patterns, condition operators and values, and evaluation.
import { readPolicyDocument } from "./policy/document.js";
import { compilePolicy } from "./policy/evaluation.js";
import type { KeyPolicy } from "./policy/types.js";

export { evaluate } from "./policy/evaluation.js";
export { MAX_POLICY_BYTES } from "./policy/document.js";
export type {
  ConditionContext, ConditionOperatorName, Effect, KeyPolicy, PolicyCondition, PolicyDecision, PolicyPrincipals,
  PolicyStatement, RequestToAuthorize, SetQualifier,
} from "./policy/types.js";

/**
 * Parses and checks a key policy document (JSON text): a LimitExceededException over KMS's 32 KiB quota, a
 * MalformedPolicyDocumentException for anything else KMS would refuse (or kms-local cannot evaluate).
 */
export function parseKeyPolicy(text: string): KeyPolicy {
  const policy = readPolicyDocument(text);
  compilePolicy(policy);
  return policy;
}

export function defaultKeyPolicy(account: string): string {
  // Worded and laid out as KMS returns its default key policy from GetKeyPolicy.
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${account}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}
