// The API difference update-model.sh's plan prints: each kind of change, checked on small model edits, and
// nothing at all between two models that differ only where the transforms make them equal.
import { join } from "node:path";
import { buildContext } from "../src/emit/context";
import type { Model } from "../src/model/types";
import { transformModel } from "../src/pipeline";
import { diffApi, formatApiDiff } from "../src/update/apiDiff";
import { FIRST_RECIPIENT_MODEL, FIXTURES, PACKAGE, PRE_RECIPIENT_MODEL, readModel } from "./helpers";

const ns = "example.kms#";
/** The small fixture model, changed by `edit`. */
const mini = (edit: (m: any) => void = () => {}): Model => {
  const m = readModel(join(FIXTURES, "mini-pre-recipient.json")) as any;
  edit(m);
  return m;
};
const api = (before: Model, after: Model) => {
  const context = (model: Model) => buildContext(transformModel(model).model, "m.json", PACKAGE);
  return diffApi(context(before), context(after));
};
const withKeyList = (member: string) => (m: any) => {
  m.shapes[`${ns}DecryptResponse`].members.Keys = { target: `${ns}KeyList` };
  m.shapes[`${ns}KeyList`] = { type: "list", member: { target: member } };
};
const mechanisms = (members: Record<string, string>) => (m: any) => {
  const entries = Object.entries(members).map(([name, value]) => [name, { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": value } }]);
  m.shapes[`${ns}KeyEncryptionMechanism`] = { type: "enum", members: Object.fromEntries(entries) };
};

it("enum values added and removed, and a value that changed", () => {
  const before = mini(mechanisms({ RSAES_OAEP_SHA_256: "RSAES_OAEP_SHA_256", RSA_OLD: "RSA_OLD" }));
  const after = mini(mechanisms({ RSAES_OAEP_SHA_256: "RSAES-OAEP-SHA-256", RSAES_OAEP_SHA_1: "RSAES_OAEP_SHA_1" }));
  const d = api(before, after);
  expect(d.enumValuesAdded).toEqual(["KeyEncryptionMechanism.RSAES_OAEP_SHA_1"]);
  expect(d.enumValuesRemoved).toEqual(["KeyEncryptionMechanism.RSA_OLD"]);
  expect(d.shapesChanged).toEqual(["KeyEncryptionMechanism.RSAES_OAEP_SHA_256: value RSAES_OAEP_SHA_256 -> RSAES-OAEP-SHA-256"]);
});

it("a member that became required, a shape whose type changed, an error removed with its shape", () => {
  const d = api(
    mini(),
    mini((m) => {
      m.shapes[`${ns}DecryptRequest`].members.KeyId.traits = { "smithy.api#required": {} };
      m.shapes[`${ns}PlaintextType`] = { type: "string" };
      m.shapes[`${ns}Decrypt`].errors = [];
    }),
  );
  expect(d.membersChanged).toEqual(["DecryptRequest$KeyId: now required"]);
  expect(d.shapesChanged).toEqual(["PlaintextType: blob -> string"]);
  expect(d.errorsRemoved).toEqual(["Decrypt: NotFoundException"]);
  expect(d.shapesRemoved).toEqual(["NotFoundException"]);
});

it("a list whose member changed", () => {
  expect(api(mini(withKeyList("smithy.api#String")), mini(withKeyList("smithy.api#Integer"))).shapesChanged).toEqual([
    "KeyList: member String -> Integer",
  ]);
});

it("the pre-recipient and first-recipient models have the same API once ensureRecipientInfo has run", () => {
  expect(formatApiDiff(api(readModel(PRE_RECIPIENT_MODEL), readModel(FIRST_RECIPIENT_MODEL)))).toBe("  no API difference\n");
});

it("formats one line per kind of change, with counts", () => {
  const d = api(mini(), mini((m) => (m.shapes[`${ns}DecryptRequest`].members.GrantTokens = { target: "smithy.api#String" })));
  expect(formatApiDiff(d)).toBe("  members added (1): DecryptRequest$GrantTokens\n");
});
