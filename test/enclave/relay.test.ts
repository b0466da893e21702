// Fail-closed, through both clients: a relay between the enclave and kms-local that strips
// CiphertextForRecipient, adds a plaintext field, or damages the ciphertext is caught by a typed error;
// nothing it made up reaches the caller, and a damaged ciphertext is not sent for a second attempt.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import {
  AttestedResponseError,
  MissingCiphertextForRecipientError,
  RecipientDecryptionError,
  UnexpectedPlaintextError,
  enclaveRecipient,
} from "@nitro-enclaves-sdk/enclave";
import { EnvelopeDecryptionError, parseEnvelopedData } from "@nitro-enclaves-sdk/nsm";
import { SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms, type KmsClient } from "./helpers";
import { startRelay, type Relay, type Rewrite } from "./relay";

let kms: AttestedKms;
let relay: Relay;
beforeAll(async () => {
  kms = await startAttestedKms();
  relay = await startRelay(kms.local.endpoint);
});
afterEach(() => {
  relay.rewrite = (answer) => answer;
});
afterAll(async () => {
  await relay.close();
  await kms.close();
});

const FORGED = randomBytes(32).toString("base64");
const peerPublicKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "der", type: "spki" });
const without = (answer: Record<string, unknown>, member: string) => Object.fromEntries(Object.entries(answer).filter(([k]) => k !== member));

/** The answer's CiphertextForRecipient with one byte of its RSA-OAEP encrypted key flipped. */
const damaged: Rewrite = (answer) => {
  const der = Buffer.from(answer.CiphertextForRecipient as string, "base64");
  const at = der.indexOf(Buffer.from(parseEnvelopedData(der).encryptedKey));
  der[at + 100] ^= 0x01;
  return { ...answer, CiphertextForRecipient: der.toString("base64") };
};

describe.each(SDKS)("through a relay, on %s", (_name, sdk) => {
  let admin: KmsClient;
  let client: KmsClient;
  let keyId: string;
  let blob: Uint8Array;
  let agreementKeyId: string;
  beforeAll(async () => {
    admin = kmsClient(sdk, kms.local.endpoint);
    client = kmsClient(sdk, relay.endpoint);
    client.middlewareStack.use(enclaveRecipient(kms.enclave));
    keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
    blob = (await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("relayed") }))).CiphertextBlob!;
    const agreement = await admin.send(new sdk.CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT", Policy: releaseOnlyTo(kms.pcr0) }));
    agreementKeyId = agreement.KeyMetadata!.Arn!;
  });
  afterAll(() => {
    admin.destroy();
    client.destroy();
  });

  test("an honest relay changes nothing", async () => {
    expect(Buffer.from((await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("relayed");
  });

  test("CiphertextForRecipient stripped and a Plaintext added: UnexpectedPlaintextError, never the forged bytes", async () => {
    relay.rewrite = (answer) => ({ ...without(answer, "CiphertextForRecipient"), Plaintext: FORGED });
    const error = await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedPlaintextError);
    expect(error).toBeInstanceOf(AttestedResponseError);
    expect(error).toMatchObject({ code: "ENCLAVE_UNEXPECTED_PLAINTEXT", operation: "Decrypt", member: "Plaintext" });
  });

  test("a plaintext added beside a genuine CiphertextForRecipient, for each operation's own member", async () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      ["TrentService.Decrypt", () => client.send(new sdk.DecryptCommand({ CiphertextBlob: blob })), "Plaintext"],
      ["TrentService.GenerateDataKey", () => client.send(new sdk.GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 32 })), "Plaintext"],
      ["TrentService.GenerateRandom", () => client.send(new sdk.GenerateRandomCommand({ NumberOfBytes: 32 })), "Plaintext"],
      ["TrentService.GenerateDataKeyPair", () => client.send(new sdk.GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: "ECC_NIST_P256" })), "PrivateKeyPlaintext"],
      [
        "TrentService.DeriveSharedSecret",
        () => client.send(new sdk.DeriveSharedSecretCommand({ KeyId: agreementKeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peerPublicKey })),
        "SharedSecret",
      ],
    ];
    for (const [target, call, member] of cases) {
      relay.rewrite = (answer, forwardedTarget) => (forwardedTarget === target ? { ...answer, [member]: FORGED } : answer);
      await expect(call()).rejects.toMatchObject({ code: "ENCLAVE_UNEXPECTED_PLAINTEXT", member });
    }
  });

  test("CiphertextForRecipient stripped: MissingCiphertextForRecipientError", async () => {
    relay.rewrite = (answer) => without(answer, "CiphertextForRecipient");
    const error = await client.send(new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingCiphertextForRecipientError);
    expect(error).toMatchObject({ code: "ENCLAVE_MISSING_CIPHERTEXT_FOR_RECIPIENT", operation: "GenerateDataKey" });
  });

  test("an empty plaintext member, as KMS may send it beside CiphertextForRecipient, is accepted and replaced", async () => {
    relay.rewrite = (answer) => ({ ...answer, Plaintext: "" });
    expect(Buffer.from((await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("relayed");
  });

  test("a damaged CiphertextForRecipient: RecipientDecryptionError with a fixed message, one request only, and a new document next time", async () => {
    const counted = { calls: 0 };
    const watched = kmsClient(sdk, relay.endpoint);
    watched.middlewareStack.use(
      enclaveRecipient({
        recipient: (options) => {
          counted.calls++;
          return kms.enclave.recipient(options);
        },
        decryptKMSEnvelopedKey: (bytes) => kms.enclave.decryptKMSEnvelopedKey(bytes),
      }),
    );
    await watched.send(new sdk.DecryptCommand({ CiphertextBlob: blob }));
    expect(counted.calls).toBe(1);

    relay.rewrite = damaged;
    const before = relay.forwarded.length;
    const error = await watched.send(new sdk.DecryptCommand({ CiphertextBlob: blob })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientDecryptionError);
    expect(error).toMatchObject({ code: "ENCLAVE_DECRYPTION_FAILED", message: "could not decrypt the KMS response for this enclave" });
    expect((error as Error).cause).toBeInstanceOf(EnvelopeDecryptionError);
    expect(relay.forwarded.length - before).toBe(1); // no second decryption attempt for whoever damaged it

    relay.rewrite = (answer) => answer;
    expect(Buffer.from((await watched.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("relayed");
    expect(counted.calls).toBe(2); // the document that led to a failure was not reused
    watched.destroy();
  });
});
