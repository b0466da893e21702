// The requests policy simulate builds, checked against IAM's documented condition keys: a session's
// aws:PrincipalArn is its role, kms:CallerAccount and aws:PrincipalAccount are the caller's account, encryption
// context keys are matched case-insensitively as condition keys and their values case-sensitively.
import { parseKeyPolicy } from "@nitro-enclaves-sdk/kms-local";
import { UsageError } from "../src/errors";
import { simulateKeyPolicy, type SimulatedRequest } from "../src/policy/simulate";

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app/enclave`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/enclave/i-0abc`;
const policy = (condition: object, principal: string = `arn:aws:iam::${ACCOUNT}:root`) => parseKeyPolicy(JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "kms:Decrypt", Resource: "*", Condition: condition }],
}));
const allowed = (condition: object, request: Partial<SimulatedRequest>) =>
  simulateKeyPolicy(policy(condition), { caller: SESSION, action: "kms:Decrypt", ...request }).allowed;

test("a session's aws:PrincipalArn is its role's ARN (without the path, which a session ARN lacks)", () => {
  expect(allowed({ ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/enclave` } }, {})).toBe(true);
  expect(allowed({ ArnEquals: { "aws:PrincipalArn": ROLE } }, {})).toBe(false);
  expect(allowed({ ArnEquals: { "aws:PrincipalArn": ROLE } }, { caller: ROLE })).toBe(true);
});

test("kms:CallerAccount and aws:PrincipalAccount are the caller's account", () => {
  expect(allowed({ StringEquals: { "kms:CallerAccount": ACCOUNT, "aws:PrincipalAccount": ACCOUNT } }, {})).toBe(true);
  expect(allowed({ StringEquals: { "kms:CallerAccount": "444455556666" } }, {})).toBe(false);
});

test("encryption context: keys case-insensitive, values case-sensitive, kms:EncryptionContextKeys lists the keys", () => {
  const context = new Map([["Tenant", "T-1"]]);
  expect(allowed({ StringEquals: { "kms:EncryptionContext:tenant": "T-1" } }, { encryptionContext: context })).toBe(true);
  expect(allowed({ StringEquals: { "kms:EncryptionContext:tenant": "t-1" } }, { encryptionContext: context })).toBe(false);
  expect(allowed({ "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["Tenant"] } }, { encryptionContext: context })).toBe(true);
  expect(allowed({ Null: { "kms:EncryptionContextKeys": "true" } }, {})).toBe(true);
});

test("a statement naming a session matches only that session", () => {
  const p = policy({}, SESSION);
  expect(simulateKeyPolicy(p, { caller: SESSION, action: "kms:Decrypt" }).allowed).toBe(true);
  expect(simulateKeyPolicy(p, { caller: `arn:aws:sts::${ACCOUNT}:assumed-role/enclave/i-0def`, action: "kms:Decrypt" }).allowed).toBe(false);
});

test("the request is read through its own properties: a polluted prototype adds no attestation", () => {
  const p = policy({ StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": "a".repeat(96) } });
  Object.assign(Object.prototype, { attestationPcrs: new Map([[0, Buffer.from("a".repeat(96), "hex")]]) });
  try {
    expect(simulateKeyPolicy(p, { caller: SESSION, action: "kms:Decrypt" }).allowed).toBe(false);
  } finally {
    delete (Object.prototype as Record<string, unknown>).attestationPcrs;
  }
  expect(simulateKeyPolicy(p, { caller: SESSION, action: "kms:Decrypt", attestationPcrs: new Map([[0, Buffer.from("a".repeat(96), "hex")]]) }).allowed).toBe(true);
});

test.each<[string, Partial<SimulatedRequest>]>([
  ["a caller that is not an ARN", { caller: "enclave" }],
  ["an unknown action", { action: "kms:Decrypts" }],
  ["a key ARN of another service", { keyArn: "arn:aws:s3:::bucket" }],
  ["attestation PCRs that are not a Map", { attestationPcrs: {} as never }],
  ["attestation PCRs keyed by text", { attestationPcrs: new Map([["0", new Uint8Array(48)]]) as never }],
])("%s is a UsageError", (_what, request) => {
  expect(() => simulateKeyPolicy(policy({}), { caller: SESSION, action: "kms:Decrypt", ...request })).toThrow(UsageError);
});
