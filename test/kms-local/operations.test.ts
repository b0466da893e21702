// Every operation kms-local implements, called through the unchanged official @aws-sdk/client-kms.
// Cryptographic results are checked with node:crypto (public keys, signatures, shared secrets), not
// with kms-local itself.
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, createHash, constants, publicEncrypt, verify as verifySignature } from "node:crypto";
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand, DeriveSharedSecretCommand,
  DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand, GenerateDataKeyWithoutPlaintextCommand, GenerateRandomCommand, GetKeyPolicyCommand,
  GetPublicKeyCommand, ListAliasesCommand, ListKeysCommand, PutKeyPolicyCommand, ReEncryptCommand, ScheduleKeyDeletionCommand,
  SignCommand, UpdateAliasCommand, UpdateKeyDescriptionCommand, VerifyCommand, KMSClient,
} from "official-client-kms";
import { startKmsLocal } from "./helpers";

let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let client: KMSClient;
beforeAll(async () => {
  kms = await startKmsLocal();
  client = kms.client;
});
afterAll(() => kms.close());

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail");
};

const newKey = async (input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) =>
  (await client.send(new CreateKeyCommand(input))).KeyMetadata!;

describe("key lifecycle", () => {
  test("CreateKey returns KMS-shaped metadata, DescribeKey finds it by id, ARN and alias", async () => {
    const before = Date.now();
    const meta = await newKey({ Description: "first" });
    expect(meta.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(meta.Arn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${meta.KeyId}`);
    expect(meta).toMatchObject({
      AWSAccountId: "111122223333", Enabled: true, KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT",
      Origin: "AWS_KMS", KeyManager: "CUSTOMER", EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"], MultiRegion: false, Description: "first",
    });
    expect(meta.CreationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    await client.send(new CreateAliasCommand({ AliasName: "alias/lifecycle", TargetKeyId: meta.KeyId }));
    for (const id of [meta.KeyId!, meta.Arn!, "alias/lifecycle", "arn:aws:kms:us-east-1:111122223333:alias/lifecycle"]) {
      expect((await client.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyId).toBe(meta.KeyId);
    }
  });

  test("unknown keys, aliases and foreign ARNs are NotFoundException", async () => {
    for (const id of ["00000000-0000-0000-0000-000000000000", "alias/none", "not-a-key", "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"]) {
      const e = await errorOf(client.send(new DescribeKeyCommand({ KeyId: id })));
      expect(e.name).toBe("NotFoundException");
    }
  });

  test("UpdateKeyDescription, DisableKey, EnableKey", async () => {
    const meta = await newKey();
    await client.send(new UpdateKeyDescriptionCommand({ KeyId: meta.KeyId, Description: "renamed" }));
    await client.send(new DisableKeyCommand({ KeyId: meta.KeyId }));
    let d = (await client.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!;
    expect(d).toMatchObject({ Description: "renamed", Enabled: false, KeyState: "Disabled" });
    const e = await errorOf(client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x") })));
    expect(e.name).toBe("DisabledException");
    expect(e.message).toBe(`${meta.Arn} is disabled.`);
    await client.send(new EnableKeyCommand({ KeyId: meta.Arn }));
    d = (await client.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!;
    expect(d.KeyState).toBe("Enabled");
  });

  test("ScheduleKeyDeletion and CancelKeyDeletion", async () => {
    const meta = await newKey();
    const tooSoon = await errorOf(client.send(new ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 3 })));
    expect(tooSoon.name).toBe("ValidationException");
    const s = await client.send(new ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 7 }));
    expect(s).toMatchObject({ KeyId: meta.Arn, KeyState: "PendingDeletion", PendingWindowInDays: 7 });
    expect(Math.abs(s.DeletionDate!.getTime() - (Date.now() + 7 * 86400_000))).toBeLessThan(60_000);
    const e = await errorOf(client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x") })));
    expect(e.name).toBe("KMSInvalidStateException");
    const c = await client.send(new CancelKeyDeletionCommand({ KeyId: meta.KeyId }));
    expect(c.KeyId).toBe(meta.Arn);
    expect((await client.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!.KeyState).toBe("Disabled");
  });

  test("once the waiting period is over, the key and its aliases are gone", async () => {
    const meta = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: "alias/doomed", TargetKeyId: meta.KeyId }));
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 7 }));
    (kms.local.kms.store.keys.get(meta.KeyId!)!.record as { deletionDate: number }).deletionDate = Date.now() - 1; // seven days later
    expect((await errorOf(client.send(new DescribeKeyCommand({ KeyId: meta.KeyId })))).name).toBe("NotFoundException");
    expect((await client.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId)).not.toContain(meta.KeyId);
    expect((await errorOf(client.send(new DescribeKeyCommand({ KeyId: "alias/doomed" })))).name).toBe("NotFoundException");
  });

  test("ListKeys pages with Limit and Marker", async () => {
    for (let i = 0; i < 3; i++) await newKey();
    const all: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      expect(page.Keys!.length).toBeLessThanOrEqual(2);
      for (const k of page.Keys!) {
        expect(k.KeyArn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${k.KeyId}`);
        all.push(k.KeyId!);
      }
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(kms.local.kms.store.keys.size);
    expect((await errorOf(client.send(new ListKeysCommand({ Marker: "garbage" })))).name).toBe("InvalidMarkerException");
  });

  test("GetKeyPolicy returns KMS's default policy; PutKeyPolicy replaces it and refuses lockouts", async () => {
    const meta = await newKey();
    const got = await client.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: "default" }));
    expect(JSON.parse(got.Policy!)).toEqual({
      Version: "2012-10-17",
      Id: "key-default-1",
      Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" }],
    });
    const lockout = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["kms:Decrypt", "kms:Get*"], Resource: "*" }] });
    const e = await errorOf(client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: lockout })));
    expect(e.name).toBe("MalformedPolicyDocumentException");
    expect((await errorOf(client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: "{not json" })))).name).toBe("MalformedPolicyDocumentException");
    await client.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    expect((await client.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId }))).Policy).toBe(lockout);
    const denied = await errorOf(client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x") })));
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.message).toBe(
      `User: arn:aws:iam::111122223333:user/kms-local is not authorized to perform: kms:Encrypt on resource: ${meta.Arn} because no resource-based policy allows the kms:Encrypt action`,
    );
  });
});

