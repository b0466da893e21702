// Model transform: make sure the model can carry a Nitro Enclaves attestation document to KMS.
//
// Adds, where missing: AttestationDocumentType (blob, 1..262144 bytes), KeyEncryptionMechanism (enum
// RSAES_OAEP_SHA_256), RecipientInfo {KeyEncryptionAlgorithm, AttestationDocument} (both optional), the
// `Recipient` input member and the `CiphertextForRecipient` (CiphertextType) output member of each recipient
// operation the model has (a model with none of them is left alone). Members go where kms-2026-06-19.json
// puts them. Shapes and members that exist are left exactly as they are, so the transform is idempotent and
// a no-op on a current model. A recipient operation without an input or output structure (none, or
// smithy.api#Unit) cannot carry Recipient or return CiphertextForRecipient: the model is refused.
import { UnsupportedModelError } from "../errors";
import { UNIT, type MemberShape, type Model, type Shape } from "../model/types";
import { serviceOf } from "../model/service";

const doc = (text: string) => ({ "smithy.api#documentation": text });

/** Member order of each recipient operation's input and output in kms-2026-06-19.json. */
export const RECIPIENT_OPERATIONS: Record<string, { input: string[]; output: string[] }> = {
  Decrypt: {
    input: ["CiphertextBlob", "EncryptionContext", "GrantTokens", "KeyId", "EncryptionAlgorithm", "Recipient", "DryRun", "DryRunModifiers"],
    output: ["KeyId", "Plaintext", "EncryptionAlgorithm", "CiphertextForRecipient", "KeyMaterialId"],
  },
  GenerateDataKey: {
    input: ["KeyId", "EncryptionContext", "NumberOfBytes", "KeySpec", "GrantTokens", "Recipient", "DryRun"],
    output: ["CiphertextBlob", "Plaintext", "KeyId", "CiphertextForRecipient", "KeyMaterialId"],
  },
  GenerateDataKeyPair: {
    input: ["EncryptionContext", "KeyId", "KeyPairSpec", "GrantTokens", "Recipient", "DryRun"],
    output: ["PrivateKeyCiphertextBlob", "PrivateKeyPlaintext", "PublicKey", "KeyId", "KeyPairSpec", "CiphertextForRecipient", "KeyMaterialId"],
  },
  GenerateRandom: {
    input: ["NumberOfBytes", "CustomKeyStoreId", "Recipient"],
    output: ["Plaintext", "CiphertextForRecipient"],
  },
  DeriveSharedSecret: {
    input: ["KeyId", "KeyAgreementAlgorithm", "PublicKey", "GrantTokens", "DryRun", "Recipient"],
    output: ["KeyId", "SharedSecret", "CiphertextForRecipient", "KeyAgreementAlgorithm", "KeyOrigin"],
  },
};

export function ensureRecipientInfo(model: Model): Model {
  const { namespace } = serviceOf(model);
  const id = (name: string) => `${namespace}#${name}`;
  // Only a service with a recipient operation gets the recipient shapes.
  if (!Object.keys(RECIPIENT_OPERATIONS).some((op) => model.shapes[id(op)]?.type === "operation")) return model;
  const shapes: Record<string, Shape> = { ...model.shapes };
  let changed = false;

  const addShape = (name: string, shape: Shape) => {
    const existing = shapes[id(name)];
    if (existing) {
      // An existing shape is kept as it is, but members are about to point at it: it must be of the right kind.
      const fits = existing.type === shape.type || (shape.type === "enum" && existing.type === "string");
      if (!fits) throw new UnsupportedModelError(id(name), `is a ${existing.type}; a recipient needs it to be a ${shape.type}`);
      return;
    }
    shapes[id(name)] = shape;
    changed = true;
  };
  addShape("AttestationDocumentType", {
    type: "blob",
    traits: { "smithy.api#length": { min: 1, max: 262144 } },
  });
  addShape("KeyEncryptionMechanism", {
    type: "enum",
    members: { RSAES_OAEP_SHA_256: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "RSAES_OAEP_SHA_256" } } },
  });
  addShape("CiphertextType", { type: "blob", traits: { "smithy.api#length": { min: 1, max: 6144 } } });
  addShape("RecipientInfo", {
    type: "structure",
    members: {
      KeyEncryptionAlgorithm: {
        target: id("KeyEncryptionMechanism"),
        traits: doc("<p>The algorithm KMS uses with the public key in the attestation document to encrypt the response for the recipient. The only valid value is <code>RSAES_OAEP_SHA_256</code>.</p>"),
      },
      AttestationDocument: {
        target: id("AttestationDocumentType"),
        traits: doc("<p>The signed attestation document of the attested environment (such as a Nitro Enclave); it carries the recipient's public key.</p>"),
      },
    },
    traits: doc("<p>The attested party that receives the response: KMS encrypts the response's secret to the public key in its attestation document.</p>"),
  });

  for (const [opName, order] of Object.entries(RECIPIENT_OPERATIONS)) {
    const op = shapes[id(opName)];
    if (!op || op.type !== "operation") continue;
    for (const [io, member] of [["input", "Recipient"], ["output", "CiphertextForRecipient"]] as const) {
      const target = op[io]?.target;
      if (target === undefined || target === UNIT) {
        throw new UnsupportedModelError(id(opName), `is a Recipient operation but has no ${io} structure (its ${io} is ${target ?? "missing"}) to carry ${member}`);
      }
    }
    changed = addMember(shapes, op.input!.target, "Recipient", order.input, {
      target: id("RecipientInfo"),
      traits: doc("<p>A signed attestation document and the encryption algorithm to use with its public key. With it, KMS returns the secret in <code>CiphertextForRecipient</code>, encrypted to that key, instead of in plaintext.</p>"),
    }) || changed;
    changed = addMember(shapes, op.output!.target, "CiphertextForRecipient", order.output, {
      target: id("CiphertextType"),
      traits: doc("<p>The secret encrypted to the public key in the request's attestation document (CMS EnvelopedData), returned only when the request has a valid <code>Recipient</code>.</p>"),
    }) || changed;
  }
  return changed ? { ...model, shapes } : model;
}

/** Adds `name` to a structure (copy-on-write) at the position `order` gives it, unless it is there already. */
function addMember(shapes: Record<string, Shape>, structId: string, name: string, order: string[], member: MemberShape): boolean {
  const struct = shapes[structId];
  if (!struct || struct.type !== "structure") {
    throw new UnsupportedModelError(structId, `expected a structure to add ${name} to`);
  }
  const members = struct.members ?? {};
  if (name in members) return false;
  const names = Object.keys(members);
  const at = insertionIndex(names, name, order);
  names.splice(at, 0, name);
  const next: Record<string, MemberShape> = {};
  for (const n of names) next[n] = n === name ? member : members[n]!;
  shapes[structId] = { ...struct, members: next };
  return true;
}

/** Right after the nearest member that precedes `name` in `order`, else before the nearest that follows it. */
export function insertionIndex(names: string[], name: string, order: string[]): number {
  const pos = order.indexOf(name);
  for (let i = pos - 1; i >= 0; i--) {
    const at = names.indexOf(order[i]!);
    if (at >= 0) return at + 1;
  }
  for (let i = pos + 1; i < order.length; i++) {
    const at = names.indexOf(order[i]!);
    if (at >= 0) return at;
  }
  return names.length;
}
