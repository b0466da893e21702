// Data keys and randomness: GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext),
// GenerateRandom. The operations that return plaintext also take a Recipient (see operation.ts's release).
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { sealBlob } from "../ciphertext.js";
import { InvalidKeyUsageException, UnsupportedOperationException, ValidationException } from "../errors.js";
import type { Input } from "../input.js";
import { generateMaterial } from "../key-generation.js";
import { DATA_KEY_PAIR_SPECS, MODEL_DATA_KEY_PAIR_SPECS, type DataKeyPairSpec } from "../key-specs.js";
import { b64, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";
import { encryptionContext, grantTokens, requiredKeyId } from "./members.js";
import { operation, type KeyUse } from "./operation.js";

interface WrappingRequest {
  keyId: string;
  context: Record<string, string> | undefined;
}

const readWrapping = (input: Input): WrappingRequest => {
  const keyId = requiredKeyId(input);
  const context = encryptionContext(input);
  grantTokens(input);
  return { keyId, context };
};

/** The symmetric encryption key that wraps a data key. */
const wrappingKey = (action: string): KeyUse<WrappingRequest> => ({
  resolve: (kms, r) => kms.resolveKey(r.keyId),
  state: "enabled",
  check(kms: Kms, key: StoredKey) {
    if (key.record.keySpec !== "SYMMETRIC_DEFAULT" || key.record.keyUsage !== "ENCRYPT_DECRYPT") {
      throw new InvalidKeyUsageException(`${kms.keyArn(key.record.keyId)} key usage is ${key.record.keyUsage} (${key.record.keySpec}) which is not valid for ${action}.`);
    }
  },
  action,
  // Data keys are wrapped with the symmetric algorithm: kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT.
  conditions: (r) => ({ encryptionContext: r.context, encryptionAlgorithm: "SYMMETRIC_DEFAULT" }),
});

function dataKeyLength(input: Input): number {
  const bytes = input.integer("NumberOfBytes", { min: 1, max: 1024 });
  const spec = input.enumOf("KeySpec", ["AES_256", "AES_128"] as const);
  if ((bytes === undefined) === (spec === undefined)) {
    throw new ValidationException("Please specify either number of bytes or key spec.");
  }
  return bytes ?? (spec === "AES_128" ? 16 : 32);
}

const generateDataKey = (withPlaintext: boolean) => {
  const action = withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
  return operation({
    read: (input: Input) => ({ ...readWrapping(input), length: dataKeyLength(input) }),
    keys: [wrappingKey(action)],
    recipient: withPlaintext,
    plaintext: withPlaintext ? "Plaintext" : undefined,
    omitWithRecipient: ["KeyMaterialId"],
    dryRun: true,
    act({ kms, request: r, keys: [key] }) {
      const dataKey = randomBytes(r.length);
      const output = {
        CiphertextBlob: b64(sealBlob(key!.record.keyId, key!.record.material, dataKey, r.context)),
        KeyId: kms.keyArn(key!.record.keyId),
        KeyMaterialId: key!.keyMaterialId,
      };
      if (withPlaintext) return { ...output, Plaintext: dataKey };
      dataKey.fill(0);
      return output;
    },
  });
};
export const GenerateDataKey = generateDataKey(true);
export const GenerateDataKeyWithoutPlaintext = generateDataKey(false);

const generateDataKeyPair = (withPlaintext: boolean) => {
  const action = withPlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext";
  return operation({
    read(input: Input) {
      const wrapping = readWrapping(input);
      const spec = input.enumOf("KeyPairSpec", MODEL_DATA_KEY_PAIR_SPECS, { required: true });
      if (!(DATA_KEY_PAIR_SPECS as readonly string[]).includes(spec)) throw new UnsupportedOperationException(`KeyPairSpec ${spec} is not supported by kms-local.`);
      return { ...wrapping, spec: spec as DataKeyPairSpec };
    },
    keys: [wrappingKey(action)],
    recipient: withPlaintext,
    plaintext: withPlaintext ? "PrivateKeyPlaintext" : undefined,
    dryRun: true,
    async act({ kms, request: r, keys: [key] }) {
      const privateDer = await generateMaterial(r.spec);
      try {
        const publicDer = createPublicKey(createPrivateKey({ key: privateDer, format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
        const output = {
          PrivateKeyCiphertextBlob: b64(sealBlob(key!.record.keyId, key!.record.material, privateDer, r.context)),
          PublicKey: b64(publicDer),
          KeyId: kms.keyArn(key!.record.keyId),
          KeyPairSpec: r.spec,
          KeyMaterialId: key!.keyMaterialId,
        };
        if (withPlaintext) return { ...output, PrivateKeyPlaintext: privateDer };
        privateDer.fill(0);
        return output;
      } catch (e) {
        privateDer.fill(0);
        throw e;
      }
    },
  });
};
export const GenerateDataKeyPair = generateDataKeyPair(true);
export const GenerateDataKeyPairWithoutPlaintext = generateDataKeyPair(false);

/** No KMS key is involved, so no key policy applies; a Recipient's document is still verified. */
export const GenerateRandom = operation({
  read(input: Input) {
    const length = input.integer("NumberOfBytes", { required: true, min: 1, max: 1024 })!;
    if (input.string("CustomKeyStoreId", { min: 1, max: 64 }) !== undefined) {
      throw new UnsupportedOperationException("Custom key stores are not supported by kms-local.");
    }
    return { length };
  },
  keys: [],
  recipient: true,
  plaintext: "Plaintext",
  act: ({ request }) => ({ Plaintext: randomBytes(request.length) }),
});