describe("aliases", () => {
  test("CreateAlias, UpdateAlias, ListAliases, DeleteAlias", async () => {
    const a = await newKey();
    const b = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: "alias/app", TargetKeyId: a.Arn }));
    const dup = await errorOf(client.send(new CreateAliasCommand({ AliasName: "alias/app", TargetKeyId: b.KeyId })));
    expect(dup.name).toBe("AlreadyExistsException");
    expect((await errorOf(client.send(new CreateAliasCommand({ AliasName: "nope", TargetKeyId: b.KeyId })))).name).toBe("ValidationException");
    expect((await errorOf(client.send(new CreateAliasCommand({ AliasName: "alias/aws/s3", TargetKeyId: b.KeyId })))).name).toBe("InvalidAliasNameException");
    expect((await errorOf(client.send(new CreateAliasCommand({ AliasName: "alias/x", TargetKeyId: "alias/app" })))).name).toBe("NotFoundException");
    await client.send(new UpdateAliasCommand({ AliasName: "alias/app", TargetKeyId: b.KeyId }));
    expect((await client.send(new DescribeKeyCommand({ KeyId: "alias/app" }))).KeyMetadata!.KeyId).toBe(b.KeyId);
    const listed = await client.send(new ListAliasesCommand({ KeyId: b.KeyId }));
    expect(listed.Aliases).toEqual([
      expect.objectContaining({ AliasName: "alias/app", AliasArn: "arn:aws:kms:us-east-1:111122223333:alias/app", TargetKeyId: b.KeyId }),
    ]);
    expect(listed.Aliases![0].CreationDate).toBeInstanceOf(Date);
    await client.send(new DeleteAliasCommand({ AliasName: "alias/app" }));
    expect((await errorOf(client.send(new DescribeKeyCommand({ KeyId: "alias/app" })))).name).toBe("NotFoundException");
    expect((await errorOf(client.send(new DeleteAliasCommand({ AliasName: "alias/app" })))).name).toBe("NotFoundException");
  });
});

