// Recipient: attestation documents from the simulated NSM, verified by kms-local against the simulator's
// root; CiphertextForRecipient checked with the openssl CLI (and the nsm package's decryptor), and key
// policies on kms:RecipientAttestation:ImageSha384 / PCR<n>.
import { createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from "node:crypto";
import {
  CreateKeyCommand, DecryptCommand, DeriveSharedSecretCommand, DisableKeyCommand, EnableKeyCommand, EncryptCommand,
  GenerateDataKeyCommand, GenerateDataKeyPairCommand, GenerateRandomCommand, GetPublicKeyCommand, PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from "official-client-kms";
import { NsmClient, decryptEnvelopedKey } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { asn1Outline, opensslCmsDecrypt } from "./openssl";
import { startKmsLocal } from "./helpers";

const ca = createSimulatorCa();
const IMAGE = createHash("sha384").update("the trusted image").digest();
const OTHER_IMAGE = createHash("sha384").update("some other image").digest();
const KERNEL = createHash("sha384").update("the kernel (PCR1)").digest();

let kms: Awaited<ReturnType<typeof startKmsLocal>>;
beforeAll(async () => {
  kms = await startKmsLocal({ trustedRoots: [ca.certificate] });
});
afterAll(() => kms.close());

/** An enclave: a simulated NSM with the given PCR0 and an RSA key whose public half goes into its documents. */
function enclave(pcr0: Uint8Array, options: { ca?: typeof ca; modulusLength?: number } = {}) {
  const nsm = new NsmClient(new SimulatedNsm({ ca: options.ca ?? ca, pcrs: { 0: pcr0, 1: KERNEL } }));
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: options.modulusLength ?? 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  return {
    privateKey,
    recipient: async (publicKeyOverride?: Uint8Array) => ({
      KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" as const,
      AttestationDocument: await nsm.attestation({ publicKey: publicKeyOverride ?? spki }),
    }),
  };
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to fail");
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function attestedPolicy(condition: Record<string, Record<string, string | string[]>>) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Administration",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Get*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:Encrypt"],
        Resource: "*",
      },
      {
        Sid: "Release only to the attested image",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:DeriveSharedSecret"],
        Resource: "*",
        Condition: condition,
      },
    ],
  });
}

describe("CiphertextForRecipient", () => {
  const e = enclave(IMAGE);
  let keyId: string;
  beforeAll(async () => {
    keyId = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  });

  test("Decrypt with Recipient: no Plaintext; openssl cms and the nsm decryptor recover the plaintext", async () => {
    const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("for the enclave only") }));
    const r = await kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await e.recipient() }));
    expect(r.Plaintext).toBeUndefined();
    expect(r.KeyId).toContain(keyId);
    expect(opensslCmsDecrypt(r.CiphertextForRecipient!, e.privateKey).toString()).toBe("for the enclave only");
    expect(Buffer.from(decryptEnvelopedKey(r.CiphertextForRecipient!, e.privateKey)).toString()).toBe("for the enclave only");
  });

  test("the CMS has the layout of a real KMS CiphertextForRecipient (openssl asn1parse outline of the shared vector)", async () => {
    const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: randomBytes(32) }));
    const r = await kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await e.recipient() }));
    const { readFileSync } = await import("node:fs");
    const real = readFileSync(`${__dirname}/../vectors/cms/kms-sample-1/ciphertext_for_recipient.der`);
    expect(asn1Outline(r.CiphertextForRecipient!)).toEqual(asn1Outline(real));
  });

  test("GenerateDataKey with Recipient: the enclave's key equals what Decrypt of CiphertextBlob yields", async () => {
    const r = await kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", Recipient: await e.recipient() }));
    expect(r.Plaintext).toBeUndefined();
    const dataKey = opensslCmsDecrypt(r.CiphertextForRecipient!, e.privateKey);
    expect(dataKey.length).toBe(32);
    const plain = await kms.client.send(new DecryptCommand({ CiphertextBlob: r.CiphertextBlob }));
    expect(Buffer.from(plain.Plaintext!)).toEqual(dataKey);
  });

  test("GenerateDataKeyPair with Recipient: the enclave gets a private key matching PublicKey", async () => {
    const r = await kms.client.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: "ECC_NIST_P256", Recipient: await e.recipient() }));
    expect(r.PrivateKeyPlaintext).toBeUndefined();
    const der = opensslCmsDecrypt(r.CiphertextForRecipient!, e.privateKey);
    const pub = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
    expect(pub).toEqual(Buffer.from(r.PublicKey!));
  });

  test("GenerateRandom with Recipient", async () => {
    const r = await kms.client.send(new GenerateRandomCommand({ NumberOfBytes: 48, Recipient: await e.recipient() }));
    expect(r.Plaintext).toBeUndefined();
    expect(opensslCmsDecrypt(r.CiphertextForRecipient!, e.privateKey).length).toBe(48);
  });

  test("DeriveSharedSecret with Recipient equals the peer's ECDH", async () => {
    const ecc = (await kms.client.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P384", KeyUsage: "KEY_AGREEMENT" }))).KeyMetadata!;
    const peer = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const r = await kms.client.send(new DeriveSharedSecretCommand({
      KeyId: ecc.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peer.publicKey.export({ type: "spki", format: "der" }), Recipient: await e.recipient(),
    }));
    expect(r.SharedSecret).toBeUndefined();
    const kmsPublic = createPublicKey({ key: Buffer.from((await kms.client.send(new GetPublicKeyCommand({ KeyId: ecc.KeyId }))).PublicKey!), format: "der", type: "spki" });
    expect(opensslCmsDecrypt(r.CiphertextForRecipient!, e.privateKey)).toEqual(diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic }));
  });
});

