// enclaveRecipient() on both KMS clients, the same tests through each: ordinary commands, sent from an
// enclave (simulated NSM + EnclaveHandle) to kms-local under a key policy that releases key material only
// to the enclave's PCR0, come back with the plaintext an unattested caller would get. The plaintexts are
// checked against what independent parties know: the bytes Encrypt took, the data key Decrypt gives back,
// node:crypto's view of a PKCS#8 private key and its public key, node:crypto's own ECDH.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from "node:crypto";
import {
  AttestationUnavailableError,
  ENCLAVE_RECIPIENT_MIDDLEWARE,
  enclaveRecipient,
  type RecipientHandle,
} from "@nitro-enclaves-sdk/enclave";
import { NsmClosedError } from "@nitro-enclaves-sdk/nsm";
import { SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms, type KmsClient } from "./helpers";

let kms: AttestedKms;
beforeAll(async () => {
  kms = await startAttestedKms();
});
afterAll(() => kms.close());

/** A handle that counts its recipient() calls. */
function counting(handle: RecipientHandle) {
  const counted = {
    calls: 0,
    recipient: (options?: Parameters<RecipientHandle["recipient"]>[0]) => {
      counted.calls++;
      return handle.recipient(options);
    },
    decryptKMSEnvelopedKey: (bytes: Uint8Array) => handle.decryptKMSEnvelopedKey(bytes),
  };
  return counted;
}

/** The JSON bodies a client sends, as the HTTP request leaves the stack's build step. */
function recordBodies(client: KmsClient): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const body = (args.request as { body?: unknown }).body;
      bodies.push(JSON.parse(typeof body === "string" ? body : Buffer.from(body as Uint8Array).toString("utf8")));
      return next(args);
    },
    { step: "build", name: "recordBodies" },
  );
  return bodies;
}

const isPlainBytes = (value: unknown) =>
  value instanceof Uint8Array && value.byteOffset === 0 && value.buffer.byteLength === value.length;

