// Reads a Smithy JSON AST file. The prelude is not merged in: validation and the emitters look it up beside it.
import { readFileSync } from "node:fs";
import { ModelReadError, ModelValidationError } from "../errors";
import type { Model } from "./types";

export function loadModel(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ModelReadError(`cannot read model ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelReadError(`model ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ModelValidationError("<model>", `${path} is not a Smithy JSON AST object`);
  }
  const model = json as Partial<Model>;
  if (typeof model.smithy !== "string" || !model.smithy.startsWith("2.")) {
    throw new ModelValidationError("<model>", `${path}: expected "smithy": "2.x", got ${JSON.stringify(model.smithy)}`);
  }
  if (typeof model.shapes !== "object" || model.shapes === null || Array.isArray(model.shapes)) {
    throw new ModelValidationError("<model>", `${path}: "shapes" must be an object`);
  }
  return model as Model;
}
