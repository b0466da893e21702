// Condition operators as the IAM User Guide documents them ("IAM JSON policy elements: Condition
// operators", "Single-valued vs. multivalued context keys", the multivalued context key examples): what each
// operator compares, how an absent key evaluates (false, except IfExists and negated operators; ForAnyValue
// false and ForAllValues true whatever IfExists says), and Null.
import { evaluate } from "../src/policy";
import { allow, policy, request } from "./policy-helpers";

type Context = Record<string, string | string[]>;
/** Whether a statement allowing alice under `condition` applies to a request with `context`. */
const holds = (condition: object, context: Context = {}) => evaluate(policy(allow({ Condition: condition })), request({ context })).decision === "Allow";

const IMAGE = "kms:RecipientAttestation:ImageSha384";
const PCR0 = "ab".repeat(48);

describe("an absent condition key", () => {
  test.each([
    // The ForAnyValue:StringNotEquals on an absent ImageSha384 used to allow: IAM evaluates it to false.
    ["ForAnyValue:StringNotEquals", false],
    ["ForAnyValue:StringEquals", false],
    ["ForAnyValue:StringNotEqualsIfExists", false],
    ["ForAnyValue:StringEqualsIfExists", false],
    ["ForAllValues:StringEquals", true],
    ["ForAllValues:StringNotEquals", true],
    ["ForAllValues:StringLikeIfExists", true],
    ["StringEquals", false],
    ["StringLike", false],
    ["StringEqualsIfExists", true],
    ["StringNotEquals", true],
    ["StringNotLike", true],
    ["ArnNotLike", true],
    ["NumericLessThan", false],
    ["NumericLessThanIfExists", true],
    ["NumericNotEquals", true],
    ["DateGreaterThan", false],
    ["DateNotEquals", true],
    ["IpAddress", false],
    ["NotIpAddress", true],
    ["Bool", false],
    ["BoolIfExists", true],
    ["BinaryEquals", false],
  ])("%s evaluates to %s", (operator, expected) => {
    const value = /Numeric/.test(operator) ? "1" : /Date/.test(operator) ? "2024-01-01T00:00:00Z" : /Ip/.test(operator) ? "10.0.0.0/8"
      : /Bool/.test(operator) ? "true" : /Binary/.test(operator) ? "AAEC" : /Arn/.test(operator) ? "arn:aws:iam::111122223333:role/*" : PCR0;
    expect(holds({ [operator]: { [IMAGE]: value } })).toBe(expected);
    // An empty set of values counts as absent.
    expect(holds({ [operator]: { [IMAGE]: value } }, { [IMAGE]: [] })).toBe(expected);
  });

  test("Null: true holds when the key is absent, false when it is present", () => {
    expect(holds({ Null: { [IMAGE]: "true" } })).toBe(true);
    expect(holds({ Null: { [IMAGE]: "true" } }, { [IMAGE]: PCR0 })).toBe(false);
    expect(holds({ Null: { [IMAGE]: "false" } })).toBe(false);
    expect(holds({ Null: { [IMAGE]: false } }, { [IMAGE]: PCR0 })).toBe(true);
  });

  test("an unknown condition key is simply absent", () => {
    expect(holds({ StringEquals: { "kms:NoSuchKey": "x" } }, { [IMAGE]: "x" })).toBe(false);
    expect(holds({ StringNotEquals: { "kms:NoSuchKey": "x" } })).toBe(true);
  });
});

describe("set qualifiers over several request values", () => {
  const keys = (...k: string[]) => ({ "kms:EncryptionContextKeys": k });
  test("ForAllValues: every request value matches some policy value", () => {
    const c = { "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["app", "env"] } };
    expect(holds(c, keys("app"))).toBe(true);
    expect(holds(c, keys("app", "env"))).toBe(true);
    expect(holds(c, keys("app", "tier"))).toBe(false);
  });
  test("ForAnyValue: some request value matches some policy value", () => {
    const c = { "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": ["app", "env"] } };
    expect(holds(c, keys("tier", "env"))).toBe(true);
    expect(holds(c, keys("tier"))).toBe(false);
  });
  test("ForAnyValue:StringNotEquals: some request value matches none of the policy values", () => {
    const c = { "ForAnyValue:StringNotEquals": { "kms:EncryptionContextKeys": ["DataClass", "Owner"] } };
    expect(holds(c, keys("DataClass", "Owner"))).toBe(false);
    expect(holds(c, keys("Dept", "DataClass"))).toBe(true);
  });
  test("ForAllValues:StringNotLike: no request value matches any policy value", () => {
    const c = { "ForAllValues:StringNotLike": { "kms:EncryptionContextKeys": "key1*" } };
    expect(holds(c, keys("key2:audit"))).toBe(true);
    expect(holds(c, keys("key1:hr", "key2:audit"))).toBe(false);
  });
  test("without a qualifier, a positive operator holds if any request value matches, a negated one if none does", () => {
    expect(holds({ StringEquals: { "kms:EncryptionContextKeys": "env" } }, keys("app", "env"))).toBe(true);
    expect(holds({ StringNotEquals: { "kms:EncryptionContextKeys": "env" } }, keys("app", "env"))).toBe(false);
    expect(holds({ StringNotEquals: { "kms:EncryptionContextKeys": "env" } }, keys("app"))).toBe(true);
  });
});

