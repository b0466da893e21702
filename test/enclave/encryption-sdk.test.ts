// The AWS Encryption SDK for JavaScript, unmodified, inside an enclave: its KmsKeyringNode takes a
// clientProvider, which hands it a KMS client with the plugin, and its GenerateDataKey and Decrypt calls
// become attested calls. Through kms-local, with a key policy that releases key material only to the
// enclave's PCR0: the message encrypts and decrypts; an enclave with another PCR0 gets AccessDeniedException.
// Both clients take the keyring's place in turn.
import { KmsKeyringNode, CommitmentPolicy, buildClient } from "@aws-crypto/client-node";
import { enclaveRecipient, type RecipientHandle } from "@nitro-enclaves-sdk/enclave";
import { SDKS, releaseOnlyTo, startAttestedKms, CREDENTIALS, REGION, type AttestedKms, type KmsClient } from "./helpers";

let kms: AttestedKms;
beforeAll(async () => {
  kms = await startAttestedKms();
});
afterAll(() => kms.close());

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const CONTEXT = { purpose: "enclave test" };

describe.each(SDKS)("Encryption SDK keyring over %s", (_name, sdk) => {
  let keyId: string;
  const clients: KmsClient[] = [];
  /** The keyring's clientProvider: an aggregated KMS client (the keyring calls client.decrypt(...)) with the plugin. */
  const keyring = (handle: RecipientHandle | undefined) =>
    new KmsKeyringNode({
      generatorKeyId: keyId,
      clientProvider: (region: string) => {
        const client = new sdk.KMS({ endpoint: kms.local.endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 });
        if (handle) client.middlewareStack.use(enclaveRecipient(handle));
        clients.push(client);
        return client as never;
      },
    });
  beforeAll(async () => {
    const admin = new sdk.KMSClient({ endpoint: kms.local.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
    admin.destroy();
  });
  afterAll(() => clients.forEach((c) => c.destroy()));

  test("encrypts and decrypts a message through KMS releasing only to the attested PCR0", async () => {
    const { result } = await encrypt(keyring(kms.enclave), "a message only this enclave image may read", { encryptionContext: CONTEXT });
    const { plaintext, messageHeader } = await decrypt(keyring(kms.enclave), result);
    expect(plaintext.toString()).toBe("a message only this enclave image may read");
    expect(messageHeader.encryptionContext).toMatchObject(CONTEXT);
    expect(messageHeader.encryptedDataKeys.map((k) => k.providerInfo)).toEqual([keyId]);
  });

  test("without the plugin the same keyring is refused (the key needs an attested caller)", async () => {
    await expect(encrypt(keyring(undefined), "x", { encryptionContext: CONTEXT })).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  test("an enclave with another PCR0 can neither encrypt nor decrypt: AccessDeniedException", async () => {
    await expect(encrypt(keyring(kms.impostor), "x", { encryptionContext: CONTEXT })).rejects.toMatchObject({ name: "AccessDeniedException" });
    const { result } = await encrypt(keyring(kms.enclave), "for the genuine enclave only", { encryptionContext: CONTEXT });
    const refusal = await decrypt(keyring(kms.impostor), result).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Error);
    // The keyring gathers each KMS error into its own: "Unable to decrypt data key ... AccessDeniedException: User: ..."
    expect((refusal as Error).message).toMatch(/AccessDeniedException: User: \S+ is not authorized to perform: kms:Decrypt/);
  });
});
