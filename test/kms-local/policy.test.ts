// Key policies end to end, through the unchanged official @aws-sdk/client-kms: what CreateKey and
// PutKeyPolicy refuse (the KMS API reference: LimitExceededException over the 32 KiB quota,
// MalformedPolicyDocumentException for a malformed document; statements without Action or Resource
// accepted but ineffective), and decisions that depend on IAM's evaluation rules.
import { CreateKeyCommand, DecryptCommand, EncryptCommand, PutKeyPolicyCommand, type KMSClient } from "official-client-kms";
import { officialClient, startKmsLocal } from "./helpers";

const ACCOUNT = "111122223333";
const USER = `arn:aws:iam::${ACCOUNT}:user/kms-local`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/enclave-parent/i-0123456789abcdef0`;

let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let client: KMSClient;
let session: KMSClient;
beforeAll(async () => {
  kms = await startKmsLocal({
    credentials: [
      { accessKeyId: "kms-local", secretAccessKey: "kms-local", arn: USER },
      { accessKeyId: "ASIASESSION", secretAccessKey: "session-secret", sessionToken: "session-token", arn: SESSION },
    ],
  });
  client = kms.client;
  session = officialClient(kms.local.endpoint, { credentials: { accessKeyId: "ASIASESSION", secretAccessKey: "session-secret", sessionToken: "session-token" } });
});
afterAll(async () => {
  session.destroy();
  await kms.close();
});

/** Expects the call to fail with a KMS error of that name (and message, if given). */
const refused = (call: Promise<unknown>, name: string, message?: string) =>
  expect(call).rejects.toMatchObject({ name, ...(message === undefined ? {} : { message }), $metadata: { httpStatusCode: 400 } });

const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
/** Lets the kms-local user manage the key (so the lockout check passes) and do everything but Decrypt. */
const ADMIN = { Sid: "Admin", Effect: "Allow", Principal: { AWS: USER }, NotAction: "kms:Decrypt", Resource: "*" };
const allowDecrypt = (extra: object = {}) => ({ Effect: "Allow", Principal: { AWS: USER }, Action: "kms:Decrypt", Resource: "*", ...extra });

const newKey = async () => (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
/** A key under `policy`, and a ciphertext of it (encrypted while the key had its default policy). */
async function keyUnder(policy: string, encryptionContext?: Record<string, string>) {
  const meta = await newKey();
  const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("secret"), EncryptionContext: encryptionContext }));
  await client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: policy }));
  return { ...meta, decrypt: (by = client) => by.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: encryptionContext })) };
}

describe("what CreateKey and PutKeyPolicy refuse", () => {
  /** A valid policy of exactly `bytes` bytes, padded with spaces. */
  const ofSize = (bytes: number) => {
    const text = document(ADMIN, allowDecrypt());
    return text.slice(0, -1) + " ".repeat(bytes - Buffer.byteLength(text)) + "}";
  };

  test("a policy over 32 KiB is a LimitExceededException; one of exactly 32 KiB is accepted", async () => {
    const meta = await newKey();
    await refused(client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: ofSize(33 * 1024) })), "LimitExceededException");
    await refused(client.send(new CreateKeyCommand({ Policy: ofSize(32769) })), "LimitExceededException");
    await client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: ofSize(32768) }));
    await client.send(new CreateKeyCommand({ Policy: ofSize(32768) }));
  });

  test.each([
    ["an unknown condition operator", document(ADMIN, allowDecrypt({ Condition: { StringEqualz: { "kms:CallerAccount": ACCOUNT } } }))],
    ["an unknown statement element", document(ADMIN, allowDecrypt({ Notes: "x" }))],
    ["an unknown top-level element", JSON.stringify({ Version: "2012-10-17", Statement: [ADMIN], Comment: "x" })],
    ["another Version", JSON.stringify({ Version: "2012-10-18", Statement: [ADMIN] })],
    ["a statement with two Effects", document(ADMIN).replace('"Effect":"Allow"', '"Effect":"Deny","Effect":"Allow"')],
    ["a date that is not one", document(ADMIN, allowDecrypt({ Condition: { DateLessThan: { "aws:CurrentTime": "tomorrow" } } }))],
  ])("a policy with %s is a MalformedPolicyDocumentException", async (_what, policy) => {
    const meta = await newKey();
    await refused(client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: policy })), "MalformedPolicyDocumentException");
    await refused(client.send(new CreateKeyCommand({ Policy: policy })), "MalformedPolicyDocumentException");
  });

  test("statements without Action or without Resource are accepted, and have no effect", async () => {
    const noResource = { Effect: "Deny", Principal: "*", Action: "kms:Decrypt" };
    const noAction = { Effect: "Deny", Principal: "*", Resource: "*" };
    const key = await keyUnder(document(ADMIN, allowDecrypt(), noResource, noAction));
    expect(Buffer.from((await key.decrypt()).Plaintext!).toString()).toBe("secret");
    // An Allow without Resource grants nothing either.
    const key2 = await keyUnder(document(ADMIN, allowDecrypt({ Resource: undefined })));
    await refused(key2.decrypt(), "AccessDeniedException",
      `User: ${USER} is not authorized to perform: kms:Decrypt on resource: ${key2.Arn} because no resource-based policy allows the kms:Decrypt action`);
  });
});

describe("decisions", () => {
  test("ForAnyValue:StringNotEquals on an attestation key a request lacks does not allow; ForAllValues does", async () => {
    const image = { "kms:RecipientAttestation:ImageSha384": "00".repeat(48) };
    const anyValue = await keyUnder(document(ADMIN, allowDecrypt({ Condition: { "ForAnyValue:StringNotEquals": image } })));
    await refused(anyValue.decrypt(), "AccessDeniedException");
    const allValues = await keyUnder(document(ADMIN, allowDecrypt({ Condition: { "ForAllValues:StringNotEquals": image } })));
    await allValues.decrypt();
  });

  test("Resource is matched against the key's ARN: a Deny naming another key does not apply, one naming this key does", async () => {
    const other = await newKey();
    const denyOn = (arn: string) => ({ Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: arn });
    const unaffected = await keyUnder(document(ADMIN, allowDecrypt(), denyOn(other.Arn!)));
    await unaffected.decrypt();
    const key = await keyUnder(document(ADMIN, allowDecrypt()));
    await client.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: document(ADMIN, allowDecrypt(), denyOn(key.Arn!)) }));
    await refused(key.decrypt(), "AccessDeniedException",
      `User: ${USER} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} with an explicit deny in a resource-based policy`);
    await client.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: document(ADMIN, allowDecrypt(), denyOn(`arn:aws:kms:us-east-1:${ACCOUNT}:key/*`)) }));
    await refused(key.decrypt(), "AccessDeniedException");
  });

  test("an assumed-role session ARN as Principal matches that session's credentials", async () => {
    const key = await keyUnder(document(ADMIN, allowDecrypt({ Principal: { AWS: SESSION } })));
    expect(Buffer.from((await key.decrypt(session)).Plaintext!).toString()).toBe("secret");
    await refused(key.decrypt(), "AccessDeniedException");
  });

  test("Numeric, Date and IpAddress conditions compare encryption context values", async () => {
    const context = { level: "3", expires: "2030-01-01T00:00:00Z", client: "203.0.113.7" };
    const within = {
      NumericLessThanEquals: { "kms:EncryptionContext:level": 3 },
      DateGreaterThan: { "kms:EncryptionContext:expires": "2029-12-31T23:59:59Z" },
      IpAddress: { "kms:EncryptionContext:client": "203.0.113.0/24" },
    };
    await (await keyUnder(document(ADMIN, allowDecrypt({ Condition: within })), context)).decrypt();
    for (const [operator, block] of [
      ["NumericLessThan", { "kms:EncryptionContext:level": "3" }],
      ["DateGreaterThan", { "kms:EncryptionContext:expires": "1893456000" }],
      ["NotIpAddress", { "kms:EncryptionContext:client": "203.0.113.0/24" }],
    ] as const) {
      const key = await keyUnder(document(ADMIN, allowDecrypt({ Condition: { [operator]: block } })), context);
      await refused(key.decrypt(), "AccessDeniedException");
    }
  });
});
