// The key policy evaluator: IAM's rules for a resource-based policy (explicit Deny wins, otherwise an
// Allow must apply, otherwise an implicit deny), action wildcards, and the statement that decided.
import { defaultKeyPolicy, evaluate, parseKeyPolicy } from "../src/policy";
import { actionMatcher, arnMatches, globMatch } from "../src/policy/patterns";
import { ACCOUNT, ALICE, allow, policy, request } from "./policy-helpers";

const decision = (p: ReturnType<typeof policy>, fields: Parameters<typeof request>[0] = {}) => evaluate(p, request(fields)).decision;

test("the default policy lets every principal of the account do everything, and no one else", () => {
  const p = parseKeyPolicy(defaultKeyPolicy(ACCOUNT));
  expect(evaluate(p, request())).toEqual({ decision: "Allow", statement: { index: 0, sid: "Enable IAM User Permissions" } });
  expect(decision(p, { action: "kms:PutKeyPolicy", callerArn: `arn:aws:iam::${ACCOUNT}:user/bob` })).toBe("Allow");
  expect(decision(p, { callerArn: "arn:aws:iam::999999999999:root", principalAccount: "999999999999" })).toBe("ImplicitDeny");
});

test("actions: wildcards, case-insensitive, lists, NotAction", () => {
  const p = policy(allow({ Action: ["kms:Generate*", "KMS:decrypt"] }));
  expect(decision(p, { action: "kms:GenerateDataKey" })).toBe("Allow");
  expect(decision(p, { action: "kms:GenerateDataKeyPairWithoutPlaintext" })).toBe("Allow");
  expect(decision(p)).toBe("Allow");
  expect(decision(p, { action: "kms:Encrypt" })).toBe("ImplicitDeny");
  expect(decision(policy(allow({ Action: undefined, NotAction: "kms:Decrypt" })))).toBe("ImplicitDeny");
  expect(decision(policy(allow({ Action: undefined, NotAction: "kms:Decrypt" })), { action: "kms:Encrypt" })).toBe("Allow");
  expect(decision(policy(allow({ Action: "kms:?ncrypt" })), { action: "kms:Encrypt" })).toBe("Allow");
});

test("an explicit Deny beats any Allow, wherever it stands, and is the deciding statement", () => {
  const p = policy(allow({ Sid: "All" }), { Sid: "NoDecrypt", Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" });
  expect(evaluate(p, request())).toEqual({ decision: "ExplicitDeny", statement: { index: 1, sid: "NoDecrypt" } });
  expect(evaluate(p, request({ action: "kms:Encrypt" }))).toEqual({ decision: "Allow", statement: { index: 0, sid: "All" } });
});

test("the first Allow that applies decides; a statement without Sid is named by its index alone", () => {
  const p = policy(allow({ Action: "kms:Encrypt" }), allow(), allow({ Sid: "Again" }));
  expect(evaluate(p, request())).toEqual({ decision: "Allow", statement: { index: 1 } });
  expect(evaluate(policy(allow({ Action: "kms:Encrypt" })), request())).toEqual({ decision: "ImplicitDeny" });
});

test("aws:PrincipalArn is the request's principalArn, whatever the condition context says", () => {
  const p = policy(allow({ Condition: { ArnEquals: { "aws:PrincipalArn": ALICE } } }));
  expect(decision(p, { context: { "aws:PrincipalArn": "arn:aws:iam::111122223333:user/mallory" } })).toBe("Allow");
});

test("wildcard matching finishes on adversarial patterns and long values", () => {
  const p = policy(allow({ Condition: { StringLike: { "kms:EncryptionContext:x": "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b" } } }));
  // A backtracking regular expression would not finish this (the test would hit jest's timeout).
  expect(decision(p, { context: { "kms:EncryptionContext:x": "a".repeat(200_000) } })).toBe("ImplicitDeny");
  expect(decision(p, { context: { "kms:EncryptionContext:x": "a".repeat(20) + "b" } })).toBe("Allow");
});

test.each([
  ["*", "", true], ["a*", "abc", true], ["a?c", "abc", true], ["a?c", "ac", false], ["*c", "abc", true],
  ["a*b*c", "aXbYc", true], ["a*b*c", "aXbY", false], ["abc", "abcd", false], ["**", "x", true],
])("globMatch(%j, %j) is %s", (pattern, text, expected) => {
  expect(globMatch(pattern, text)).toBe(expected);
});

test.each([
  // Each of the six parts is matched on its own: a wildcard does not reach across a colon between parts.
  ["arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:key/k", true],
  ["arn:aws:kms:*:key/*", "arn:aws:kms:us-east-1:111122223333:key/k", false],
  ["arn:aws:kms:us-east-?:*:key/*", "arn:aws:kms:us-east-1:111122223333:key/k", true],
  ["arn:aws:kms:us-east-1:111122223333:*", "arn:aws:kms:us-east-1:111122223333:alias/a:b", true],
  ["arn:aws:KMS:us-east-1:111122223333:key/k", "arn:aws:kms:us-east-1:111122223333:key/k", false],
  ["arn:*", "arn:aws:kms:us-east-1:111122223333:key/k", false],
])("arnMatches(%j, %j) is %s", (pattern, arn, expected) => {
  expect(arnMatches(pattern, arn)).toBe(expected);
});

test("action patterns ignore case; * is every action, kms:* every KMS action", () => {
  expect(actionMatcher("*")("s3:getobject")).toBe(true);
  expect(actionMatcher("kms:*")("s3:getobject")).toBe(false);
  expect(actionMatcher("KMS:Re*")("kms:reencryptfrom")).toBe(true);
});
