import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureRecipientInfo, insertionIndex } from "../src/transforms/ensureRecipientInfo";
import { validateModel } from "../src/model/validate";
import type { Model } from "../src/model/types";
import { CURRENT_MODEL, FIXTURES, readModel } from "./helpers";

const mini = () => readModel(join(FIXTURES, "mini-pre-recipient.json"));
const ns = "example.kms";

describe("ensureRecipientInfo on a small model without RecipientInfo", () => {
  const before = mini();
  const after = ensureRecipientInfo(before);
  const shape = (name: string) => after.shapes[`${ns}#${name}`]!;

  it("adds AttestationDocumentType as a blob of 1..262144 bytes", () => {
    expect(shape("AttestationDocumentType")).toEqual({
      type: "blob",
      traits: { "smithy.api#length": { min: 1, max: 262144 } },
    });
  });

  it("adds KeyEncryptionMechanism as an enum with the single value RSAES_OAEP_SHA_256", () => {
    const e = shape("KeyEncryptionMechanism");
    expect(e.type).toBe("enum");
    expect(Object.keys(e.members!)).toEqual(["RSAES_OAEP_SHA_256"]);
    expect(e.members!.RSAES_OAEP_SHA_256!.traits!["smithy.api#enumValue"]).toBe("RSAES_OAEP_SHA_256");
  });

  it("adds RecipientInfo with two optional members of the right types", () => {
    const r = shape("RecipientInfo");
    expect(r.type).toBe("structure");
    expect(Object.keys(r.members!)).toEqual(["KeyEncryptionAlgorithm", "AttestationDocument"]);
    expect(r.members!.KeyEncryptionAlgorithm!.target).toBe(`${ns}#KeyEncryptionMechanism`);
    expect(r.members!.AttestationDocument!.target).toBe(`${ns}#AttestationDocumentType`);
    for (const m of Object.values(r.members!)) expect(m.traits ?? {}).not.toHaveProperty(["smithy.api#required"]);
  });

  it("adds Recipient to inputs and CiphertextForRecipient to outputs where the current model has them", () => {
    expect(Object.keys(shape("DecryptRequest").members!)).toEqual(["CiphertextBlob", "KeyId", "EncryptionAlgorithm", "Recipient"]);
    expect(Object.keys(shape("DecryptResponse").members!)).toEqual(["KeyId", "Plaintext", "EncryptionAlgorithm", "CiphertextForRecipient"]);
    expect(Object.keys(shape("GenerateRandomRequest").members!)).toEqual(["NumberOfBytes", "Recipient"]);
    expect(Object.keys(shape("GenerateRandomResponse").members!)).toEqual(["Plaintext", "CiphertextForRecipient"]);
    expect(shape("DecryptRequest").members!.Recipient!.target).toBe(`${ns}#RecipientInfo`);
    expect(shape("DecryptResponse").members!.CiphertextForRecipient!.target).toBe(`${ns}#CiphertextType`);
    expect(shape("DecryptRequest").members!.Recipient!.traits).not.toHaveProperty(["smithy.api#required"]);
  });

  it("leaves operations that do not take a recipient, and absent operations, alone", () => {
    expect(after.shapes[`${ns}#ListKeysRequest`]).toBe(before.shapes[`${ns}#ListKeysRequest`]);
    expect(after.shapes[`${ns}#GenerateDataKey`]).toBeUndefined();
    expect(after.shapes[`${ns}#DeriveSharedSecretRequest`]).toBeUndefined();
  });

  it("does not modify the model it is given", () => {
    expect(before).toEqual(mini());
  });

  it("leaves a valid model", () => {
    expect(() => validateModel(after)).not.toThrow();
  });

  it("is idempotent: a second application returns the same model object", () => {
    expect(ensureRecipientInfo(after)).toBe(after);
  });
});

