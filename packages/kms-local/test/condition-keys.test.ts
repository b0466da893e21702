// The condition keys of one authorization, as IAM and KMS document their values: aws:CurrentTime in ISO
// 8601 (UTC, whole seconds), aws:EpochTime in seconds since 1970, aws:SecureTransport "false" over plain
// HTTP, kms:RecipientAttestation:* in lower-case hex; names match without regard to case (the evaluator
// lower-cases them); a key that is not defined, or not carried by this request, is absent.
import { RequestConditions } from "../src/condition-keys";

const caller = {
  accessKeyId: "ASIA1",
  arn: "arn:aws:sts::111122223333:assumed-role/app/s",
  principalArn: "arn:aws:iam::111122223333:role/app",
  account: "111122223333",
};
const request = { caller, sourceIp: "127.0.0.1", receivedAt: new Date(Date.UTC(2026, 0, 31, 12, 34, 56, 789)), secureTransport: false };

test("request keys", () => {
  const c = new RequestConditions({ request, region: "eu-west-1" });
  expect(c.get("aws:principalarn")).toEqual(["arn:aws:iam::111122223333:role/app"]);
  expect(c.get("aws:principalaccount")).toEqual(["111122223333"]);
  expect(c.get("kms:calleraccount")).toEqual(["111122223333"]);
  expect(c.get("aws:securetransport")).toEqual(["false"]);
  expect(new RequestConditions({ request: { ...request, secureTransport: true }, region: "eu-west-1" }).get("aws:securetransport")).toEqual(["true"]);
  const { sourceIp: _, ...offline } = request;
  expect(new RequestConditions({ request: offline, region: "eu-west-1" }).get("aws:sourceip")).toBeUndefined();
  expect(c.get("aws:requestedregion")).toEqual(["eu-west-1"]);
  expect(c.get("aws:sourceip")).toEqual(["127.0.0.1"]);
  expect(c.get("aws:currenttime")).toEqual(["2026-01-31T12:34:56Z"]);
  expect(c.get("aws:epochtime")).toEqual([String(Math.floor(Date.UTC(2026, 0, 31, 12, 34, 56) / 1000))]);
  for (const absent of ["kms:keyspec", "kms:keyusage", "kms:encryptionalgorithm", "kms:encryptioncontextkeys", "kms:encryptioncontext:a",
    "kms:recipientattestation:imagesha384", "kms:recipientattestation:pcr0", "aws:username", "kms:viaservice", "no:such"]) {
    expect({ absent, value: c.get(absent) }).toEqual({ absent, value: undefined });
  }
});

test("key, operation and attestation keys", () => {
  const pcr0 = Buffer.alloc(48, 0xab);
  const c = new RequestConditions({
    request,
    region: "us-east-1",
    key: { keySpec: "RSA_2048", keyUsage: "ENCRYPT_DECRYPT" },
    operation: { encryptionAlgorithm: "RSAES_OAEP_SHA_256", encryptionContext: { Tenant: "blue", app: "x" } },
    attestationPcrs: new Map([[0, pcr0], [8, Buffer.alloc(48, 1)]]),
  });
  expect(c.get("kms:keyspec")).toEqual(["RSA_2048"]);
  expect(c.get("kms:keyusage")).toEqual(["ENCRYPT_DECRYPT"]);
  expect(c.get("kms:encryptionalgorithm")).toEqual(["RSAES_OAEP_SHA_256"]);
  expect(c.get("kms:encryptioncontextkeys")).toEqual(["Tenant", "app"]);
  expect(c.get("kms:encryptioncontext:tenant")).toEqual(["blue"]);
  expect(c.get("kms:recipientattestation:imagesha384")).toEqual(["ab".repeat(48)]);
  expect(c.get("kms:recipientattestation:pcr0")).toEqual(["ab".repeat(48)]);
  expect(c.get("kms:recipientattestation:pcr8")).toEqual(["01".repeat(48)]);
  expect(c.get("kms:recipientattestation:pcr1")).toBeUndefined();
  expect(c.get("kms:recipientattestation:pcr08")).toBeUndefined();
});
