// The key policy document as KMS accepts it: the 32 KiB quota (LimitExceededException, per the KMS API
// reference for CreateKey and PutKeyPolicy), the IAM policy grammar's elements and their forms
// (MalformedPolicyDocumentException), and the parsed form a simulator or linter reads.
import { LimitExceededException, MalformedPolicyDocumentException } from "../src/errors";
import { MAX_POLICY_BYTES, parseKeyPolicy } from "../src/policy";
import { ALICE } from "./policy-helpers";

const doc = (top: object) => JSON.stringify({ Version: "2012-10-17", ...top });
const withStatement = (statement: object) => doc({ Statement: [{ Effect: "Allow", Principal: { AWS: ALICE }, Action: "kms:*", Resource: "*", ...statement }] });

describe("size", () => {
  /** A valid policy of exactly `bytes` bytes (padded with spaces, which KMS counts). */
  const ofSize = (bytes: number) => {
    const text = withStatement({});
    return text.slice(0, -1) + " ".repeat(bytes - Buffer.byteLength(text)) + "}";
  };
  test("32768 bytes is accepted, 32769 is a LimitExceededException", () => {
    expect(MAX_POLICY_BYTES).toBe(32 * 1024);
    expect(() => parseKeyPolicy(ofSize(32768))).not.toThrow();
    expect(() => parseKeyPolicy(ofSize(32769))).toThrow(LimitExceededException);
  });
  test("the quota is counted in bytes: 16385 two-byte Latin-1 characters are over it", () => {
    const text = withStatement({ Sid: "\u00e9".repeat(16385) });
    expect(text.length).toBeLessThan(32768);
    expect(() => parseKeyPolicy(text)).toThrow(LimitExceededException);
  });
  test("an oversized document is refused before it is read as JSON", () => {
    expect(() => parseKeyPolicy("{".repeat(40_000))).toThrow(LimitExceededException);
  });
});

describe("accepted", () => {
  test("Version 2012-10-17, 2008-10-17, or none; Id and Sid as strings; a single statement object", () => {
    for (const text of [
      doc({ Id: "key-consolepolicy-3", Statement: { Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" } }),
      JSON.stringify({ Version: "2008-10-17", Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }] }),
      JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, NotAction: "kms:Delete*", NotResource: "arn:aws:kms:*:*:key/other" }] }),
    ]) {
      expect(() => parseKeyPolicy(text)).not.toThrow();
    }
  });
  test("statements without Action/NotAction or Resource/NotResource are accepted, as KMS accepts them", () => {
    expect(() => parseKeyPolicy(withStatement({ Action: undefined }))).not.toThrow();
    expect(() => parseKeyPolicy(withStatement({ Resource: undefined }))).not.toThrow();
  });
  test("every principal form IAM takes: account id, root, user, role (with a path), session, *, Service, Federated", () => {
    const principals = {
      AWS: ["111122223333", "arn:aws:iam::111122223333:root", ALICE, "arn:aws:iam::111122223333:role/team/enclave-parent",
        "arn:aws:sts::111122223333:assumed-role/enclave-parent/i-0123456789abcdef0", "*"],
      Service: "ec2.amazonaws.com",
      Federated: "cognito-identity.amazonaws.com",
    };
    expect(() => parseKeyPolicy(withStatement({ Principal: principals }))).not.toThrow();
  });
});

