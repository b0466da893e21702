// Who calls, and what a key policy can see of a request, through the official SDK:
//  - credentials that act as an assumed-role session (an instance role, a role assumed with STS): requests
//    carry the session token; refusals name the session ARN ("User: arn:aws:sts::...:assumed-role/ROLE/
//    SESSION"), and aws:PrincipalArn is the role's ARN, as IAM documents for role sessions;
//  - the condition keys kms:EncryptionAlgorithm, kms:KeySpec, kms:KeyUsage, aws:SecureTransport,
//    aws:RequestedRegion and aws:SourceIp; a condition key no one defines is absent (Null: true).
import {
  CreateKeyCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient,
} from "official-client-kms";
import { officialClient, startKmsLocal } from "./helpers";

const ACCOUNT = "111122223333";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/i-0123456789abcdef0`;
const PATH_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/pathed/build-42`;
const APP = { accessKeyId: "ASIAAPPSESSION", secretAccessKey: "app-secret", sessionToken: "app-session-token" };
const PATHED = { accessKeyId: "ASIAPATHED", secretAccessKey: "pathed-secret", sessionToken: "pathed-token" };

let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let app: KMSClient;
let pathed: KMSClient;
beforeAll(async () => {
  kms = await startKmsLocal({
    credentials: [
      { accessKeyId: "kms-local", secretAccessKey: "kms-local", arn: `arn:aws:iam::${ACCOUNT}:user/kms-local` },
      { ...APP, arn: SESSION },
      { ...PATHED, arn: PATH_SESSION, principalArn: `arn:aws:iam::${ACCOUNT}:role/team/ci/pathed` },
    ],
  });
  app = officialClient(kms.local.endpoint, { credentials: APP });
  pathed = officialClient(kms.local.endpoint, { credentials: PATHED });
});
afterAll(async () => {
  app.destroy();
  pathed.destroy();
  await kms.close();
});

const outcome = (p: Promise<unknown>) => p.then(() => "allowed", (e: Error) => (e.name === "AccessDeniedException" ? "denied" : `${e.name}: ${e.message}`));

/** A key whose policy lets the account administer it, and allows `action` only under `condition`. */
async function keyAllowing(action: string, condition: object, createInput: object = {}) {
  const Policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "admin", Effect: "Allow", Principal: { AWS: ROOT }, Action: ["kms:PutKeyPolicy", "kms:GetKeyPolicy"], Resource: "*" },
      { Sid: "under test", Effect: "Allow", Principal: { AWS: ROOT }, Action: action, Resource: "*", Condition: condition },
    ],
  });
  return (await kms.client.send(new CreateKeyCommand({ Policy, ...createInput }))).KeyMetadata!.KeyId!;
}

describe("assumed-role sessions", () => {
  test("a session's requests need its session token", async () => {
    const key = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await expect(app.send(new DescribeKeyCommand({ KeyId: key }))).resolves.toBeDefined();
    const { sessionToken: _token, ...withoutToken } = APP;
    const tokenless = officialClient(kms.local.endpoint, { credentials: withoutToken });
    await expect(tokenless.send(new DescribeKeyCommand({ KeyId: key }))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
    tokenless.destroy();
  });

  test("aws:PrincipalArn is the role's ARN, not the session's; refusals name the session", async () => {
    const key = await keyAllowing("kms:Encrypt", { StringEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/app` } });
    expect(await outcome(app.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from("x") })))).toBe("allowed");
    const bySession = await keyAllowing("kms:Encrypt", { StringEquals: { "aws:PrincipalArn": SESSION } });
    await expect(app.send(new EncryptCommand({ KeyId: bySession, Plaintext: Buffer.from("x") }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: `User: ${SESSION} is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:us-east-1:${ACCOUNT}:key/${bySession} because no resource-based policy allows the kms:Encrypt action`,
    });
  });

  test("a role with a path: aws:PrincipalArn carries the path the session ARN does not show", async () => {
    const key = await keyAllowing("kms:Encrypt", { StringEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/team/ci/pathed` } });
    expect(await outcome(pathed.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from("x") })))).toBe("allowed");
    expect(await outcome(app.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from("x") })))).toBe("denied");
  });
});

describe("condition keys", () => {
  test("kms:EncryptionAlgorithm", async () => {
    const key = await keyAllowing("kms:Encrypt", { StringEquals: { "kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256" } }, { KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    const encrypt = (EncryptionAlgorithm: "RSAES_OAEP_SHA_256" | "RSAES_OAEP_SHA_1") => kms.client.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from("x"), EncryptionAlgorithm }));
    expect(await outcome(encrypt("RSAES_OAEP_SHA_256"))).toBe("allowed");
    expect(await outcome(encrypt("RSAES_OAEP_SHA_1"))).toBe("denied");
    // A data key is wrapped with SYMMETRIC_DEFAULT, and an Encrypt that names no algorithm uses it.
    const symmetric = await keyAllowing("kms:*", { StringEquals: { "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT" } });
    expect(await outcome(kms.client.send(new GenerateDataKeyCommand({ KeyId: symmetric, NumberOfBytes: 32 })))).toBe("allowed");
    expect(await outcome(kms.client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: Buffer.from("x") })))).toBe("allowed");
  });

  test("kms:KeySpec and kms:KeyUsage are the key's", async () => {
    const symmetric = await keyAllowing("kms:DescribeKey", { StringEquals: { "kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT" } });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: symmetric })))).toBe("allowed");
    const signing = await keyAllowing("kms:DescribeKey", { StringEquals: { "kms:KeySpec": "SYMMETRIC_DEFAULT" } }, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: signing })))).toBe("denied");
    const byUsage = await keyAllowing("kms:DescribeKey", { StringEquals: { "kms:KeyUsage": "SIGN_VERIFY" } }, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: byUsage })))).toBe("allowed");
  });

  test("aws:SecureTransport is false (plain HTTP): the usual deny-without-TLS statement denies", async () => {
    const key = await keyAllowing("kms:DescribeKey", {});
    const withDeny = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "kms:Encrypt", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    });
    const denying = (await kms.client.send(new CreateKeyCommand({ Policy: withDeny }))).KeyMetadata!.KeyId!;
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: key })))).toBe("allowed");
    expect(await outcome(kms.client.send(new EncryptCommand({ KeyId: denying, Plaintext: Buffer.from("x") })))).toBe("denied");
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: denying })))).toBe("allowed");
  });

  test("aws:RequestedRegion and aws:SourceIp", async () => {
    const here = await keyAllowing("kms:DescribeKey", { StringEquals: { "aws:RequestedRegion": "us-east-1", "aws:SourceIp": "127.0.0.1" } });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: here })))).toBe("allowed");
    const elsewhere = await keyAllowing("kms:DescribeKey", { StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: elsewhere })))).toBe("denied");
  });

  test("a condition key no one defines is absent", async () => {
    const key = await keyAllowing("kms:DescribeKey", { Null: { "kms:NoSuchConditionKey": "true", "aws:NoSuchKey": "true" } });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: key })))).toBe("allowed");
    const needsIt = await keyAllowing("kms:DescribeKey", { StringLike: { "kms:NoSuchConditionKey": "*" } });
    expect(await outcome(kms.client.send(new DescribeKeyCommand({ KeyId: needsIt })))).toBe("denied");
  });
});
