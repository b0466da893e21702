// Outside input that is wrong in every way we could think of gets a KMS-style 4xx with a typed error,
// never a crash, a hang or a 500. Bodies are signed properly (by the official SDK, with the body swapped
// before signing) so that each case reaches the part of kms-local it is aimed at.
import { connect, type Socket } from "node:net";
import { CreateKeyCommand, ListKeysCommand, KMSClient } from "official-client-kms";
import { officialClient, rawRequest, signedBy, startKmsLocal } from "./helpers";

let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let keyId: string;
beforeAll(async () => {
  kms = await startKmsLocal({ maxBodyBytes: 64 * 1024 });
  keyId = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
});
afterAll(() => kms.close());

/** Sends `body` as the signed body of a request for `operation`, and returns the error kms-local answers with. */
async function send(operation: string, body: string | Buffer) {
  const client: KMSClient = officialClient(kms.local.endpoint);
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body: unknown; headers: Record<string, string> };
      request.body = body;
      request.headers["x-amz-target"] = `TrentService.${operation}`;
      request.headers["content-length"] = String(Buffer.byteLength(body));
      return next(args);
    },
    { step: "build", priority: "low" },
  );
  try {
    await client.send(new ListKeysCommand({}));
    return { name: "none", status: 200, message: "" };
  } catch (e) {
    const err = e as Error & { $metadata: { httpStatusCode: number } };
    return { name: err.name, status: err.$metadata.httpStatusCode, message: err.message };
  } finally {
    client.destroy();
  }
}

test.each([
  ["malformed JSON", "Decrypt", "{not json", "SerializationException"],
  ["a JSON array", "Decrypt", "[1,2]", "SerializationException"],
  ["a JSON string", "Decrypt", '"x"', "SerializationException"],
  ["truncated JSON", "Encrypt", `{"KeyId":"${"k".repeat(10)}`, "SerializationException"],
  ["deeply nested JSON", "Encrypt", "[".repeat(60_000) + "]".repeat(60_000), "SerializationException"],
  ["a number where a string belongs", "Encrypt", '{"KeyId":5,"Plaintext":"eA=="}', "SerializationException"],
  ["a string where an integer belongs", "GenerateDataKey", '{"KeyId":"alias/x","NumberOfBytes":"32"}', "SerializationException"],
  ["a fraction where an integer belongs", "GenerateRandom", '{"NumberOfBytes":3.5}', "SerializationException"],
  ["an object where a map of strings belongs", "Encrypt", '{"KeyId":"alias/x","Plaintext":"eA==","EncryptionContext":{"a":{"b":1}}}', "SerializationException"],
  ["bad base64", "Decrypt", '{"CiphertextBlob":"not base64!!"}', "SerializationException"],
  ["base64 with bad padding", "Decrypt", '{"CiphertextBlob":"eA="}', "SerializationException"],
  ["a boolean where a blob belongs", "Decrypt", '{"CiphertextBlob":true}', "SerializationException"],
  ["a missing required member", "Encrypt", '{"Plaintext":"eA=="}', "ValidationException"],
  ["an empty blob", "Encrypt", '{"KeyId":"alias/x","Plaintext":""}', "ValidationException"],
  ["an oversized plaintext", "Encrypt", JSON.stringify({ KeyId: "alias/x", Plaintext: Buffer.alloc(4097).toString("base64") }), "ValidationException"],
  ["an unknown enum value", "Encrypt", '{"KeyId":"alias/x","Plaintext":"eA==","EncryptionAlgorithm":"ROT13"}', "ValidationException"],
  ["a Recipient without a document", "Decrypt", '{"CiphertextBlob":"eA==","KeyId":"alias/nope","Recipient":{}}', "ValidationException"],
  ["a Recipient that is a string", "GenerateDataKey", '{"KeyId":"alias/nope","NumberOfBytes":32,"Recipient":"doc"}', "SerializationException"],
  ["a Recipient with another algorithm", "GenerateRandom", '{"NumberOfBytes":32,"Recipient":{"KeyEncryptionAlgorithm":"RSAES_PKCS1","AttestationDocument":"eA=="}}', "ValidationException"],
  ["a Recipient document that is no attestation", "GenerateRandom", '{"NumberOfBytes":32,"Recipient":{"AttestationDocument":"eA=="}}', "ValidationException"],
  ["an unknown key id", "Encrypt", '{"KeyId":"12345678-1234-1234-1234-123456789012","Plaintext":"eA=="}', "NotFoundException"],
  ["an unknown alias", "Encrypt", '{"KeyId":"alias/nope","Plaintext":"eA=="}', "NotFoundException"],
  ["a key id that is no key id", "DescribeKey", '{"KeyId":"../../etc/passwd"}', "NotFoundException"],
  ["a malformed ARN", "DescribeKey", '{"KeyId":"arn:aws:kms:nowhere"}', "InvalidArnException"],
  ["an unimplemented operation", "CreateGrant", "{}", "UnsupportedOperationException"],
  ["an unknown operation", "MakeCoffee", "{}", "UnknownOperationException"],
])("%s -> %s", async (_what, operation, body, expected) => {
  const r = await send(operation, body);
  expect(r.name).toBe(expected);
  expect(r.status).toBe(400); // every client error, as KMS's JSON endpoint answers it
});

test("a body over the size limit is refused without being read whole", async () => {
  const big = JSON.stringify({ KeyId: keyId, Plaintext: Buffer.alloc(100 * 1024).toString("base64") });
  const r = await send("Encrypt", big);
  expect(r).toMatchObject({ name: "SerializationException", status: 400 });
  expect(r.message).toContain("65536-byte limit");
  // A client that announces a huge body and sends nothing gets its answer at once.
  const res = await rawRequest(kms.local.endpoint, { headers: { "content-length": String(10 * 1024 * 1024), "x-amz-target": "TrentService.Encrypt" }, body: "" }).catch((e) => e);
  if (!(res instanceof Error)) expect(res.json?.__type).toBe("SerializationException");
});

test("requests that are not AWS JSON at all", async () => {
  const get = await rawRequest(kms.local.endpoint, { method: "GET" });
  expect(get.status).toBe(400);
  expect(get.json?.__type).toBe("UnsupportedOperationException");
  const garbage = await rawRequest(kms.local.endpoint, { body: Buffer.from([0, 1, 2, 255]) });
  expect(garbage.json?.__type).toBe("MissingAuthenticationTokenException");
  const signed = await signedBy(kms.local.endpoint, new ListKeysCommand({}));
  const wrongType = await rawRequest(kms.local.endpoint, { headers: { ...signed.headers, "content-type": "text/plain" }, body: signed.body });
  expect(wrongType.json?.__type).toBe("SerializationException");
});

test("clients that stall mid-headers or mid-body hold up nobody else", async () => {
  const url = new URL(kms.local.endpoint);
  const stalled = await Promise.all([
    "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar",
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n{"Key',
  ].map((text) => new Promise<Socket>((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text, () => resolve(socket)));
    socket.on("error", () => undefined);
  })));
  try {
    const keys = await kms.client.send(new ListKeysCommand({}));
    expect(keys.Keys!.length).toBeGreaterThan(0);
  } finally {
    for (const socket of stalled) socket.destroy();
  }
});

test("kms-local is still serving after all of the above", async () => {
  const keys = await kms.client.send(new ListKeysCommand({}));
  expect(keys.Keys!.map((k) => k.KeyId)).toContain(keyId);
});