describe("symmetric encryption", () => {
  test("Encrypt/Decrypt round trip with encryption context; the wrong context is InvalidCiphertextException", async () => {
    const meta = await newKey();
    const context = { purpose: "test", tenant: "a" };
    const enc = await client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("secret"), EncryptionContext: context }));
    expect(enc).toMatchObject({ KeyId: meta.Arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: "a", purpose: "test" } }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe("secret");
    expect(dec.KeyId).toBe(meta.Arn);
    for (const wrong of [undefined, { purpose: "test" }, { purpose: "test", tenant: "b" }] as (Record<string, string> | undefined)[]) {
      const e = await errorOf(client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: wrong })));
      expect(e.name).toBe("InvalidCiphertextException");
    }
  });

  test("a ciphertext never decrypts under another key; tampering is InvalidCiphertextException", async () => {
    const a = await newKey();
    const b = await newKey();
    const enc = await client.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from("secret") }));
    const e = await errorOf(client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: b.KeyId })));
    expect(e.name).toBe("IncorrectKeyException");
    // Rewrite the key id inside the blob to b's: the authenticated header no longer matches.
    const forged = Buffer.from(Buffer.from(enc.CiphertextBlob!).toString("latin1").replace(a.KeyId!, b.KeyId!), "latin1");
    expect((await errorOf(client.send(new DecryptCommand({ CiphertextBlob: forged })))).name).toBe("InvalidCiphertextException");
    const flipped = Buffer.from(enc.CiphertextBlob!);
    flipped[flipped.length - 20] ^= 1;
    expect((await errorOf(client.send(new DecryptCommand({ CiphertextBlob: flipped })))).name).toBe("InvalidCiphertextException");
    expect((await errorOf(client.send(new DecryptCommand({ CiphertextBlob: Buffer.from("garbage") })))).name).toBe("InvalidCiphertextException");
  });

  test("ReEncrypt moves a ciphertext to another key and context", async () => {
    const a = await newKey();
    const b = await newKey();
    const enc = await client.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from("move me"), EncryptionContext: { k: "1" } }));
    const re = await client.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { k: "1" }, DestinationKeyId: b.Arn, DestinationEncryptionContext: { k: "2" },
    }));
    expect(re).toMatchObject({ SourceKeyId: a.Arn, KeyId: b.Arn, SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { k: "2" } }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe("move me");
    expect(dec.KeyId).toBe(b.Arn);
  });

  test("GenerateDataKey and GenerateDataKeyWithoutPlaintext", async () => {
    const meta = await newKey();
    const dk = await client.send(new GenerateDataKeyCommand({ KeyId: meta.KeyId, KeySpec: "AES_256", EncryptionContext: { a: "b" } }));
    expect(dk.Plaintext!.length).toBe(32);
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { a: "b" } }));
    expect(Buffer.from(dec.Plaintext!)).toEqual(Buffer.from(dk.Plaintext!));
    expect((await client.send(new GenerateDataKeyCommand({ KeyId: meta.KeyId, NumberOfBytes: 7 }))).Plaintext!.length).toBe(7);
    expect((await client.send(new GenerateDataKeyCommand({ KeyId: meta.KeyId, KeySpec: "AES_128" }))).Plaintext!.length).toBe(16);
    const np = await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: meta.KeyId, NumberOfBytes: 64 }));
    expect(np).not.toHaveProperty("Plaintext");
    expect((await client.send(new DecryptCommand({ CiphertextBlob: np.CiphertextBlob }))).Plaintext!.length).toBe(64);
    for (const n of [0, 1025]) {
      const e = await errorOf(client.send(new GenerateDataKeyCommand({ KeyId: meta.KeyId, NumberOfBytes: n })));
      expect(e.name).toBe("ValidationException");
      expect(e.message).toMatch(/^1 validation error detected: Value '\d+' at 'numberOfBytes' failed to satisfy constraint: Member must have value (greater|less) than or equal to (1|1024)$/);
    }
    expect((await errorOf(client.send(new GenerateDataKeyCommand({ KeyId: meta.KeyId })))).name).toBe("ValidationException");
  });

  test("GenerateDataKeyPair (RSA and ECC) and WithoutPlaintext", async () => {
    const meta = await newKey();
    const pair = await client.send(new GenerateDataKeyPairCommand({ KeyId: meta.KeyId, KeyPairSpec: "ECC_NIST_P256" }));
    const pub = createPublicKey({ key: Buffer.from(pair.PublicKey!), format: "der", type: "spki" });
    expect(pub.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    const priv = await client.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob }));
    expect(Buffer.from(priv.Plaintext!)).toEqual(Buffer.from(pair.PrivateKeyPlaintext!));
    const rsa = await client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: meta.KeyId, KeyPairSpec: "RSA_2048" }));
    expect(rsa.KeyPairSpec).toBe("RSA_2048");
    expect(createPublicKey({ key: Buffer.from(rsa.PublicKey!), format: "der", type: "spki" }).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(rsa).not.toHaveProperty("PrivateKeyPlaintext");
  });

  test("DryRun stops after every check with DryRunOperationException (412), and does nothing", async () => {
    const meta = await newKey();
    const e = await errorOf(client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x"), DryRun: true })));
    expect(e.name).toBe("DryRunOperationException");
    expect(e.$metadata.httpStatusCode).toBe(412);
    await client.send(new DisableKeyCommand({ KeyId: meta.KeyId }));
    // A request that would fail still fails with its own error.
    expect((await errorOf(client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x"), DryRun: true })))).name).toBe("DisabledException");
  });

  test("GenerateRandom", async () => {
    const r = await client.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }));
    expect(r.Plaintext!.length).toBe(1024);
    expect((await errorOf(client.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })))).name).toBe("ValidationException");
  });
});