describe("attestation documents kms-local refuses", () => {
  let keyId: string;
  let blob: Uint8Array;
  beforeAll(async () => {
    keyId = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    blob = (await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("x") }))).CiphertextBlob!;
  });

  test("signed by a CA kms-local does not trust", async () => {
    const stranger = enclave(IMAGE, { ca: createSimulatorCa() });
    const err = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob: blob, Recipient: await stranger.recipient() })));
    expect(err.name).toBe("ValidationException");
    expect(err.message).toMatch(/attestation document .* not valid/);
  });

  test("tampered with (one byte of the signed payload changed)", async () => {
    const doc = Buffer.from((await enclave(IMAGE).recipient()).AttestationDocument);
    doc[doc.length - 200] ^= 0x01;
    const err = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob: blob, Recipient: { AttestationDocument: doc } })));
    expect(err.name).toBe("ValidationException");
  });

  test("not an attestation document at all", async () => {
    const err = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob: blob, Recipient: { AttestationDocument: Buffer.from("hello") } })));
    expect(err.name).toBe("ValidationException");
  });

  test("carrying an EC key, or a short RSA key, instead of an RSA key of 2048 bits or more", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" });
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "der" });
    for (const pk of [ec, small]) {
      const err = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob: blob, Recipient: await enclave(IMAGE).recipient(pk) })));
      expect(err.name).toBe("ValidationException");
      expect(err.message).toMatch(/RSA key of at least 2048 bits/);
    }
  });
});

