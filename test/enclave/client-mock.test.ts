// aws-sdk-client-mock, as an application's tests use it, on clients that carry the plugin (both clients):
// mocking replaces `send`, so a mocked call never reaches the middleware stack, the NSM or KMS; the test
// mocks what an ordinary caller sees (Plaintext), which is what the plugin gives the application for
// real. Restoring the client brings the plugin back.
import { mockClient } from "aws-sdk-client-mock";
import { enclaveRecipient, type RecipientHandle } from "@nitro-enclaves-sdk/enclave";
import { SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms } from "./helpers";

let kms: AttestedKms;
beforeAll(async () => {
  kms = await startAttestedKms();
});
afterAll(() => kms.close());

function counting(handle: RecipientHandle) {
  const counted = { calls: 0, handle: { recipient: () => (counted.calls++, handle.recipient()), decryptKMSEnvelopedKey: (b: Uint8Array) => handle.decryptKMSEnvelopedKey(b) } };
  return counted;
}

describe.each(SDKS)("aws-sdk-client-mock with the plugin, on %s", (_name, sdk) => {
  test("a mocked instance answers from the mock; restored, it calls KMS through the plugin again", async () => {
    const admin = kmsClient(sdk, kms.local.endpoint);
    const keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
    const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("real") }));

    const counted = counting(kms.enclave);
    const client = kmsClient(sdk, kms.local.endpoint);
    client.middlewareStack.use(enclaveRecipient(counted.handle));
    const mock = mockClient(client);
    mock.on(sdk.DecryptCommand).resolves({ Plaintext: Buffer.from("mocked"), KeyId: keyId });

    const mocked = await client.send(new sdk.DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(mocked.Plaintext!).toString()).toBe("mocked");
    expect(counted.calls).toBe(0);
    expect(mock.commandCalls(sdk.DecryptCommand)[0].args[0].input).toEqual({ CiphertextBlob });

    mock.restore();
    const real = await client.send(new sdk.DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(real.Plaintext!).toString()).toBe("real");
    expect(counted.calls).toBe(1);
    client.destroy();
    admin.destroy();
  });

  test("mocking the client class covers plugin-wrapped clients made afterwards", async () => {
    const mock = mockClient(sdk.KMSClient);
    try {
      mock.on(sdk.GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(8), KeyId: "alias/mocked" });
      const client = kmsClient(sdk, kms.local.endpoint);
      client.middlewareStack.use(enclaveRecipient(kms.enclave));
      const out = await client.send(new sdk.GenerateDataKeyCommand({ KeyId: "alias/mocked", KeySpec: "AES_256" }));
      expect(out.Plaintext).toEqual(new Uint8Array(32).fill(7));
      expect(mock.commandCalls(sdk.GenerateDataKeyCommand)).toHaveLength(1);
    } finally {
      mock.restore();
    }
  });
});
