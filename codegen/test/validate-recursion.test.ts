// Recursion Smithy allows passes validation: a cycle broken by an optional member, a list, a map or a union
// member that leads elsewhere. (Cycles it forbids are refused in malformed-models.test.ts.)
import { join } from "node:path";
import { validateModel } from "../src/model/validate";
import type { Model, Shape } from "../src/model/types";
import { CURRENT_MODEL, FIRST_RECIPIENT_MODEL, FIXTURES, PRE_RECIPIENT_MODEL, readModel } from "./helpers";

const required = { "smithy.api#required": {} };
const withShapes = (shapes: Record<string, Shape>): Model => {
  const model = readModel(join(FIXTURES, "mini-pre-recipient.json"));
  return { ...model, shapes: { ...model.shapes, ...shapes } };
};

it.each<[string, Record<string, Shape>]>([
  ["an optional member back to itself", { "example.kms#Node": { type: "structure", members: { Next: { target: "example.kms#Node" } } } }],
  [
    "a required list of itself",
    {
      "example.kms#Tree": { type: "structure", members: { Children: { target: "example.kms#Trees", traits: required } } },
      "example.kms#Trees": { type: "list", member: { target: "example.kms#Tree" } },
    },
  ],
  [
    "a required map of itself",
    {
      "example.kms#Dir": { type: "structure", members: { Entries: { target: "example.kms#Entries", traits: required } } },
      "example.kms#Entries": { type: "map", key: { target: "smithy.api#String" }, value: { target: "example.kms#Dir" } },
    },
  ],
  [
    "a required union with a member that leads elsewhere",
    {
      "example.kms#Expr": { type: "structure", members: { Body: { target: "example.kms#Term", traits: required } } },
      "example.kms#Term": { type: "union", members: { Nested: { target: "example.kms#Expr" }, Literal: { target: "smithy.api#String" } } },
    },
  ],
  [
    "two structures whose cycle has one optional step",
    {
      "example.kms#A": { type: "structure", members: { B: { target: "example.kms#B", traits: required } } },
      "example.kms#B": { type: "structure", members: { A: { target: "example.kms#A" } } },
    },
  ],
])("accepts %s", (_what, shapes) => {
  expect(() => validateModel(withShapes(shapes))).not.toThrow();
});

it.each([
  ["kms-2026-06-19.json", CURRENT_MODEL],
  ["kms-2023-04-25-pre-recipient.json", PRE_RECIPIENT_MODEL],
  ["kms-2023-05-first-recipient.json", FIRST_RECIPIENT_MODEL],
  ["mini-features.json (an optional self-reference)", join(FIXTURES, "mini-features.json")],
])("accepts %s", (_name, path) => {
  expect(() => validateModel(readModel(path))).not.toThrow();
});
