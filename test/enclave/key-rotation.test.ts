// Fail-stop key rotation seen from the plugin, through both clients. An enclave handle retires its key
// after a decryption failure and rotates to a new one; decrypting a ciphertext made for a retired key fails
// with code ENCLAVE_KEY_RETIRED. The plugin then sends the call once more with a fresh document for the new
// key, and only then. The rotating handle here is a stand-in made of real EnclaveHandles (one per key),
// whose retirement the test triggers; its error carries the nsm package's code for a retired key.
import { createHash } from "node:crypto";
import { RecipientDecryptionError, enclaveRecipient, type RecipientHandle } from "@nitro-enclaves-sdk/enclave";
import { EnclaveHandle, parseAttestation, parseEnvelopedData } from "@nitro-enclaves-sdk/nsm";
import { SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms, type KmsClient } from "./helpers";

class KeyRetired extends Error {
  readonly code = "ENCLAVE_KEY_RETIRED";
}

/** Real EnclaveHandles, one per key; rotate() retires the current one. */
class RotatingHandle implements RecipientHandle {
  recipientCalls = 0;
  readonly retired: EnclaveHandle[] = [];
  constructor(
    public current: EnclaveHandle,
    private readonly next: () => Promise<EnclaveHandle>,
  ) {}
  async rotate() {
    this.retired.push(this.current);
    this.current = await this.next();
  }
  recipient(options?: Parameters<RecipientHandle["recipient"]>[0]) {
    this.recipientCalls++;
    return this.current.recipient(options);
  }
  decryptKMSEnvelopedKey(bytes: Uint8Array) {
    const recipient = Buffer.from(parseEnvelopedData(bytes).subjectKeyIdentifier);
    if (this.retired.some((h) => createHash("sha256").update(h.publicKey).digest().equals(recipient))) throw new KeyRetired("made for a retired key");
    return this.current.decryptKMSEnvelopedKey(bytes);
  }
}

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

  test("a reused document for a retired key: the call is sent once more with a fresh document for the new key", async () => {
    const handle = new RotatingHandle(await kms.newEnclave(), kms.newEnclave);
    const { client, documents } = attestedClient(handle);
    expect(Buffer.from((await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("rotated");
    await handle.rotate();
    documents.length = 0;

    expect(Buffer.from((await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("rotated");
    expect(documents).toHaveLength(2);
    expect(Buffer.from(parseAttestation(documents[0]).publicKey!)).toEqual(Buffer.from(handle.retired[0].publicKey));
    expect(Buffer.from(parseAttestation(documents[1]).publicKey!)).toEqual(Buffer.from(handle.current.publicKey));
    expect(handle.recipientCalls).toBe(2);

    // The fresh document is the one reused from then on.
    await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob }));
    expect(handle.recipientCalls).toBe(2);
    client.destroy();
  });

  test("at most one more attempt: a handle that keeps answering for a retired key ends in RecipientDecryptionError", async () => {
    const handle = new RotatingHandle(await kms.newEnclave(), kms.newEnclave);
    await handle.rotate();
    const stuck: RecipientHandle = { recipient: () => handle.retired[0].recipient(), decryptKMSEnvelopedKey: (b) => handle.decryptKMSEnvelopedKey(b) };
    const { client, documents } = attestedClient(stuck);
    const error = await client.send(new sdk.DecryptCommand({ CiphertextBlob: blob })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientDecryptionError);
    expect((error as Error).cause).toMatchObject({ code: "ENCLAVE_KEY_RETIRED" });
    expect(documents).toHaveLength(2);
    client.destroy();
  });
});