describe.each(SDKS)("enclaveRecipient on %s", (_name, sdk) => {
  let admin: KmsClient; // no plugin: creates keys, encrypts, reads public keys
  let client: KmsClient; // the enclave's client, with the plugin
  let keyId: string;
  beforeAll(async () => {
    admin = kmsClient(sdk, kms.local.endpoint);
    client = kmsClient(sdk, kms.local.endpoint);
    client.middlewareStack.use(enclaveRecipient(kms.enclave));
    keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
  });
  afterAll(() => {
    admin.destroy();
    client.destroy();
  });

  test("Decrypt: the plaintext Encrypt took, in Plaintext, and no CiphertextForRecipient", async () => {
    const secret = Buffer.from("attested secret for Decrypt");
    const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: secret }));
    const out = await client.send(new sdk.DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(out.Plaintext!)).toEqual(secret);
    expect(out.KeyId).toBe(keyId);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(Object.keys(out)).not.toContain("CiphertextForRecipient");
    expect(isPlainBytes(out.Plaintext)).toBe(true);
    // The same call without the plugin is refused: the key releases only to the attested PCR0.
    await expect(admin.send(new sdk.DecryptCommand({ CiphertextBlob }))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  test("GenerateDataKey: a 32-byte Plaintext that Decrypt of its CiphertextBlob gives back", async () => {
    const generated = await client.send(new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));
    expect(generated.Plaintext).toHaveLength(32);
    expect(Object.keys(generated)).not.toContain("CiphertextForRecipient");
    const again = await client.send(new sdk.DecryptCommand({ CiphertextBlob: generated.CiphertextBlob }));
    expect(Buffer.from(again.Plaintext!)).toEqual(Buffer.from(generated.Plaintext!));
  });

  test.each(["RSA_2048", "ECC_NIST_P256"] as const)("GenerateDataKeyPair %s: PrivateKeyPlaintext is the PKCS#8 DER of PublicKey's private key", async (spec) => {
    const pair = await client.send(new sdk.GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: spec }));
    expect(Object.keys(pair)).not.toContain("CiphertextForRecipient");
    const privateKey = createPrivateKey({ key: Buffer.from(pair.PrivateKeyPlaintext!), format: "der", type: "pkcs8" });
    expect(createPublicKey(privateKey).export({ format: "der", type: "spki" })).toEqual(Buffer.from(pair.PublicKey!));
  });

  test("GenerateRandom: Plaintext of the asked length", async () => {
    const random = await client.send(new sdk.GenerateRandomCommand({ NumberOfBytes: 64 }));
    expect(random.Plaintext).toHaveLength(64);
    expect(Object.keys(random)).not.toContain("CiphertextForRecipient");
  });

  test("DeriveSharedSecret: SharedSecret equals node:crypto's ECDH with the KMS key's public key", async () => {
    const agreement = await admin.send(new sdk.CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT", Policy: releaseOnlyTo(kms.pcr0) }));
    const kmsPublic = await admin.send(new sdk.GetPublicKeyCommand({ KeyId: agreement.KeyMetadata!.Arn }));
    const mine = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const derived = await client.send(
      new sdk.DeriveSharedSecretCommand({
        KeyId: agreement.KeyMetadata!.Arn,
        KeyAgreementAlgorithm: "ECDH",
        PublicKey: mine.publicKey.export({ format: "der", type: "spki" }),
      }),
    );
    expect(Object.keys(derived)).not.toContain("CiphertextForRecipient");
    const expected = diffieHellman({ privateKey: mine.privateKey, publicKey: createPublicKey({ key: Buffer.from(kmsPublic.PublicKey!), format: "der", type: "spki" }) });
    expect(Buffer.from(derived.SharedSecret!)).toEqual(expected);
  });

  test("the aggregated KMS client (what libraries call) works the same", async () => {
    const aggregated = new sdk.KMS({ endpoint: kms.local.endpoint, region: "us-east-1", credentials: client.config.credentials, maxAttempts: 1 });
    aggregated.middlewareStack.use(enclaveRecipient(kms.enclave));
    const { CiphertextBlob } = await aggregated.encrypt({ KeyId: keyId, Plaintext: Buffer.from("through KMS") });
    expect(Buffer.from((await aggregated.decrypt({ CiphertextBlob })).Plaintext!).toString()).toBe("through KMS");
    aggregated.destroy();
  });

  test("a caller's own Recipient is left alone, and so is the response KMS sends for it", async () => {
    const handle = counting(kms.enclave);
    const own = kmsClient(sdk, kms.local.endpoint);
    own.middlewareStack.use(enclaveRecipient(handle));
    const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("mine") }));
    const Recipient = await kms.enclave.recipient();
    const out = await own.send(new sdk.DecryptCommand({ CiphertextBlob, Recipient }));
    expect(handle.calls).toBe(0);
    expect(out.Plaintext).toBeUndefined();
    expect(Buffer.from(kms.enclave.decryptKMSEnvelopedKey(out.CiphertextForRecipient!)).toString()).toBe("mine");
    own.destroy();
  });

  test("only the five attested operations carry a Recipient; the caller's input object is not changed", async () => {
    const probe = kmsClient(sdk, kms.local.endpoint);
    probe.middlewareStack.use(enclaveRecipient(kms.enclave));
    const bodies = recordBodies(probe);
    const encryptInput = { KeyId: keyId, Plaintext: Buffer.from("x") };
    const { CiphertextBlob } = await probe.send(new sdk.EncryptCommand(encryptInput));
    await probe.send(new sdk.DescribeKeyCommand({ KeyId: keyId }));
    const decryptInput = { CiphertextBlob };
    await probe.send(new sdk.DecryptCommand(decryptInput));
    expect(bodies.map((b) => "Recipient" in b)).toEqual([false, false, true]);
    expect(bodies[2].Recipient).toEqual({ KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: expect.any(String) });
    expect(Object.keys(decryptInput)).toEqual(["CiphertextBlob"]);
    probe.destroy();
  });

  test("an enclave with another PCR0 is refused by KMS (AccessDeniedException passes through as the SDK's error)", async () => {
    const impostor = kmsClient(sdk, kms.local.endpoint);
    impostor.middlewareStack.use(enclaveRecipient(kms.impostor));
    const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("not for you") }));
    const refusal = await impostor.send(new sdk.DecryptCommand({ CiphertextBlob })).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(sdk.KMSServiceException);
    expect(refusal).toMatchObject({ name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    impostor.destroy();
  });

  test("attestation documents are reused for attestationReuseMs (default 60 s), or made for every call with 0", async () => {
    const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("burst") }));
    for (const [options, documents] of [
      [undefined, 1],
      [{ attestationReuseMs: 0 }, 4],
    ] as const) {
      const handle = counting(kms.enclave);
      const burst = kmsClient(sdk, kms.local.endpoint);
      burst.middlewareStack.use(enclaveRecipient(handle, options));
      const bodies = recordBodies(burst);
      const outs = await Promise.all([1, 2, 3, 4].map(() => burst.send(new sdk.DecryptCommand({ CiphertextBlob }))));
      expect(outs.map((o) => Buffer.from(o.Plaintext!).toString())).toEqual(["burst", "burst", "burst", "burst"]);
      expect(handle.calls).toBe(documents);
      expect(new Set(bodies.map((b) => (b.Recipient as { AttestationDocument: string }).AttestationDocument)).size).toBe(documents);
      burst.destroy();
    }
  });

  test("an attestation failure is a typed error on the call (a closed handle: AttestationUnavailableError caused by NsmClosedError)", async () => {
    const closed = await kms.newEnclave();
    closed.close();
    const failing = kmsClient(sdk, kms.local.endpoint);
    failing.middlewareStack.use(enclaveRecipient(closed));
    const error = await failing.send(new sdk.GenerateRandomCommand({ NumberOfBytes: 16 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttestationUnavailableError);
    expect(error).toMatchObject({ code: "ENCLAVE_ATTESTATION_FAILED" });
    expect((error as Error).cause).toBeInstanceOf(NsmClosedError);
    failing.destroy();
  });

  test("usable on one command's own middlewareStack, and together with the client's", async () => {
    const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("one command") }));
    const command = new sdk.DecryptCommand({ CiphertextBlob });
    command.middlewareStack.use(enclaveRecipient(kms.enclave));
    expect(Buffer.from((await admin.send(command)).Plaintext!).toString()).toBe("one command");
    const both = new sdk.DecryptCommand({ CiphertextBlob });
    both.middlewareStack.use(enclaveRecipient(kms.enclave));
    expect(Buffer.from((await client.send(both)).Plaintext!).toString()).toBe("one command");
  });

  test("with cacheMiddleware (one resolved stack for every call of a command class)", async () => {
    const cached = kmsClient(sdk, kms.local.endpoint, { cacheMiddleware: true });
    cached.middlewareStack.use(enclaveRecipient(kms.enclave, { attestationReuseMs: 0 }));
    for (const text of ["first", "second"]) {
      const { CiphertextBlob } = await cached.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }));
      expect(Buffer.from((await cached.send(new sdk.DecryptCommand({ CiphertextBlob }))).Plaintext!).toString()).toBe(text);
    }
    cached.destroy();
  });

  test("its middleware is named, so others can be placed relative to it", () => {
    const listed = client.middlewareStack.identify();
    expect(listed.some((line) => line.startsWith(`${ENCLAVE_RECIPIENT_MIDDLEWARE} - initialize`))).toBe(true);
  });
});
