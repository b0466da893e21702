// Every lint rule against a policy that breaks it and a close variant that does not, and policies in the
// style of public reports of attestation being bypassed (aws-nitro-enclaves-sdk-c #100, #127, #157).
// The expectations come from IAM's and KMS's documented behaviour, not from the linter's output.
import { createHash } from "node:crypto";
import { lintKeyPolicy } from "../src/policy/lint";

const ACCOUNT = "111122223333";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/enclave-parent`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
const hex = (what: string) => createHash("sha384").update(what).digest("hex");
const PCR0 = hex("image");
const PCR8 = hex("signing certificate");
const ZEROS = "0".repeat(96);
const RELEASE = ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:DeriveSharedSecret", "kms:ReEncryptFrom"];
const ATTESTED_RELEASE = RELEASE.filter((a) => a !== "kms:ReEncryptFrom");

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (principal: unknown, action: unknown, condition?: unknown, extra: Statement = {}): Statement => ({
  Effect: "Allow", Principal: principal === "*" ? "*" : { AWS: principal }, Action: action, Resource: "*", ...(condition ? { Condition: condition } : {}), ...extra,
});
const deny = (principal: unknown, action: unknown, condition?: unknown): Statement => ({ ...allow(principal, action, condition), Effect: "Deny" });

/** The condition of a well-made enclave statement: the image, bound to the account. */
const pinned = (pcrs: Record<string, string> = { "kms:RecipientAttestation:PCR0": PCR0 }) => ({
  StringEqualsIgnoreCase: pcrs, StringEquals: { "kms:CallerAccount": ACCOUNT },
});
const admins = allow(ADMIN, ["kms:DescribeKey", "kms:PutKeyPolicy", "kms:CreateGrant", "kms:ScheduleKeyDeletion"]);
const enclave = allow(ROLE, ["kms:Decrypt", "kms:GenerateDataKey"], pinned());

/** Denies that close every path to the key's material but an enclave running the PCR0 image. */
const closing = [
  deny("*", ATTESTED_RELEASE, { Null: { "kms:RecipientAttestation:ImageSha384": "true" } }),
  deny("*", ATTESTED_RELEASE, { StringNotEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": PCR0 } }),
  deny("*", "kms:ReEncryptFrom"),
];

const rules = (text: string) => lintKeyPolicy(text).map((f) => f.rule);

test("the well-made policy the variants start from has no findings", () => {
  expect(lintKeyPolicy(policy(admins, enclave))).toEqual([]);
});

describe.each([
  {
    rule: "unattested-release",
    cases: [
      ["an unconditioned Allow of Decrypt to the enclave role", policy(admins, allow(ROLE, "kms:Decrypt")), policy(admins, allow(ROLE, "kms:Decrypt", pinned()))],
      ["the account root with kms:* (KMS's default policy)", policy(allow(ROOT, "kms:*")), policy(allow(ROOT, "kms:*"), ...closing)],
      ["the account id as principal with kms:*", policy(allow(ACCOUNT, "kms:*")), policy(allow(ACCOUNT, "kms:*"), deny("*", ATTESTED_RELEASE, { StringNotEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0 } }), deny("*", "kms:ReEncryptFrom"))],
      ["a Deny of requests without attestation only (an enclave of the caller's own gets past)", policy(allow(ROOT, "kms:*"), closing[0], closing[2]), policy(allow(ROOT, "kms:*"), ...closing)],
      ["a condition any image meets on that parent (PCR3 alone)", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR3": hex("role") }))), policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR3": hex("role") })))],
      ["a condition the enclave's own code sets (PCR16 alone)", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR16": hex("16") }))), policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR8": PCR8, "kms:RecipientAttestation:PCR16": hex("16") })))],
      ["a wildcard action that takes in Decrypt", policy(admins, allow(ROLE, "kms:De*")), policy(admins, allow(ROLE, "kms:Describe*"))],
      ["a wildcard action that takes in ReEncryptFrom (never attested)", policy(admins, enclave, allow(ROLE, "kms:ReEncrypt*")), policy(admins, enclave, allow(ROLE, "kms:ReEncryptTo"))],
      ["NotAction", policy(admins, allow(ROLE, undefined, undefined, { Action: undefined, NotAction: ["kms:Encrypt"] })), policy(admins, allow(ROLE, undefined, undefined, { Action: undefined, NotAction: ["kms:Encrypt", ...RELEASE] }))],
      ["a condition that only asks for some attestation document (Null false)", policy(admins, allow(ROLE, "kms:Decrypt", { Null: { "kms:RecipientAttestation:PCR0": "false" } })), policy(admins, enclave)],
      ["a negated PCR condition, which holds without attestation", policy(admins, allow(ROLE, "kms:Decrypt", { StringNotEquals: { "kms:RecipientAttestation:PCR0": ZEROS } })), policy(admins, enclave)],
      ["a Deny that covers the admin but not the delegated account", policy(allow(ROOT, "kms:*"), deny(ADMIN, RELEASE)), policy(allow(ROOT, "kms:*"), deny("*", RELEASE))],
      ["a Deny whose condition never holds without attestation", policy(allow(ROOT, "kms:*"), deny("*", ATTESTED_RELEASE, { Null: { "kms:RecipientAttestation:ImageSha384": "false" } }), closing[2]), policy(allow(ROOT, "kms:*"), ...closing)],
    ],
  },
  {
    rule: "wildcard-principal",
    cases: [
      ["Principal * on an attested Allow", policy(admins, allow("*", "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR8": PCR8 } })), policy(admins, allow("*", "kms:Decrypt", pinned()))],
      ["AWS * among other principals", policy(admins, allow([ROLE, "*"], "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0 } })), policy(admins, allow([ROLE], "kms:Decrypt", pinned()))],
      ["a caller condition any account meets", policy(admins, allow("*", "kms:DescribeKey", { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } })), policy(admins, allow("*", "kms:DescribeKey", { StringLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*` } }))],
    ],
  },
  {
    rule: "not-principal",
    cases: [["NotPrincipal", policy(admins, { ...enclave, Principal: undefined, NotPrincipal: { AWS: ADMIN } }), policy(admins, enclave)]],
  },
  {
    rule: "policy-refused",
    cases: [
      ["a misspelt element", policy(admins, { ...enclave, Actions: ["kms:Decrypt"] }), policy(admins, enclave)],
      ["a principal with a wildcard inside its ARN", policy(admins, allow(`arn:aws:iam::${ACCOUNT}:role/enclave-*`, "kms:Decrypt", pinned())), policy(admins, enclave)],
    ],
  },
  {
    rule: "attestation-if-exists",
    cases: [
      ["StringEqualsIgnoreCaseIfExists on PCR0", policy(admins, allow(ROLE, "kms:Decrypt", { StringEqualsIgnoreCaseIfExists: { "kms:RecipientAttestation:PCR0": PCR0 }, StringEquals: { "kms:CallerAccount": ACCOUNT } })), policy(admins, enclave)],
      ["ForAllValues: on ImageSha384", policy(admins, allow(ROLE, "kms:Decrypt", { "ForAllValues:StringEquals": { "kms:RecipientAttestation:ImageSha384": PCR0 } })), policy(admins, allow(ROLE, "kms:Decrypt", { "ForAnyValue:StringEquals": { "kms:RecipientAttestation:ImageSha384": PCR0 }, StringEquals: { "kms:CallerAccount": ACCOUNT } }))],
    ],
  },
  {
    rule: "pcr-wildcard",
    cases: [
      ["StringLike with * in PCR0", policy(admins, allow(ROLE, "kms:Decrypt", { StringLike: { "kms:RecipientAttestation:PCR0": `${PCR0.slice(0, 90)}*` }, StringEquals: { "kms:CallerAccount": ACCOUNT } })), policy(admins, allow(ROLE, "kms:Decrypt", { StringLike: { "kms:RecipientAttestation:PCR0": PCR0 }, StringEquals: { "kms:CallerAccount": ACCOUNT } }))],
      ["a ? in a PCR compared for equality", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": `${PCR0.slice(0, 95)}?` }))), policy(admins, enclave)],
    ],
  },
  {
    rule: "pcr-malformed",
    cases: [
      ["95 hex digits", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0.slice(1) }))), policy(admins, enclave)],
      ["a SHA-256 value", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": hex("x").slice(0, 64) }))), policy(admins, enclave)],
      ["a non-hex character", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": `${PCR0.slice(0, 95)}g` }))), policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0.toUpperCase() })))],
    ],
  },
  {
    rule: "debug-image-pcr",
    cases: [
      ["PCR0 all zero in an Allow", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": ZEROS }))), policy(admins, enclave)],
      ["PCR2 all zero among others", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR2": ZEROS }))), policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR2": hex("app") })))],
      ["ImageSha384 all zero", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:ImageSha384": ZEROS }))), policy(admins, enclave, deny("*", "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": ZEROS } }))],
    ],
  },
  {
    rule: "pcr-never-set",
    cases: [
      ["PCR5", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR5": hex("5") }))), policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR4": hex("4") })))],
      ["PCR15 and PCR32", policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR15": hex("15"), "kms:RecipientAttestation:PCR32": hex("32") }))), policy(admins, allow(ROLE, "kms:Decrypt", pinned({ "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR16": hex("16") })))],
    ],
  },
  {
    rule: "single-measurement",
    cases: [
      ["PCR0 alone", policy(admins, allow(ROLE, "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0 } })), policy(admins, enclave)],
      ["ImageSha384 and PCR0 (one measurement twice)", policy(admins, allow(ROLE, "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:ImageSha384": PCR0 } })), policy(admins, allow(ROLE, "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0, "kms:RecipientAttestation:PCR8": PCR8 } }))],
      ["an account condition that any account meets", policy(admins, allow(ROLE, "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0 }, StringLike: { "aws:PrincipalAccount": "*" } })), policy(admins, allow(ROLE, "kms:Decrypt", { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": PCR0 }, StringEquals: { "aws:PrincipalAccount": ACCOUNT } }))],
    ],
  },
  {
    rule: "attestation-ignored",
    cases: [
      ["Encrypt beside Decrypt under a PCR condition", policy(admins, allow(ROLE, ["kms:Encrypt", "kms:Decrypt"], pinned())), policy(admins, enclave, allow(ROLE, "kms:Encrypt"))],
      ["kms:Sign under a PCR condition", policy(admins, enclave, allow(ROLE, "kms:Sign", pinned())), policy(admins, enclave, allow(ROLE, "kms:Sign"))],
      ["a Deny of ReEncrypt* on a missing attestation key", policy(admins, enclave, deny("*", "kms:ReEncrypt*", { Null: { "kms:RecipientAttestation:ImageSha384": "true" } })), policy(admins, enclave, deny("*", "kms:ReEncrypt*"))],
    ],
  },
  {
    rule: "admin-can-decrypt",
    cases: [
      ["an admin who may also decrypt without attestation", policy(admins, allow(ADMIN, "kms:Decrypt")), policy(admins, allow(ROLE, "kms:Decrypt", pinned()))],
      ["an admin who may create grants and decrypt with attestation", policy(allow(ADMIN, ["kms:CreateGrant", "kms:DescribeKey"]), allow(ADMIN, "kms:Decrypt", pinned())), policy(allow(ADMIN, ["kms:ListGrants", "kms:DescribeKey"]), allow(ADMIN, "kms:Decrypt", pinned()))],
      ["the account root with kms:*", policy(allow(ROOT, "kms:*")), policy(allow(ROOT, ["kms:DescribeKey", "kms:PutKeyPolicy", "kms:CreateGrant"]), enclave)],
    ],
  },
  {
    rule: "enclave-can-change-policy",
    cases: [
      ["the enclave role allowed PutKeyPolicy", policy(admins, enclave, allow(ROLE, "kms:PutKeyPolicy")), policy(admins, enclave, allow(ROLE, "kms:GetKeyPolicy"))],
      ["the enclave role allowed kms:Put* with the admins", policy(allow([ADMIN, ROLE], ["kms:Put*", "kms:DescribeKey"]), enclave), policy(allow([ADMIN, ROLE], ["kms:Put*", "kms:DescribeKey"]), enclave, deny(ROLE, "kms:PutKeyPolicy"))],
    ],
  },
])("$rule", ({ rule, cases }) => {
  test.each(cases as [string, string, string][])("%s: flagged; the close variant is not", (_what, flagged, variant) => {
    expect(rules(flagged)).toContain(rule);
    expect(rules(variant)).not.toContain(rule);
  });
});

