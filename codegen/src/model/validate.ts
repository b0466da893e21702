// Checks that a model is a well-formed Smithy JSON AST before anything is generated from it: every shape has
// a known type, every member and operation reference resolves. Errors name the shape at fault.
import { ModelValidationError } from "../errors";
import { isPrelude } from "./prelude";
import { SHAPE_TYPES, type MemberShape, type Model, type Shape } from "./types";

const SHAPE_ID = /^[A-Za-z_][A-Za-z0-9_.]*#[A-Za-z_][A-Za-z0-9_]*$/;

export function validateModel(model: Model): void {
  const exists = (id: string) => Object.prototype.hasOwnProperty.call(model.shapes, id) || isPrelude(id);
  for (const [id, shape] of Object.entries(model.shapes)) {
    if (!SHAPE_ID.test(id)) throw new ModelValidationError(id, "is not a valid absolute shape id");
    if (typeof shape !== "object" || shape === null || Array.isArray(shape)) {
      throw new ModelValidationError(id, "shape definition must be an object");
    }
    if (typeof shape.type !== "string" || !SHAPE_TYPES.has(shape.type) || shape.type === "member") {
      throw new ModelValidationError(id, `unknown shape type ${JSON.stringify(shape.type)}`);
    }
    if (shape.traits !== undefined && (typeof shape.traits !== "object" || shape.traits === null)) {
      throw new ModelValidationError(id, "traits must be an object");
    }
    const checkMember = (where: string, member: MemberShape | undefined, required = true) => {
      if (member === undefined && !required) return;
      if (typeof member !== "object" || member === null || typeof member.target !== "string") {
        throw new ModelValidationError(`${id}$${where}`, "member must be an object with a string target");
      }
      if (!exists(member.target)) {
        throw new ModelValidationError(`${id}$${where}`, `targets missing shape ${member.target}`);
      }
    };
    const checkRef = (where: string, ref: { target: string } | undefined) => {
      if (ref === undefined) return;
      if (typeof ref !== "object" || ref === null || typeof ref.target !== "string") {
        throw new ModelValidationError(id, `${where} must be a {"target": ...} reference`);
      }
      if (!exists(ref.target)) throw new ModelValidationError(id, `${where} refers to missing shape ${ref.target}`);
    };
    switch (shape.type) {
      case "structure":
      case "union":
      case "enum":
      case "intEnum":
        checkMembers(id, shape, checkMember);
        break;
      case "list":
      case "set":
        checkMember("member", shape.member);
        break;
      case "map":
        checkMember("key", shape.key);
        checkMember("value", shape.value);
        break;
      case "operation":
        checkRef("input", shape.input);
        checkRef("output", shape.output);
        listOf(id, "errors", shape.errors).forEach((e, i) => checkRef(`errors[${i}]`, e));
        break;
      case "service":
      case "resource":
        listOf(id, "operations", shape.operations).forEach((e, i) => checkRef(`operations[${i}]`, e));
        listOf(id, "resources", shape.resources).forEach((e, i) => checkRef(`resources[${i}]`, e));
        break;
    }
  }
}

function checkMembers(id: string, shape: Shape, checkMember: (where: string, m: MemberShape) => void) {
  if (shape.members === undefined) return;
  if (typeof shape.members !== "object" || shape.members === null || Array.isArray(shape.members)) {
    throw new ModelValidationError(id, "members must be an object");
  }
  for (const [name, member] of Object.entries(shape.members)) checkMember(name, member);
}

function listOf<T>(id: string, what: string, value: T[] | undefined): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ModelValidationError(id, `${what} must be a list`);
  return value;
}
