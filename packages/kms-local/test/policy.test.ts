// The key policy evaluator: IAM's rules (explicit Deny wins, otherwise an Allow must match), principals,
// action wildcards, and the condition operators kms-local supports, on the condition keys KMS defines.
import { defaultKeyPolicy, evaluate as evaluatePolicy, globMatch, parseKeyPolicy, type ConditionContext, type KeyPolicy, type RequestToAuthorize } from "../src/policy";
import { MalformedPolicyDocumentException } from "../src/errors";

const ALICE = "arn:aws:iam::111122223333:role/alice";
const evaluate = (policy: KeyPolicy, request: RequestToAuthorize) => evaluatePolicy(policy, request).decision;
const request = (action: string, context: Record<string, string | string[]> = {}, principalArn = ALICE, principalAccount = "111122223333") => ({
  callerArn: principalArn,
  principalArn,
  resource: "arn:aws:kms:us-east-1:111122223333:key/0b7e7f8e-1111-4222-8333-944445555666",
  principalAccount,
  action,
  context: new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])) as ConditionContext,
});
const policy = (...statements: object[]) => parseKeyPolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }));
const allow = (extra: object = {}) => ({ Effect: "Allow", Principal: { AWS: ALICE }, Action: "kms:*", Resource: "*", ...extra });

test("the default policy lets every principal of the account do everything, and no one else", () => {
  const p = parseKeyPolicy(defaultKeyPolicy("111122223333"));
  expect(evaluate(p, request("kms:Decrypt"))).toBe("Allow");
  expect(evaluate(p, request("kms:PutKeyPolicy", {}, "arn:aws:iam::111122223333:user/bob"))).toBe("Allow");
  expect(evaluate(p, request("kms:Decrypt", {}, "arn:aws:iam::999999999999:root", "999999999999"))).toBe("ImplicitDeny");
});

test("principals: exact ARN, account id, account root, and *", () => {
  expect(evaluate(policy(allow()), request("kms:Encrypt"))).toBe("Allow");
  expect(evaluate(policy(allow()), request("kms:Encrypt", {}, "arn:aws:iam::111122223333:role/bob"))).toBe("ImplicitDeny");
  expect(evaluate(policy(allow({ Principal: { AWS: "111122223333" } })), request("kms:Encrypt", {}, "arn:aws:iam::111122223333:role/bob"))).toBe("Allow");
  expect(evaluate(policy(allow({ Principal: "*" })), request("kms:Encrypt", {}, "arn:aws:iam::999999999999:user/x", "999999999999"))).toBe("Allow");
  expect(evaluate(policy(allow({ Principal: { Service: "ec2.amazonaws.com" } })), request("kms:Encrypt"))).toBe("ImplicitDeny");
});

test("actions: wildcards, case-insensitive, lists, NotAction", () => {
  const p = policy(allow({ Action: ["kms:Generate*", "KMS:decrypt"] }));
  expect(evaluate(p, request("kms:GenerateDataKey"))).toBe("Allow");
  expect(evaluate(p, request("kms:GenerateDataKeyPairWithoutPlaintext"))).toBe("Allow");
  expect(evaluate(p, request("kms:Decrypt"))).toBe("Allow");
  expect(evaluate(p, request("kms:Encrypt"))).toBe("ImplicitDeny");
  expect(evaluate(policy(allow({ Action: undefined, NotAction: "kms:Decrypt" })), request("kms:Decrypt"))).toBe("ImplicitDeny");
  expect(evaluate(policy(allow({ Action: undefined, NotAction: "kms:Decrypt" })), request("kms:Encrypt"))).toBe("Allow");
  expect(evaluate(policy(allow({ Action: "kms:?ncrypt" })), request("kms:Encrypt"))).toBe("Allow");
});