describe("asymmetric keys", () => {
  test("RSA encryption key: GetPublicKey, Encrypt with OAEP (checked by node:crypto), Decrypt", async () => {
    const meta = await newKey({ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    expect(meta.EncryptionAlgorithms).toEqual(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]);
    const pk = await client.send(new GetPublicKeyCommand({ KeyId: meta.KeyId }));
    expect(pk).toMatchObject({ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
    const pub = createPublicKey({ key: Buffer.from(pk.PublicKey!), format: "der", type: "spki" });
    const outside = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from("from outside"));
    const dec = await client.send(new DecryptCommand({ KeyId: meta.KeyId, CiphertextBlob: outside, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe("from outside");
    const enc = await client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x"), EncryptionAlgorithm: "RSAES_OAEP_SHA_1" }));
    const back = await client.send(new DecryptCommand({ KeyId: meta.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: "RSAES_OAEP_SHA_1" }));
    expect(Buffer.from(back.Plaintext!).toString()).toBe("x");
    expect((await errorOf(client.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from("x") })))).name).toBe("InvalidKeyUsageException");
  });

  test.each([
    ["RSA_2048", "RSASSA_PSS_SHA_256"],
    ["RSA_2048", "RSASSA_PKCS1_V1_5_SHA_384"],
    ["ECC_NIST_P256", "ECDSA_SHA_256"],
    ["ECC_NIST_P384", "ECDSA_SHA_384"],
    ["ECC_SECG_P256K1", "ECDSA_SHA_256"],
  ] as const)("%s Sign/Verify with %s, checked by node:crypto", async (spec, algorithm) => {
    const meta = await newKey({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
    const message = Buffer.from("sign this");
    const s = await client.send(new SignCommand({ KeyId: meta.KeyId, Message: message, SigningAlgorithm: algorithm }));
    const pub = createPublicKey({ key: Buffer.from((await client.send(new GetPublicKeyCommand({ KeyId: meta.KeyId }))).PublicKey!), format: "der", type: "spki" });
    const hash = `sha${algorithm.slice(-3)}`;
    const options = algorithm.startsWith("RSASSA_PSS")
      ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(algorithm.slice(-3)) / 8 }
      : algorithm.startsWith("RSASSA_PKCS1") ? { key: pub, padding: constants.RSA_PKCS1_PADDING } : { key: pub, dsaEncoding: "der" as const };
    expect(verifySignature(hash, message, options, Buffer.from(s.Signature!))).toBe(true);
    const v = await client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: message, Signature: s.Signature, SigningAlgorithm: algorithm }));
    expect(v.SignatureValid).toBe(true);
    const bad = await errorOf(client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: Buffer.from("other"), Signature: s.Signature, SigningAlgorithm: algorithm })));
    expect(bad.name).toBe("KMSInvalidSignatureException");
  });

  test.each([
    ["RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256"],
    ["RSA_2048", "RSASSA_PSS_SHA_512"],
    ["ECC_NIST_P256", "ECDSA_SHA_256"],
    ["ECC_NIST_P521", "ECDSA_SHA_512"],
    ["ECC_SECG_P256K1", "ECDSA_SHA_256"],
  ] as const)("%s Sign with MessageType DIGEST (%s) verifies, by node:crypto, as a signature over the message", async (spec, algorithm) => {
    const meta = await newKey({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" });
    const hash = `sha${algorithm.slice(-3)}`;
    const message = Buffer.from("digest me");
    const digest = createHash(hash).update(message).digest();
    const s = await client.send(new SignCommand({ KeyId: meta.KeyId, Message: digest, MessageType: "DIGEST", SigningAlgorithm: algorithm }));
    const pub = createPublicKey({ key: Buffer.from((await client.send(new GetPublicKeyCommand({ KeyId: meta.KeyId }))).PublicKey!), format: "der", type: "spki" });
    const options = algorithm.startsWith("RSASSA_PSS")
      ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }
      : algorithm.startsWith("ECDSA") ? { key: pub, dsaEncoding: "der" as const } : { key: pub };
    expect(verifySignature(hash, message, options, Buffer.from(s.Signature!))).toBe(true);
    // Verify with DIGEST accepts it for this digest, and not for another.
    const verified = await client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: digest, MessageType: "DIGEST", Signature: s.Signature, SigningAlgorithm: algorithm }));
    expect(verified.SignatureValid).toBe(true);
    const wrong = createHash(hash).update("other").digest();
    expect((await errorOf(client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: wrong, MessageType: "DIGEST", Signature: s.Signature, SigningAlgorithm: algorithm })))).name).toBe("KMSInvalidSignatureException");
    expect((await errorOf(client.send(new SignCommand({ KeyId: meta.KeyId, Message: digest.subarray(1), MessageType: "DIGEST", SigningAlgorithm: algorithm })))).name).toBe("ValidationException");
  });

  test("DeriveSharedSecret matches ECDH computed on the other side", async () => {
    const meta = await newKey({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" });
    expect(meta.KeyAgreementAlgorithms).toEqual(["ECDH"]);
    const peer = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const r = await client.send(new DeriveSharedSecretCommand({
      KeyId: meta.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peer.publicKey.export({ type: "spki", format: "der" }),
    }));
    const kmsPublic = createPublicKey({ key: Buffer.from((await client.send(new GetPublicKeyCommand({ KeyId: meta.KeyId }))).PublicKey!), format: "der", type: "spki" });
    expect(Buffer.from(r.SharedSecret!)).toEqual(diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic }));
    expect(r.KeyAgreementAlgorithm).toBe("ECDH");
    const wrongCurve = createECDH("secp384r1");
    wrongCurve.generateKeys();
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "der" });
    expect((await errorOf(client.send(new DeriveSharedSecretCommand({ KeyId: meta.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: p384 })))).name).toBe("ValidationException");
  });

  test("incompatible key spec and usage is a ValidationException; unimplemented specs are UnsupportedOperationException", async () => {
    expect((await errorOf(newKey({ KeySpec: "ECC_NIST_P256", KeyUsage: "ENCRYPT_DECRYPT" }))).name).toBe("ValidationException");
    expect((await errorOf(newKey({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }))).name).toBe("UnsupportedOperationException");
  });
});
