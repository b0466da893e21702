// Fail-stop key rotation seen from the plugin, through both clients, with real EnclaveHandles. A handle
// retires its key after a decryption failure and rotates to a new one; a ciphertext made for the retired
// key then fails with KeyRetiredError. The plugin sends the call once more with a fresh document for the
// new key, and only then.
import { RecipientDecryptionError, enclaveRecipient, type RecipientHandle } from "@nitro-enclaves-sdk/enclave";
import { EnvelopeDecryptionError, KeyRetiredError, parseAttestation, parseEnvelopedData, type EnclaveHandle } from "@nitro-enclaves-sdk/nsm";
import { SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms, type KmsClient } from "./helpers";

let kms: AttestedKms;
beforeAll(async () => {
  kms = await startAttestedKms();
});
afterAll(() => kms.close());

describe.each(SDKS)("key rotation on %s", (_name, sdk) => {
  let admin: KmsClient;
  let blob: Uint8Array;
  beforeAll(async () => {
    admin = kmsClient(sdk, kms.local.endpoint);
    const keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
    blob = (await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("rotated") }))).CiphertextBlob!;
  });
  afterAll(() => admin.destroy());

  /** A client with the plugin over `handle`, and the attestation documents of the requests it sends. */
  function attestedClient(handle: RecipientHandle) {
    const client = kmsClient(sdk, kms.local.endpoint);
    client.middlewareStack.use(enclaveRecipient(handle));
    const documents: Buffer[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const body = JSON.parse(String((args.request as { body: string }).body));
        documents.push(Buffer.from(body.Recipient.AttestationDocument, "base64"));
        return next(args);
      },
      { step: "build", name: "recordDocuments" },
    );
    return { client, documents };
  }

  /** Makes `handle` retire its current key: one CiphertextForRecipient for it, with its encrypted key damaged. */
  async function retireCurrentKey(handle: EnclaveHandle) {
    const { CiphertextForRecipient } = await admin.send(new sdk.DecryptCommand({ CiphertextBlob: blob, Recipient: await handle.recipient() }));
    const damaged = Buffer.from(CiphertextForRecipient!);
    const at = damaged.indexOf(Buffer.from(parseEnvelopedData(damaged).encryptedKey));
    damaged[at + 10] ^= 0x01;
    expect(() => handle.decryptKMSEnvelopedKey(damaged)).toThrow(EnvelopeDecryptionError);
    expect(() => handle.decryptKMSEnvelopedKey(CiphertextForRecipient!)).toThrow(KeyRetiredError);
  }

  test("a reused document for a retired key: the call is sent once more with a fresh document for the new key", async () => {
    const handle = await kms.newEnclave();
    const { client, documents } = attestedClient(handle);
    expect(Buffer.from((await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("rotated");
    const retiredKey = handle.publicKey;
    await retireCurrentKey(handle);
    documents.length = 0;

    expect(Buffer.from((await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("rotated");
    expect(documents).toHaveLength(2);
    expect(Buffer.from(parseAttestation(documents[0]).publicKey!)).toEqual(Buffer.from(retiredKey));
    const newKey = Buffer.from(parseAttestation(documents[1]).publicKey!);
    expect(newKey).toEqual(Buffer.from(handle.publicKey));
    expect(newKey).not.toEqual(Buffer.from(retiredKey));

    // The fresh document is the one reused from then on.
    await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }));
    expect(documents).toHaveLength(3);
    expect(documents[2]).toEqual(documents[1]);
    client.destroy();
    handle.close();
  });

  test("at most one more attempt: a Recipient that keeps naming a retired key ends in RecipientDecryptionError", async () => {
    const handle = await kms.newEnclave();
    const retiredKey = handle.publicKey;
    await retireCurrentKey(handle);
    const stuck: RecipientHandle = {
      recipient: async () => ({ AttestationDocument: await handle.attest({ publicKey: retiredKey }), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }),
      decryptKMSEnvelopedKey: (b) => handle.decryptKMSEnvelopedKey(b),
    };
    const { client, documents } = attestedClient(stuck);
    const error = await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientDecryptionError);
    expect((error as Error).cause).toBeInstanceOf(KeyRetiredError);
    expect(documents).toHaveLength(2);
    client.destroy();
    handle.close();
  });
});