test("an explicit Deny beats any Allow", () => {
  const p = policy(allow(), { Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" });
  expect(evaluate(p, request("kms:Decrypt"))).toBe("ExplicitDeny");
  expect(evaluate(p, request("kms:Encrypt"))).toBe("Allow");
});

describe("conditions", () => {
  const pcr0 = "ab".repeat(48);
  test("StringEqualsIgnoreCase on kms:RecipientAttestation keys: absent key fails, case is ignored", () => {
    const p = policy(allow({ Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": pcr0.toUpperCase() } } }));
    expect(evaluate(p, request("kms:Decrypt", { "kms:RecipientAttestation:ImageSha384": pcr0 }))).toBe("Allow");
    expect(evaluate(p, request("kms:Decrypt", { "kms:RecipientAttestation:ImageSha384": "cd".repeat(48) }))).toBe("ImplicitDeny");
    expect(evaluate(p, request("kms:Decrypt"))).toBe("ImplicitDeny");
  });
  test("StringEquals is case-sensitive on values, not on condition key names", () => {
    const p = policy(allow({ Condition: { StringEquals: { "KMS:RECIPIENTATTESTATION:PCR0": pcr0 } } }));
    expect(evaluate(p, request("kms:Decrypt", { "kms:RecipientAttestation:PCR0": pcr0 }))).toBe("Allow");
    expect(evaluate(p, request("kms:Decrypt", { "kms:RecipientAttestation:PCR0": pcr0.toUpperCase() }))).toBe("ImplicitDeny");
  });
  test("several values are alternatives; several keys must all match", () => {
    const p = policy(allow({ Condition: { StringEquals: { "kms:EncryptionContext:app": ["a", "b"], "kms:EncryptionContext:env": "prod" } } }));
    expect(evaluate(p, request("kms:Decrypt", { "kms:EncryptionContext:app": "b", "kms:EncryptionContext:env": "prod" }))).toBe("Allow");
    expect(evaluate(p, request("kms:Decrypt", { "kms:EncryptionContext:app": "b", "kms:EncryptionContext:env": "dev" }))).toBe("ImplicitDeny");
  });
  test("negated operators, IfExists, Null, StringLike and ForAllValues", () => {
    const ctx = { "kms:EncryptionContext:app": "web-1", "kms:EncryptionContextKeys": ["app", "env"] };
    const check = (condition: object, context: Record<string, string | string[]> = ctx) => evaluate(policy(allow({ Condition: condition })), request("kms:Decrypt", context));
    expect(check({ StringNotEquals: { "kms:EncryptionContext:app": "web-2" } })).toBe("Allow");
    expect(check({ StringNotEquals: { "kms:EncryptionContext:app": "web-1" } })).toBe("ImplicitDeny");
    expect(check({ StringLike: { "kms:EncryptionContext:app": "web-*" } })).toBe("Allow");
    expect(check({ StringEqualsIfExists: { "kms:EncryptionContext:tier": "x" } })).toBe("Allow");
    expect(check({ Null: { "kms:EncryptionContext:tier": "true" } })).toBe("Allow");
    expect(check({ Null: { "kms:EncryptionContext:app": "true" } })).toBe("ImplicitDeny");
    expect(check({ "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["app", "env", "x"] } })).toBe("Allow");
    expect(check({ "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["app"] } })).toBe("ImplicitDeny");
    expect(check({ "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": ["env"] } })).toBe("Allow");
  });
});

test.each([
  ["not JSON", "{"],
  ["no Statement", JSON.stringify({ Version: "2012-10-17" })],
  ["a bad Effect", JSON.stringify({ Statement: [{ Effect: "Maybe", Principal: "*", Action: "kms:*", Resource: "*" }] })],
  ["no Principal", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] })],
  ["a malformed principal", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "alice" }, Action: "kms:*", Resource: "*" }] })],
  ["an unknown condition operator", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*", Condition: { Approximately: { a: "b" } } }] })],
  ["no Resource", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*" }] })],
])("a policy with %s is a MalformedPolicyDocumentException", (_what, text) => {
  expect(() => parseKeyPolicy(text)).toThrow(MalformedPolicyDocumentException);
});

test("wildcard matching finishes on adversarial patterns and long values", () => {
  const p = policy(allow({ Condition: { StringLike: { "kms:EncryptionContext:x": "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b" } } }));
  // A backtracking regular expression would not finish this (the test would hit jest's timeout).
  expect(evaluate(p, request("kms:Decrypt", { "kms:EncryptionContext:x": "a".repeat(200_000) }))).toBe("ImplicitDeny");
  expect(evaluate(p, request("kms:Decrypt", { "kms:EncryptionContext:x": "a".repeat(20) + "b" }))).toBe("Allow");
});

test.each([
  ["*", "", true], ["a*", "abc", true], ["a?c", "abc", true], ["a?c", "ac", false], ["*c", "abc", true],
  ["a*b*c", "aXbYc", true], ["a*b*c", "aXbY", false], ["abc", "abcd", false], ["**", "x", true],
])("globMatch(%j, %j) is %s", (pattern, text, expected) => {
  expect(globMatch(pattern, text)).toBe(expected);
});