describe("attestation key policies", () => {
  const trusted = enclave(IMAGE);
  const other = enclave(OTHER_IMAGE);

  async function keyWith(policy: string) {
    const id = (await kms.client.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!.KeyId!;
    const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from("released") }));
    return { id, CiphertextBlob };
  }

  test.each([
    ["kms:RecipientAttestation:ImageSha384", "StringEqualsIgnoreCase", (h: string) => h],
    ["kms:RecipientAttestation:PCR0", "StringEqualsIgnoreCase", (h: string) => h.toUpperCase()],
    ["kms:RecipientAttestation:PCR0", "StringEquals", (h: string) => h],
  ])("%s with %s releases only to the attested image", async (key, operator, form) => {
    const { id, CiphertextBlob } = await keyWith(attestedPolicy({ [operator]: { [key]: form(hex(IMAGE)) } }));
    const ok = await kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await trusted.recipient() }));
    expect(opensslCmsDecrypt(ok.CiphertextForRecipient!, trusted.privateKey).toString()).toBe("released");

    const noAttestation = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob })));
    expect(noAttestation.name).toBe("AccessDeniedException");
    expect(noAttestation.message).toBe(
      `User: arn:aws:iam::111122223333:user/kms-local is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/${id} because no resource-based policy allows the kms:Decrypt action`,
    );
    const wrongImage = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await other.recipient() })));
    expect(wrongImage.name).toBe("AccessDeniedException");
    const noRecipientDataKey = await errorOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: id, NumberOfBytes: 32 })));
    expect(noRecipientDataKey.name).toBe("AccessDeniedException");
  });

  test("a PCR other than 0 (PCR1) and several values", async () => {
    const pcr1 = hex(KERNEL);
    const { CiphertextBlob } = await keyWith(attestedPolicy({ StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR1": ["00", pcr1] } }));
    const ok = await kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await trusted.recipient() }));
    expect(opensslCmsDecrypt(ok.CiphertextForRecipient!, trusted.privateKey).toString()).toBe("released");
  });

  test("an explicit Deny on a PCR0 beats the Allow, worded as KMS words it", async () => {
    const policy = JSON.parse(attestedPolicy({ StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": [hex(IMAGE), hex(OTHER_IMAGE)] } }));
    policy.Statement.push({
      Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*",
      Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": hex(OTHER_IMAGE) } },
    });
    const { id, CiphertextBlob } = await keyWith(JSON.stringify(policy));
    await kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await trusted.recipient() }));
    const denied = await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: await other.recipient() })));
    expect(denied.message).toBe(
      `User: arn:aws:iam::111122223333:user/kms-local is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/${id} with an explicit deny in a resource-based policy`,
    );
  });

  test("kms:EncryptionContext conditions", async () => {
    const policy = attestedPolicy({ StringEquals: { "kms:EncryptionContext:tenant": "blue" } });
    const id = (await kms.client.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!.KeyId!;
    const blue = await kms.client.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from("b"), EncryptionContext: { tenant: "blue" } }));
    const red = await kms.client.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from("r"), EncryptionContext: { tenant: "red" } }));
    expect(Buffer.from((await kms.client.send(new DecryptCommand({ CiphertextBlob: blue.CiphertextBlob, EncryptionContext: { tenant: "blue" } }))).Plaintext!).toString()).toBe("b");
    expect((await errorOf(kms.client.send(new DecryptCommand({ CiphertextBlob: red.CiphertextBlob, EncryptionContext: { tenant: "red" } })))).name).toBe("AccessDeniedException");
  });

  test("PutKeyPolicy, DisableKey and ScheduleKeyDeletion take effect on the very next request (same, cached attestation document)", async () => {
    const release = (image: Uint8Array) => attestedPolicy({ StringEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": hex(image) } });
    const { id, CiphertextBlob } = await keyWith(release(IMAGE));
    const recipient = await trusted.recipient(); // one document for every call: its verification is cached
    const decrypt = () => kms.client.send(new DecryptCommand({ CiphertextBlob, Recipient: recipient }));
    const dataKey = () => kms.client.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: "AES_256", Recipient: recipient }));
    const refusal = async (call: () => Promise<unknown>) => (await errorOf(call())).name;

    expect(opensslCmsDecrypt((await decrypt()).CiphertextForRecipient!, trusted.privateKey).toString()).toBe("released");
    await dataKey();
    await kms.client.send(new PutKeyPolicyCommand({ KeyId: id, Policy: release(OTHER_IMAGE) }));
    expect(await refusal(decrypt)).toBe("AccessDeniedException");
    expect(await refusal(dataKey)).toBe("AccessDeniedException");
    await kms.client.send(new PutKeyPolicyCommand({ KeyId: id, Policy: release(IMAGE) }));
    await decrypt();
    await dataKey();

    await kms.client.send(new DisableKeyCommand({ KeyId: id }));
    expect(await refusal(decrypt)).toBe("DisabledException");
    expect(await refusal(dataKey)).toBe("DisabledException");
    await kms.client.send(new EnableKeyCommand({ KeyId: id }));
    await decrypt();

    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    expect(await refusal(decrypt)).toBe("KMSInvalidStateException");
    expect(await refusal(dataKey)).toBe("KMSInvalidStateException");
  });
});