describe("policies in the style of public reports", () => {
  const keyUsers = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
  const consoleAdmins = allow(ADMIN, [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*",
    "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
  ], undefined, { Sid: "Allow access for Key Administrators" });

  test("sdk-c #100: the console's default policy (root kms:*, admins, key users) beside an attested statement", () => {
    const findings = lintKeyPolicy(policy(
      allow(ROOT, "kms:*", undefined, { Sid: "Enable IAM User Permissions" }),
      consoleAdmins,
      allow(ROLE, keyUsers, undefined, { Sid: "Allow use of the key" }),
      allow(ROLE, "kms:Decrypt", pinned(), { Sid: "Enclave decrypt" }),
    ));
    const release = findings.filter((f) => f.rule === "unattested-release").map((f) => f.statement);
    expect(release).toEqual([{ index: 0, sid: "Enable IAM User Permissions" }, { index: 2, sid: "Allow use of the key" }]);
    expect(findings.find((f) => f.rule === "admin-can-decrypt")?.statement).toEqual({ index: 0, sid: "Enable IAM User Permissions" });
    expect(findings.every((f) => f.severity === "error" || f.severity === "warning")).toBe(true);
  });

  test("sdk-c #157: Encrypt and Decrypt under a PCR condition, and an unconditioned Allow to the instance role", () => {
    const instanceRole = `arn:aws:iam::${ACCOUNT}:role/ec2-instance`;
    const findings = lintKeyPolicy(policy(
      allow(ROOT, "kms:*", undefined, { Sid: "Enable IAM User Permissions" }),
      allow(ROLE, ["kms:Encrypt", "kms:Decrypt"], { StringEquals: { "kms:RecipientAttestation:PCR0": PCR0 } }, { Sid: "Allow enclave" }),
      allow(instanceRole, ["kms:Decrypt", "kms:GenerateDataKey"], undefined, { Sid: "Allow EC2 to use the key" }),
    ));
    const at = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.statement?.index);
    expect(at("unattested-release")).toEqual([0, 2]);
    expect(at("attestation-ignored")).toEqual([1]);
    expect(at("single-measurement")).toEqual([1]);
  });

  test("sdk-c #127: Principal * with kms:Put* and kms:Sign under ImageSha384", () => {
    const findings = lintKeyPolicy(policy(
      consoleAdmins,
      allow("*", ["kms:Put*", "kms:Sign"], { StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": PCR0 } }, { Sid: "Enable Enclave access" }),
    ));
    const at = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.statement?.index);
    expect(at("wildcard-principal")).toEqual([1]);
    expect(at("attestation-ignored")).toEqual([1]);
    // The condition never holds for PutKeyPolicy or Sign, so nobody gains either through it.
    expect(at("unattested-release")).toEqual([]);
  });
});

