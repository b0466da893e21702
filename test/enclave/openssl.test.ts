// Every plaintext the plugin writes equals what `openssl cms -decrypt` makes of the same
// CiphertextForRecipient, for the five attested operations, through both clients. The enclave here attests
// a key pair the test holds (EnclaveHandle.attest({ publicKey })), so that openssl can have the private key;
// a middleware placed after the plugin's (nearer the wire) sees KMS's answer before the plugin opens it.
import { generateKeyPairSync } from "node:crypto";
import { ENCLAVE_RECIPIENT_MIDDLEWARE, enclaveRecipient, type RecipientHandle } from "@nitro-enclaves-sdk/enclave";
import { decryptEnvelopedKey } from "@nitro-enclaves-sdk/nsm";
import { opensslCmsDecrypt } from "../kms-local/openssl";
import { SDKS, kmsClient, releaseOnlyTo, startAttestedKms, type AttestedKms, type KmsClient } from "./helpers";

let kms: AttestedKms;
beforeAll(async () => {
  kms = await startAttestedKms();
});
afterAll(() => kms.close());

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const spki = publicKey.export({ type: "spki", format: "der" });

describe.each(SDKS)("plugin results against openssl cms -decrypt, on %s", (_name, sdk) => {
  let admin: KmsClient;
  let client: KmsClient;
  let keyId: string;
  let agreementKeyId: string;
  const seen: Uint8Array[] = [];
  beforeAll(async () => {
    const handle: RecipientHandle = {
      recipient: async () => ({ AttestationDocument: await kms.enclave.attest({ publicKey: spki }), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }),
      decryptKMSEnvelopedKey: (bytes) => decryptEnvelopedKey(bytes, privateKey),
    };
    admin = kmsClient(sdk, kms.local.endpoint);
    client = kmsClient(sdk, kms.local.endpoint);
    client.middlewareStack.use(enclaveRecipient(handle));
    const see = (next: (args: unknown) => Promise<{ output: unknown }>) => async (args: unknown) => {
      const result = await next(args);
      seen.push((result.output as { CiphertextForRecipient: Uint8Array }).CiphertextForRecipient);
      return result;
    };
    client.middlewareStack.addRelativeTo(see as never, { relation: "after", toMiddleware: ENCLAVE_RECIPIENT_MIDDLEWARE, name: "seeCiphertextForRecipient" });
    keyId = (await admin.send(new sdk.CreateKeyCommand({ Policy: releaseOnlyTo(kms.pcr0) }))).KeyMetadata!.Arn!;
    const agreement = await admin.send(new sdk.CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT", Policy: releaseOnlyTo(kms.pcr0) }));
    agreementKeyId = agreement.KeyMetadata!.Arn!;
  });
  afterAll(() => {
    admin.destroy();
    client.destroy();
  });

  const peer = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "der", type: "spki" });
  test.each([
    ["Decrypt", "Plaintext"],
    ["GenerateDataKey", "Plaintext"],
    ["GenerateDataKeyPair", "PrivateKeyPlaintext"],
    ["GenerateRandom", "Plaintext"],
    ["DeriveSharedSecret", "SharedSecret"],
  ])("%s: %s", async (operation, member) => {
    let command: object;
    if (operation === "Decrypt") {
      const { CiphertextBlob } = await admin.send(new sdk.EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("checked by openssl") }));
      command = new sdk.DecryptCommand({ CiphertextBlob });
    } else if (operation === "GenerateDataKey") command = new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" });
    else if (operation === "GenerateDataKeyPair") command = new sdk.GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: "RSA_3072" });
    else if (operation === "GenerateRandom") command = new sdk.GenerateRandomCommand({ NumberOfBytes: 1024 });
    else command = new sdk.DeriveSharedSecretCommand({ KeyId: agreementKeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peer });

    seen.length = 0;
    const out = (await client.send(command as never)) as unknown as Record<string, unknown>;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out[member] as Uint8Array)).toEqual(opensslCmsDecrypt(seen[0], privateKey));
    expect(out).not.toHaveProperty("CiphertextForRecipient");
  });
});
