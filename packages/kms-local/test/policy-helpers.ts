// Builders for the evaluator's unit tests: a policy from statements, a request from a few fields.
import { parseKeyPolicy, type ConditionContext, type RequestToAuthorize } from "../src/policy";

export const ACCOUNT = "111122223333";
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

export const context = (values: Record<string, string | string[]> = {}): ConditionContext =>
  new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));

/** A request by alice (an IAM user) for kms:Decrypt on KEY_ARN, with the fields given replaced. */
export const request = (fields: Partial<Omit<RequestToAuthorize, "context">> & { context?: Record<string, string | string[]> } = {}): RequestToAuthorize => ({
  callerArn: ALICE,
  principalArn: fields.callerArn ?? ALICE,
  principalAccount: ACCOUNT,
  action: "kms:Decrypt",
  resource: KEY_ARN,
  ...fields,
  context: context(fields.context),
});

export const policy = (...statements: object[]) => parseKeyPolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }));

/** A statement that allows alice everything on every resource, with the elements given replaced. */
export const allow = (extra: object = {}) => ({ Effect: "Allow", Principal: { AWS: ALICE }, Action: "kms:*", Resource: "*", ...extra });
