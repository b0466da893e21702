// The evaluator's types: a parsed key policy (plain, frozen data a simulator or linter can read), the
// request it is evaluated against, and the decision.
import type { ConditionOperatorName, SetQualifier } from "./operators.js";

export type { ConditionOperatorName, SetQualifier };

export type Effect = "Allow" | "Deny";

/** Condition keys of one request, lower-cased; each key holds one or more values. (A Map will do.) */
export interface ConditionContext {
  get(key: string): readonly string[] | undefined;
}

export interface RequestToAuthorize {
  /** The caller's identity ARN: an IAM user or account root, or an STS assumed-role session ARN. */
  callerArn: string;
  /** aws:PrincipalArn: the user ARN, or the role's ARN for an assumed-role session. */
  principalArn: string;
  principalAccount: string;
  /** e.g. "kms:Decrypt" */
  action: string;
  /** The ARN of the KMS key the request is for. */
  resource: string;
  context: ConditionContext;
}

export interface PolicyDecision {
  decision: "Allow" | "ExplicitDeny" | "ImplicitDeny";
  /** The statement that decided: the first matching Deny, or else the first matching Allow. */
  statement?: { index: number; sid?: string };
}

/** A statement's Principal. `any` is true for `"Principal": "*"` and for `"AWS": "*"`. */
export interface PolicyPrincipals {
  readonly any: boolean;
  /** AWS principals as written: account ids, account root ARNs, IAM user and role ARNs, STS session ARNs. */
  readonly aws: readonly string[];
  /** Service, Federated and CanonicalUser principals: valid in a key policy; no kms-local caller is one. */
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

/** One condition: an operator applied to one condition key with the policy's values for it. */
export interface PolicyCondition {
  /** The operator as written, e.g. "ForAnyValue:StringLikeIfExists". */
  readonly operator: string;
  readonly base: ConditionOperatorName;
  readonly qualifier?: SetQualifier;
  readonly ifExists: boolean;
  /** The condition key as written; keys are compared case-insensitively. */
  readonly key: string;
  /** The values as written (JSON numbers and booleans as their text). */
  readonly values: readonly string[];
}

/**
 * One statement, its elements as written. A statement with neither Action nor NotAction, or neither
 * Resource nor NotResource, is valid but never applies (as KMS documents for PutKeyPolicy).
 */
export interface PolicyStatement {
  /** Position in the policy's Statement list, from 0. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly principals: PolicyPrincipals;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** All must hold for the statement to apply. */
  readonly conditions: readonly PolicyCondition[];
}

/** A parsed key policy. parseKeyPolicy returns it deeply frozen. */
export interface KeyPolicy {
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}