describe("refused as a MalformedPolicyDocumentException", () => {
  const stmt = (statement: object) => withStatement(statement);
  test.each([
    ["not JSON", "{"],
    ["not an object", "[]"],
    ["no Statement", doc({})],
    ["an empty Statement list", doc({ Statement: [] })],
    ["an unknown top-level element", doc({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }], Comment: "x" })],
    ["a lower-case element name", JSON.stringify({ version: "2012-10-17", Statement: [] })],
    ["an unknown statement element", stmt({ Actions: "kms:*" })],
    ["another Version", JSON.stringify({ Version: "2012-10-18", Statement: [] })],
    ["a Version that is not a string", JSON.stringify({ Version: 2012, Statement: [] })],
    ["an Id that is not a string", doc({ Id: 7, Statement: [] })],
    ["a Sid that is not a string", stmt({ Sid: 1 })],
    ["two statements with the same Sid", doc({ Statement: [JSON.parse(stmt({ Sid: "a" })).Statement[0], JSON.parse(stmt({ Sid: "a" })).Statement[0]] })],
    ["a duplicate element", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Effect":"Allow"}]}`],
    ["a duplicate element, spelt with an escape", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","\\u0045ffect":"Allow"}]}`],
    ["a bad Effect", stmt({ Effect: "Maybe" })],
    ["no Principal", stmt({ Principal: undefined })],
    ["NotPrincipal (which kms-local does not evaluate)", stmt({ Principal: undefined, NotPrincipal: { AWS: ALICE } })],
    ["a principal that is not an ARN", stmt({ Principal: { AWS: "alice" } })],
    ["a wildcard inside a principal ARN", stmt({ Principal: { AWS: "arn:aws:iam::111122223333:role/*" } })],
    ["a group as principal", stmt({ Principal: { AWS: "arn:aws:iam::111122223333:group/admins" } })],
    ["an unknown principal type", stmt({ Principal: { Users: ALICE } })],
    ["an empty principal", stmt({ Principal: {} })],
    ["Action and NotAction together", stmt({ NotAction: "kms:Decrypt" })],
    ["Resource and NotResource together", stmt({ NotResource: "*" })],
    ["an empty Action list", stmt({ Action: [] })],
    ["a Resource that is not an ARN", stmt({ Resource: "key/1234" })],
    ["a Resource with fewer than six ARN parts", stmt({ Resource: "arn:aws:kms:*" })],
    ["an unknown condition operator", stmt({ Condition: { Approximately: { "kms:CallerAccount": "1" } } })],
    ["an unknown set qualifier", stmt({ Condition: { "ForSomeValues:StringEquals": { "kms:CallerAccount": "1" } } })],
    ["NullIfExists (IfExists applies to every operator but Null)", stmt({ Condition: { NullIfExists: { "kms:CallerAccount": "true" } } })],
    ["a condition block that is not an object", stmt({ Condition: { StringEquals: "x" } })],
    ["a condition value that is an object", stmt({ Condition: { StringEquals: { "kms:CallerAccount": { a: 1 } } } })],
    ["a condition with no values", stmt({ Condition: { StringEquals: { "kms:CallerAccount": [] } } })],
    ["a Numeric value that is not a number", stmt({ Condition: { NumericLessThan: { "kms:EncryptionContext:n": "ten" } } })],
    ["a Date value that is not a date", stmt({ Condition: { DateLessThan: { "aws:CurrentTime": "yesterday" } } })],
    ["an impossible date", stmt({ Condition: { DateLessThan: { "aws:CurrentTime": "2023-02-29T00:00:00Z" } } })],
    ["a time without a zone", stmt({ Condition: { DateLessThan: { "aws:CurrentTime": "2024-01-01T00:00:00" } } })],
    ["an IPv4 prefix over 32", stmt({ Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/33" } } })],
    ["an address that is not one", stmt({ Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.256" } } })],
    ["a Bool value other than true/false", stmt({ Condition: { Bool: { "aws:SecureTransport": "yes" } } })],
    ["a Null value other than true/false", stmt({ Condition: { Null: { "kms:CallerAccount": "maybe" } } })],
    ["a BinaryEquals value that is not base64", stmt({ Condition: { BinaryEquals: { "kms:EncryptionContext:b": "!!" } } })],
  ])("a policy with %s", (_what, text) => {
    expect(() => parseKeyPolicy(text)).toThrow(MalformedPolicyDocumentException);
  });

  test("an invalid principal gets KMS's message", () => {
    expect(() => parseKeyPolicy(withStatement({ Principal: { AWS: "alice" } }))).toThrow("Policy contains a statement with one or more invalid principals.");
  });
  test("an unknown operator is named in the message", () => {
    expect(() => parseKeyPolicy(withStatement({ Condition: { StringEqualz: { "kms:CallerAccount": "1" } } }))).toThrow(/StringEqualz/);
  });
});

test("the parsed policy keeps every element as written, taken apart, and cannot be changed", () => {
  const p = parseKeyPolicy(doc({
    Id: "p1",
    Statement: [
      { Sid: "Release", Effect: "Allow", Principal: { AWS: [ALICE, "111122223333"], Service: "ec2.amazonaws.com" }, Action: ["kms:Decrypt"], Resource: "*",
        Condition: { "ForAnyValue:StringLikeIfExists": { "kms:EncryptionContextKeys": ["app*", 7, true] }, Null: { "kms:RecipientAttestation:PCR0": "false" } } },
      { Effect: "Deny", Principal: "*", NotAction: "kms:Encrypt", NotResource: ["arn:aws:kms:*:*:key/x"] },
    ],
  }));
  expect(p).toEqual({
    version: "2012-10-17",
    id: "p1",
    statements: [
      {
        index: 0, sid: "Release", effect: "Allow",
        principals: { any: false, aws: [ALICE, "111122223333"], service: ["ec2.amazonaws.com"], federated: [], canonicalUser: [] },
        actions: ["kms:Decrypt"], resources: ["*"],
        conditions: [
          { operator: "ForAnyValue:StringLikeIfExists", base: "StringLike", qualifier: "ForAnyValue", ifExists: true, key: "kms:EncryptionContextKeys", values: ["app*", "7", "true"] },
          { operator: "Null", base: "Null", qualifier: undefined, ifExists: false, key: "kms:RecipientAttestation:PCR0", values: ["false"] },
        ],
      },
      {
        index: 1, effect: "Deny", principals: { any: true, aws: [], service: [], federated: [], canonicalUser: [] },
        notActions: ["kms:Encrypt"], notResources: ["arn:aws:kms:*:*:key/x"], conditions: [],
      },
    ],
  });
  expect(Object.isFrozen(p.statements[0].principals.aws)).toBe(true);
  expect(() => (p.statements[0].actions as string[]).push("kms:*")).toThrow(TypeError);
  expect(() => { (p.statements[1] as { effect: string }).effect = "Allow"; }).toThrow(TypeError);
});
