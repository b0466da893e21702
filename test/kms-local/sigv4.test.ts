// SigV4 as KMS checks it: requests signed by the official SDK verify; the same request with one byte
// changed anywhere that is signed does not; unknown access keys, missing signatures and skewed clocks
// are refused with AWS's errors.
import { CreateKeyCommand, EncryptCommand, ListKeysCommand } from "official-client-kms";
import { officialClient, rawRequest, signedBy, startKmsLocal } from "./helpers";

let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let keyId: string;
beforeAll(async () => {
  kms = await startKmsLocal({
    credentials: [
      { accessKeyId: "kms-local", secretAccessKey: "kms-local", arn: "arn:aws:iam::111122223333:user/kms-local" },
      { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", arn: "arn:aws:iam::111122223333:user/alice" },
    ],
  });
  keyId = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
});
afterAll(() => kms.close());

const encrypt = () => new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("signed payload"), EncryptionContext: { a: "b" } });

test("a request signed by the official SDK verifies, and can be sent as is", async () => {
  const signed = await signedBy(kms.local.endpoint, encrypt());
  expect(signed.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=kms-local\/\d{8}\/us-east-1\/kms\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/);
  const res = await rawRequest(kms.local.endpoint, { headers: signed.headers, body: signed.body });
  expect(res.status).toBe(200);
  expect(res.headers["x-amzn-requestid"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers["content-type"]).toBe("application/x-amz-json-1.1");
  // One Date header (the SDKs correct their clock from it).
  expect(Math.abs(Date.parse(String(res.headers.date)) - Date.now())).toBeLessThan(5_000);
  expect(res.json!.KeyId).toBe(`arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
});

test("changing any one byte of the body, a signed header or the signature is InvalidSignatureException", async () => {
  const signed = await signedBy(kms.local.endpoint, encrypt());
  const body = Buffer.from(signed.body);
  const cases: { name: string; headers: Record<string, string>; body: Buffer }[] = [];
  for (const i of [0, Math.floor(body.length / 2), body.length - 2]) {
    const b = Buffer.from(body);
    b[i] = b[i] === 0x41 ? 0x42 : 0x41;
    cases.push({ name: `body byte ${i}`, headers: signed.headers, body: b });
  }
  const sig = signed.headers.authorization;
  const flipped = sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0");
  cases.push({ name: "signature", headers: { ...signed.headers, authorization: flipped }, body });
  cases.push({ name: "x-amz-target", headers: { ...signed.headers, "x-amz-target": "TrentService.Encrypu" }, body });
  cases.push({ name: "content-type", headers: { ...signed.headers, "content-type": "application/x-amz-json-1.0" }, body });
  const date = signed.headers["x-amz-date"];
  const otherSecond = date.slice(0, -3) + String((Number(date.slice(-3, -1)) + 1) % 60).padStart(2, "0") + "Z";
  cases.push({ name: "x-amz-date", headers: { ...signed.headers, "x-amz-date": otherSecond }, body });
  for (const c of cases) {
    const res = await rawRequest(kms.local.endpoint, { headers: c.headers, body: c.body });
    expect({ case: c.name, status: res.status, type: res.json?.__type }).toEqual({ case: c.name, status: 400, type: "InvalidSignatureException" });
  }
});

test("a wrong secret key is InvalidSignatureException; an unknown access key is UnrecognizedClientException", async () => {
  const wrongSecret = officialClient(kms.local.endpoint, { credentials: { accessKeyId: "kms-local", secretAccessKey: "nope" } });
  await expect(wrongSecret.send(new ListKeysCommand({}))).rejects.toMatchObject({
    name: "InvalidSignatureException",
    message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  });
  const stranger = officialClient(kms.local.endpoint, { credentials: { accessKeyId: "AKIDNOBODY", secretAccessKey: "x" } });
  await expect(stranger.send(new ListKeysCommand({}))).rejects.toMatchObject({
    name: "UnrecognizedClientException",
    message: "The security token included in the request is invalid.",
  });
});

test("each credential acts as its own principal", async () => {
  const alice = officialClient(kms.local.endpoint, { credentials: { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret" } });
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:user/kms-local" }, Action: "kms:*", Resource: "*" },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:user/alice" }, Action: "kms:Encrypt", Resource: "*" },
    ],
  });
  const id = (await kms.client.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!.KeyId!;
  await alice.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from("x") }));
  // The same policy would lock alice out of her own key: refused by the lockout safety check.
  await expect(alice.send(new CreateKeyCommand({ Policy: policy }))).rejects.toMatchObject({ name: "MalformedPolicyDocumentException" });
  const { DescribeKeyCommand } = await import("official-client-kms");
  await expect(alice.send(new DescribeKeyCommand({ KeyId: id }))).rejects.toMatchObject({
    name: "AccessDeniedException",
    message: expect.stringContaining("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:DescribeKey"),
  });
});

test("a clock more than 5 minutes off is refused as AWS refuses it", async () => {
  for (const [offset, pattern] of [
    [-10 * 60_000, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/],
    [10 * 60_000, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/],
  ] as const) {
    const skewed = officialClient(kms.local.endpoint, { systemClockOffset: offset });
    await expect(skewed.send(new ListKeysCommand({}))).rejects.toMatchObject({ name: "InvalidSignatureException", message: expect.stringMatching(pattern) });
  }
  const slightlyOff = officialClient(kms.local.endpoint, { systemClockOffset: 2 * 60_000 });
  await expect(slightlyOff.send(new ListKeysCommand({}))).resolves.toBeDefined();
});

test("no Authorization header is MissingAuthenticationTokenException; a malformed one IncompleteSignatureException", async () => {
  const signed = await signedBy(kms.local.endpoint, new ListKeysCommand({}));
  const { authorization: _a, ...unsigned } = signed.headers;
  const missing = await rawRequest(kms.local.endpoint, { headers: unsigned, body: signed.body });
  expect(missing.status).toBe(403);
  expect(missing.json).toEqual({ __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
  const malformed = await rawRequest(kms.local.endpoint, { headers: { ...signed.headers, authorization: "AWS4-HMAC-SHA256 Credential=kms-local" }, body: signed.body });
  expect(malformed.json?.__type).toBe("IncompleteSignatureException");
  const wrongRegion = await signedBy(kms.local.endpoint, new ListKeysCommand({}), { region: "eu-west-1" });
  const res = await rawRequest(kms.local.endpoint, { headers: wrongRegion.headers, body: wrongRegion.body });
  expect(res.json?.__type).toBe("InvalidSignatureException");
});