describe("operators on a present key", () => {
  const ctx = (v: string) => ({ "kms:EncryptionContext:v": v });
  const check = (operator: string, policyValues: unknown, requestValue: string) => holds({ [operator]: { "kms:EncryptionContext:v": policyValues } }, ctx(requestValue));

  test("String operators: exact, ignoring case, with wildcards; several policy values are alternatives", () => {
    expect(check("StringEquals", ["a", "B"], "B")).toBe(true);
    expect(check("StringEquals", "b", "B")).toBe(false);
    expect(check("StringEqualsIgnoreCase", "b", "B")).toBe(true);
    expect(check("StringNotEqualsIgnoreCase", "b", "B")).toBe(false);
    expect(check("StringLike", "web-*", "web-1")).toBe(true);
    expect(check("StringLike", "web-?", "web-10")).toBe(false);
    expect(check("StringNotLike", ["x*", "web-*"], "web-1")).toBe(false);
  });

  test("condition key names are case-insensitive, values are not", () => {
    expect(holds({ StringEquals: { "KMS:RECIPIENTATTESTATION:PCR0": PCR0 } }, { "kms:RecipientAttestation:PCR0": PCR0 })).toBe(true);
    expect(holds({ StringEquals: { "kms:RecipientAttestation:PCR0": PCR0 } }, { "kms:RecipientAttestation:PCR0": PCR0.toUpperCase() })).toBe(false);
  });

  test("several keys, and several operators, must all hold", () => {
    const c = { StringEquals: { "kms:EncryptionContext:app": ["a", "b"], "kms:EncryptionContext:env": "prod" }, StringLike: { "kms:EncryptionContext:tier": "t*" } };
    expect(holds(c, { "kms:EncryptionContext:app": "b", "kms:EncryptionContext:env": "prod", "kms:EncryptionContext:tier": "t1" })).toBe(true);
    expect(holds(c, { "kms:EncryptionContext:app": "b", "kms:EncryptionContext:env": "dev", "kms:EncryptionContext:tier": "t1" })).toBe(false);
    expect(holds(c, { "kms:EncryptionContext:app": "b", "kms:EncryptionContext:env": "prod" })).toBe(false);
  });

  test.each([
    ["NumericEquals", "10", "10", true], ["NumericEquals", "10", "10.0", true], ["NumericEquals", 10, "11", false],
    ["NumericNotEquals", "10", "11", true], ["NumericNotEquals", "10", "10", false],
    ["NumericLessThan", "10", "9.5", true], ["NumericLessThan", "10", "10", false],
    ["NumericLessThanEquals", "10", "10", true], ["NumericLessThanEquals", "10", "11", false],
    ["NumericGreaterThan", "-1", "0", true], ["NumericGreaterThan", "0", "0", false],
    ["NumericGreaterThanEquals", "0.5", "0.5", true], ["NumericGreaterThanEquals", "0.5", "0.4", false],
    // A request value that is not a number matches no policy number.
    ["NumericLessThan", "10", "nine", false], ["NumericNotEquals", "10", "ten", true],
  ])("%s %j, request %j: %s", (operator, value, requestValue, expected) => {
    expect(check(operator, value, requestValue)).toBe(expected);
  });

  test.each([
    // ISO 8601 (W3C profile) and epoch seconds, on either side; time zones are honoured.
    ["DateEquals", "2024-03-01T12:00:00Z", "2024-03-01T13:00:00+01:00", true],
    ["DateEquals", "2024-03-01T12:00:00Z", "1709294400", true],
    ["DateEquals", "1709294400", "2024-03-01T12:00:00.000Z", true],
    ["DateEquals", "2024-03-01", "2024-03-01T00:00:00Z", true],
    ["DateNotEquals", "2024-03-01T12:00:00Z", "2024-03-01T12:00:01Z", true],
    ["DateLessThan", "2024-03-01T12:00:00Z", "2024-03-01T11:59:59Z", true],
    ["DateLessThan", "2024-03-01T12:00:00Z", "2024-03-01T12:00:00Z", false],
    ["DateLessThanEquals", "2024-03-01T12:00:00Z", "2024-03-01T12:00:00Z", true],
    ["DateGreaterThan", "2024-03-01T12:00:00Z", "2024-03-01T12:00:00.5Z", true],
    ["DateGreaterThan", "2024-03-01T12:00:00Z", "2024-03-01T07:00:00-05:00", false],
    ["DateGreaterThanEquals", "2024-03", "2024-03-01T00:00:00Z", true],
    ["DateGreaterThanEquals", "2024-03-01T12:00Z", "not a date", false],
  ])("%s %j, request %j: %s", (operator, value, requestValue, expected) => {
    expect(check(operator, value, requestValue)).toBe(expected);
  });

  test.each([
    ["IpAddress", "203.0.113.0/24", "203.0.113.77", true],
    ["IpAddress", "203.0.113.0/24", "203.0.114.1", false],
    ["IpAddress", ["192.0.2.0/24", "203.0.113.5"], "203.0.113.5", true],
    ["IpAddress", "2001:db8:1234::/48", "2001:db8:1234:ffff::1", true],
    ["IpAddress", "2001:db8:1234::/48", "2001:db8:1235::1", false],
    // An IPv4 address never lies in an IPv6 block, nor the other way round.
    ["IpAddress", "::/0", "203.0.113.5", false],
    ["IpAddress", "0.0.0.0/0", "2001:db8::1", false],
    ["IpAddress", "0.0.0.0/0", "not-an-ip", false],
    ["NotIpAddress", "203.0.113.0/24", "198.51.100.1", true],
    ["NotIpAddress", "203.0.113.0/24", "203.0.113.1", false],
  ])("%s %j, request %j: %s", (operator, value, requestValue, expected) => {
    expect(check(operator, value, requestValue)).toBe(expected);
  });

  test("Bool compares true/false, in any case; JSON booleans are accepted in the policy", () => {
    expect(check("Bool", true, "true")).toBe(true);
    expect(check("Bool", "TRUE", "true")).toBe(true);
    expect(check("Bool", "false", "true")).toBe(false);
  });

  test("BinaryEquals compares the bytes of base64 values", () => {
    expect(check("BinaryEquals", Buffer.from("secret").toString("base64"), Buffer.from("secret").toString("base64"))).toBe(true);
    expect(check("BinaryEquals", Buffer.from("secret").toString("base64"), Buffer.from("Secret").toString("base64"))).toBe(false);
    expect(check("BinaryEquals", "AAEC", "not base64!")).toBe(false);
  });

  test("ArnEquals and ArnLike both take wildcards, per ARN part; the Not forms negate them", () => {
    const role = "arn:aws:iam::111122223333:role/enclave-parent";
    expect(check("ArnEquals", "arn:aws:iam::111122223333:role/*", role)).toBe(true);
    expect(check("ArnLike", "arn:aws:iam::*:role/enclave-*", role)).toBe(true);
    expect(check("ArnLike", "arn:aws:iam::*:user/*", role)).toBe(false);
    expect(check("ArnNotEquals", "arn:aws:iam::111122223333:role/*", role)).toBe(false);
    expect(check("ArnNotLike", "arn:aws:iam::*:user/*", role)).toBe(true);
  });

  test("IfExists changes nothing when the key is present", () => {
    expect(check("StringEqualsIfExists", "a", "b")).toBe(false);
    expect(check("NumericLessThanIfExists", "10", "5")).toBe(true);
    expect(check("IpAddressIfExists", "10.0.0.0/8", "11.0.0.1")).toBe(false);
  });

  test("operator names are matched case-insensitively", () => {
    expect(check("stringequals", "a", "a")).toBe(true);
    expect(check("forallvalues:STRINGLIKEIFEXISTS", "a*", "ab")).toBe(true);
  });
});
