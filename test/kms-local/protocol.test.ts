// KMS's JSON endpoint as it answers, not as the Smithy model's httpError traits say: client errors are
// HTTP 400 (NotFoundException, AlreadyExistsException, DisabledException, KMSInvalidStateException
// included), DryRunOperationException 412; an X-Amz-Target that names no KMS operation is
// UnknownOperationException; headers over the limit get 431 Request Header Fields Too Large; the
// KeyMaterialId members of the current model are filled as the KMS API reference describes them.
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand,
  GenerateDataKeyCommand, GenerateDataKeyPairWithoutPlaintextCommand, GenerateDataKeyWithoutPlaintextCommand,
  CancelKeyDeletionCommand, ReEncryptCommand, KMSClient,
} from "official-client-kms";
import { generateKeyPairSync } from "node:crypto";
import { NsmClient } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { rawRequest, startKmsLocal } from "./helpers";

const ca = createSimulatorCa();
let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let client: KMSClient;
beforeAll(async () => {
  kms = await startKmsLocal({ trustedRoots: [ca.certificate] });
  client = kms.client;
});
afterAll(() => kms.close());

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata.httpStatusCode };
  }
  throw new Error("expected the call to fail");
};

test("client errors are HTTP 400, DryRun 412", async () => {
  const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await client.send(new CreateAliasCommand({ AliasName: "alias/status", TargetKeyId: key }));
  expect(await failure(client.send(new DescribeKeyCommand({ KeyId: "alias/none" })))).toEqual({ name: "NotFoundException", status: 400 });
  expect(await failure(client.send(new CreateAliasCommand({ AliasName: "alias/status", TargetKeyId: key })))).toEqual({ name: "AlreadyExistsException", status: 400 });
  expect(await failure(client.send(new CancelKeyDeletionCommand({ KeyId: key })))).toEqual({ name: "KMSInvalidStateException", status: 400 });
  expect(await failure(client.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from("x"), DryRun: true })))).toEqual({ name: "DryRunOperationException", status: 412 });
  await client.send(new DisableKeyCommand({ KeyId: key }));
  expect(await failure(client.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from("x") })))).toEqual({ name: "DisabledException", status: 400 });
});

test("an X-Amz-Target naming no KMS operation is UnknownOperationException; a KMS operation kms-local lacks is UnsupportedOperationException", async () => {
  for (const [target, type] of [["TrentService.MakeCoffee", "UnknownOperationException"], ["Other.DescribeKey", "UnknownOperationException"], ["TrentService.CreateGrant", "UnsupportedOperationException"]]) {
    // X-Amz-Target is signed: sign a request that carries the target under test.
    const r = await rawRequest(kms.local.endpoint, await signedWithTarget(target));
    expect({ target, status: r.status, type: r.json?.__type }).toEqual({ target, status: 400, type });
  }
});

/** A DescribeKey request signed with another X-Amz-Target. */
async function signedWithTarget(target: string) {
  let captured: { headers: Record<string, string>; body: string } | undefined;
  const c = new KMSClient({ endpoint: kms.local.endpoint, region: "us-east-1", credentials: { accessKeyId: "kms-local", secretAccessKey: "kms-local" }, maxAttempts: 1 });
  c.middlewareStack.add((next) => async (args) => {
    (args.request as { headers: Record<string, string> }).headers["x-amz-target"] = target;
    return next(args);
  }, { step: "build", priority: "low" });
  c.middlewareStack.add(() => async (args) => {
    const request = args.request as { headers: Record<string, string>; body: string };
    captured = { headers: { ...request.headers }, body: request.body };
    throw new Error("captured");
  }, { step: "finalizeRequest", priority: "low" });
  await c.send(new DescribeKeyCommand({ KeyId: "alias/x" })).catch(() => undefined);
  c.destroy();
  return captured!;
}

test("the KMS operations kms-local knows are exactly the model's", async () => {
  const { KMS_OPERATIONS } = await import("../../packages/kms-local/src/operations/index");
  const model = JSON.parse(readFileSync(join(__dirname, "../../codegen/models/kms-2026-06-19.json"), "utf8"));
  const operations = Object.entries(model.shapes as Record<string, { type: string }>).filter(([, s]) => s.type === "operation").map(([id]) => id.split("#")[1]);
  expect([...KMS_OPERATIONS].sort()).toEqual(operations.sort());
});

test("headers over Node's limit get 431 Request Header Fields Too Large, not a reset", async () => {
  const url = new URL(kms.local.endpoint);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20 * 1024)}\r\nContent-Length: 0\r\n\r\n`);
    });
    let text = "";
    socket.on("data", (d) => (text += d));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
  expect(answer).toMatch(/^HTTP\/1\.1 431 /);
});

describe("KeyMaterialId", () => {
  test("CurrentKeyMaterialId for symmetric keys only; the same id in every output that names the material", async () => {
    const meta = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(meta.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect((await client.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!.CurrentKeyMaterialId).toBe(meta.CurrentKeyMaterialId);
    const other = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(other.CurrentKeyMaterialId).not.toBe(meta.CurrentKeyMaterialId);
    const rsa = (await client.send(new CreateKeyCommand({ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }))).KeyMetadata!;
    expect(rsa.CurrentKeyMaterialId).toBeUndefined();

    const id = meta.CurrentKeyMaterialId;
    const dk = await client.send(new GenerateDataKeyCommand({ KeyId: meta.KeyId, KeySpec: "AES_256" }));
    expect(dk.KeyMaterialId).toBe(id);
    expect((await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: meta.KeyId, KeySpec: "AES_256" }))).KeyMaterialId).toBe(id);
    expect((await client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: meta.KeyId, KeyPairSpec: "ECC_NIST_P256" }))).KeyMaterialId).toBe(id);
    expect((await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }))).KeyMaterialId).toBe(id);
    const re = await client.send(new ReEncryptCommand({ CiphertextBlob: dk.CiphertextBlob, DestinationKeyId: other.KeyId }));
    expect(re).toMatchObject({ SourceKeyMaterialId: id, DestinationKeyMaterialId: other.CurrentKeyMaterialId });
    const rsaBlob = (await client.send(new EncryptCommand({ KeyId: rsa.KeyId, Plaintext: Buffer.from("x"), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }))).CiphertextBlob;
    expect((await client.send(new DecryptCommand({ KeyId: rsa.KeyId, CiphertextBlob: rsaBlob, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }))).KeyMaterialId).toBeUndefined();
  });

  test("left out of Decrypt and GenerateDataKey answers to a Recipient, as the API reference says", async () => {
    const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const spki = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" });
    const Recipient = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" as const, AttestationDocument: await new NsmClient(new SimulatedNsm({ ca })).attestation({ publicKey: spki }) };
    const dk = await client.send(new GenerateDataKeyCommand({ KeyId: key, KeySpec: "AES_256", Recipient }));
    expect(dk.CiphertextForRecipient).toBeDefined();
    expect(dk.KeyMaterialId).toBeUndefined();
    const d = await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, Recipient }));
    expect(d.CiphertextForRecipient).toBeDefined();
    expect(d.KeyMaterialId).toBeUndefined();
  });
});