describe("ensureRecipientInfo on models that already have some or all of it", () => {
  it("is a no-op on kms-2026-06-19.json", () => {
    const model = readModel(CURRENT_MODEL);
    const copy = JSON.parse(JSON.stringify(model)) as Model;
    expect(ensureRecipientInfo(model)).toBe(model);
    expect(model).toEqual(copy);
  });

  it("keeps an existing RecipientInfo and only adds the members that are missing", () => {
    const base = ensureRecipientInfo(mini());
    const custom = { ...base.shapes[`${ns}#RecipientInfo`]!, traits: { "smithy.api#documentation": "mine" } };
    const decryptRequest = base.shapes[`${ns}#DecryptRequest`]!;
    const { Recipient: _dropped, ...withoutRecipient } = decryptRequest.members!;
    const partial: Model = {
      ...base,
      shapes: { ...base.shapes, [`${ns}#RecipientInfo`]: custom, [`${ns}#DecryptRequest`]: { ...decryptRequest, members: withoutRecipient } },
    };
    const result = ensureRecipientInfo(partial);
    expect(result.shapes[`${ns}#RecipientInfo`]).toBe(custom);
    expect(Object.keys(result.shapes[`${ns}#DecryptRequest`]!.members!)).toEqual(Object.keys(decryptRequest.members!));
    expect(result.shapes[`${ns}#DecryptResponse`]).toBe(base.shapes[`${ns}#DecryptResponse`]);
  });
});

describe("insertionIndex", () => {
  const order = ["A", "B", "Recipient", "C", "D"];
  it("goes right after the nearest preceding member that exists", () => {
    expect(insertionIndex(["A", "B", "C", "D"], "Recipient", order)).toBe(2);
    expect(insertionIndex(["A", "C", "D"], "Recipient", order)).toBe(1);
    expect(insertionIndex(["X", "A", "Y"], "Recipient", order)).toBe(2);
  });
  it("else right before the nearest following member, else at the end", () => {
    expect(insertionIndex(["X", "C", "D"], "Recipient", order)).toBe(1);
    expect(insertionIndex(["X", "Y"], "Recipient", order)).toBe(2);
    expect(insertionIndex([], "Recipient", order)).toBe(0);
  });
});

it("the fixture is a real pre-recipient model", () => {
  expect(readFileSync(join(FIXTURES, "mini-pre-recipient.json"), "utf8")).not.toContain("Recipient");
});

it("leaves a service without any recipient operation alone", () => {
  const model = readModel(join(FIXTURES, "mini-features.json"));
  expect(ensureRecipientInfo(model)).toBe(model);
});

it("refuses a model whose RecipientInfo is not a structure, naming the shape", () => {
  const model = readModel(join(FIXTURES, "mini-pre-recipient.json"));
  model.shapes[`${ns}#RecipientInfo`] = { type: "string" };
  expect(() => ensureRecipientInfo(model)).toThrow(/example\.kms#RecipientInfo: is a string; a recipient needs it to be a structure/);
});

describe("ensureRecipientInfo on kms-2026-06-19.json stripped of everything recipient", () => {
  const current = readModel(CURRENT_MODEL);
  const k = (name: string) => `com.amazonaws.kms#${name}`;
  const ops = ["Decrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateRandom", "DeriveSharedSecret"];
  const stripped: Model = JSON.parse(JSON.stringify(current));
  for (const name of ["RecipientInfo", "KeyEncryptionMechanism", "AttestationDocumentType"]) delete stripped.shapes[k(name)];
  for (const op of ops) {
    const { input, output } = stripped.shapes[k(op)]!;
    delete stripped.shapes[input!.target]!.members!.Recipient;
    delete stripped.shapes[output!.target]!.members!.CiphertextForRecipient;
  }
  const rebuilt = ensureRecipientInfo(stripped);
  const noDocs = (shape: unknown) => JSON.parse(JSON.stringify(shape, (key, value) => (key === "smithy.api#documentation" ? undefined : value)));

  it.each(ops)("puts Recipient and CiphertextForRecipient back on %s where the model has them", (op) => {
    for (const io of ["input", "output"] as const) {
      const id = current.shapes[k(op)]![io]!.target;
      expect(Object.keys(rebuilt.shapes[id]!.members!)).toEqual(Object.keys(current.shapes[id]!.members!));
      expect(noDocs(rebuilt.shapes[id])).toEqual(noDocs(current.shapes[id]));
    }
  });

  it.each(["RecipientInfo", "KeyEncryptionMechanism", "AttestationDocumentType"])("puts %s back as the model defines it", (name) => {
    expect(noDocs(rebuilt.shapes[k(name)])).toEqual(noDocs(current.shapes[k(name)]));
  });
});