describe("findings", () => {
  test("name the rule, its severity, the statement by index and Sid, what is wrong and why", () => {
    const [finding] = lintKeyPolicy(policy(admins, allow(ROLE, "kms:Decrypt", undefined, { Sid: "Use" })));
    expect(finding).toEqual({
      rule: "unattested-release",
      severity: "error",
      statement: { index: 1, sid: "Use" },
      message: expect.stringContaining("kms:Decrypt"),
      why: expect.stringMatching(/attestation/i),
    });
  });

  test("a refused policy gets kms-local's reason; NotPrincipal is named per statement", () => {
    const findings = lintKeyPolicy(policy(admins, { ...enclave, Sid: "Everyone else", Principal: undefined, NotPrincipal: { AWS: ADMIN } }));
    expect(findings.map((f) => [f.rule, f.statement])).toEqual([["not-principal", { index: 1, sid: "Everyone else" }], ["policy-refused", undefined]]);
    expect(findings[1].message).toMatch(/^MalformedPolicyDocumentException: /);
    expect(lintKeyPolicy("{ not json").map((f) => f.rule)).toEqual(["policy-refused"]);
  });

  test("condition keys and operators are read case-insensitively, as IAM reads them", () => {
    const shouting = allow(ROLE, "kms:Decrypt", { stringequalsignorecaseifexists: { "KMS:RECIPIENTATTESTATION:PCR0": PCR0 } });
    expect(rules(policy(admins, shouting))).toEqual(expect.arrayContaining(["attestation-if-exists", "unattested-release"]));
  });
});
