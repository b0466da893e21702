// Data keys and randomness: GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext),
// GenerateRandom. With a Recipient, the plaintext goes out only as CiphertextForRecipient.
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { sealBlob } from "../ciphertext.js";
import { random } from "../random.js";
import { encryptForRecipient } from "../cms.js";
import { InvalidKeyUsageException, UnsupportedOperationException, ValidationException } from "../errors.js";
import type { Input } from "../input.js";
import { DATA_KEY_PAIR_SPECS, generateMaterial, MODEL_DATA_KEY_PAIR_SPECS, type DataKeyPairSpec } from "../key-specs.js";
import { b64, type Caller, type Kms } from "../kms.js";
import type { Recipient } from "../recipient.js";
import type { StoredKey } from "../store.js";
import { grantTokens, keyIdRule, type Operation } from "./types.js";

/** Resolves and checks the symmetric encryption key that wraps a data key; authorizes the action. */
function wrappingKey(kms: Kms, input: Input, caller: Caller, action: string, withRecipient: boolean) {
  const keyId = input.string("KeyId", { ...keyIdRule, required: true });
  const context = input.stringMap("EncryptionContext");
  grantTokens(input);
  const document = withRecipient ? kms.recipients.read(input) : undefined;
  return {
    context,
    /** Call once every other member has been read: resolves and checks the key, verifies any Recipient. */
    finish: async (): Promise<{ key: StoredKey; recipient: Recipient | undefined }> => {
      const key = kms.resolveKey(keyId);
      kms.requireEnabled(key);
      if (key.record.keySpec !== "SYMMETRIC_DEFAULT" || key.record.keyUsage !== "ENCRYPT_DECRYPT") {
        throw new InvalidKeyUsageException(`${kms.keyArn(key.record.keyId)} key usage is ${key.record.keyUsage} (${key.record.keySpec}) which is not valid for ${action}.`);
      }
      const recipient = await kms.recipients.verified(document);
      kms.authorize(key, action, caller, kms.conditionContext(caller, { encryptionContext: context, recipient }));
      kms.dryRun(input);
      return { key, recipient };
    },
  };
}

function dataKeyLength(input: Input): number {
  const bytes = input.integer("NumberOfBytes", { min: 1, max: 1024 });
  const spec = input.enumOf("KeySpec", ["AES_256", "AES_128"] as const);
  if ((bytes === undefined) === (spec === undefined)) {
    throw new ValidationException("Please specify either number of bytes or key spec.");
  }
  return bytes ?? (spec === "AES_128" ? 16 : 32);
}

function generateDataKey(action: "GenerateDataKey" | "GenerateDataKeyWithoutPlaintext"): Operation {
  return async (kms, input, caller) => {
    const withPlaintext = action === "GenerateDataKey";
    const { context, finish } = wrappingKey(kms, input, caller, action, withPlaintext);
    const length = dataKeyLength(input);
    const { key, recipient } = await finish();
    const dataKey = random(length);
    try {
      return {
        CiphertextBlob: b64(sealBlob(key.record.keyId, key.record.material, dataKey, context)),
        KeyId: kms.keyArn(key.record.keyId),
        ...(!withPlaintext ? {} : recipient
          ? { CiphertextForRecipient: b64(encryptForRecipient(dataKey, recipient.publicKey, recipient.spki)) }
          : { Plaintext: b64(dataKey) }),
      };
    } finally {
      dataKey.fill(0);
    }
  };
}
export const GenerateDataKey = generateDataKey("GenerateDataKey");
export const GenerateDataKeyWithoutPlaintext = generateDataKey("GenerateDataKeyWithoutPlaintext");

function generateDataKeyPair(action: "GenerateDataKeyPair" | "GenerateDataKeyPairWithoutPlaintext"): Operation {
  return async (kms, input, caller) => {
    const withPlaintext = action === "GenerateDataKeyPair";
    const { context, finish } = wrappingKey(kms, input, caller, action, withPlaintext);
    const spec = input.enumOf("KeyPairSpec", MODEL_DATA_KEY_PAIR_SPECS, { required: true });
    if (!(DATA_KEY_PAIR_SPECS as readonly string[]).includes(spec)) throw new UnsupportedOperationException(`KeyPairSpec ${spec} is not supported by kms-local.`);
    const { key, recipient } = await finish();
    const privateDer = await generateMaterial(spec as DataKeyPairSpec);
    try {
      const publicDer = createPublicKey(createPrivateKey({ key: privateDer, format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
      return {
        PrivateKeyCiphertextBlob: b64(sealBlob(key.record.keyId, key.record.material, privateDer, context)),
        PublicKey: b64(publicDer),
        KeyId: kms.keyArn(key.record.keyId),
        KeyPairSpec: spec,
        ...(!withPlaintext ? {} : recipient
          ? { CiphertextForRecipient: b64(encryptForRecipient(privateDer, recipient.publicKey, recipient.spki)) }
          : { PrivateKeyPlaintext: b64(privateDer) }),
      };
    } finally {
      privateDer.fill(0);
    }
  };
}
export const GenerateDataKeyPair = generateDataKeyPair("GenerateDataKeyPair");
export const GenerateDataKeyPairWithoutPlaintext = generateDataKeyPair("GenerateDataKeyPairWithoutPlaintext");

export const GenerateRandom: Operation = async (kms, input) => {
  const length = input.integer("NumberOfBytes", { required: true, min: 1, max: 1024 })!;
  if (input.string("CustomKeyStoreId", { min: 1, max: 64 }) !== undefined) {
    throw new UnsupportedOperationException("Custom key stores are not supported by kms-local.");
  }
  // No KMS key is involved, so no key policy applies; the attestation document is still verified.
  const recipient = await kms.recipients.verified(kms.recipients.read(input));
  const random = randomBytes(length);
  return recipient
    ? { CiphertextForRecipient: b64(encryptForRecipient(random, recipient.publicKey, recipient.spki)) }
    : { Plaintext: b64(random) };
};
