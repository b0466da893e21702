// Checks that a model is a well-formed Smithy JSON AST before anything is generated from it: every shape has
// a known type, every member and operation reference resolves. Errors name the shape at fault.
import { ModelValidationError } from "../errors";
import { PRELUDE } from "./prelude";
import { SHAPE_TYPES, type MemberShape, type Model, type Shape } from "./types";

const SHAPE_ID = /^[A-Za-z_][A-Za-z0-9_.]*#[A-Za-z_][A-Za-z0-9_]*$/;

export function validateModel(model: Model): void {
  // The prelude is a fixed set of shapes: smithy.api#Nope is as missing as any other undefined id.
  const has = (shapes: object, id: string) => Object.prototype.hasOwnProperty.call(shapes, id);
  const exists = (id: string) => has(model.shapes, id) || has(PRELUDE, id);
  // An operation's paginated trait is completed by its service's (Smithy merges the two).
  const service = Object.values(model.shapes).find((s) => typeof s === "object" && s !== null && s.type === "service");
  const servicePaginated = service?.traits?.["smithy.api#paginated"] as Record<string, unknown> | undefined;
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
        checkShapeTraits(id, shape);
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
        checkPaginated(model, id, shape, servicePaginated);
        break;
      case "service":
      case "resource":
        listOf(id, "operations", shape.operations).forEach((e, i) => checkRef(`operations[${i}]`, e));
        listOf(id, "resources", shape.resources).forEach((e, i) => checkRef(`resources[${i}]`, e));
        break;
    }
  }
}

const MEMBER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkMembers(id: string, shape: Shape, checkMember: (where: string, m: MemberShape) => void) {
  if (shape.members === undefined) return;
  if (typeof shape.members !== "object" || shape.members === null || Array.isArray(shape.members)) {
    throw new ModelValidationError(id, "members must be an object");
  }
  for (const [name, member] of Object.entries(shape.members)) {
    if (!MEMBER_NAME.test(name)) throw new ModelValidationError(`${id}$${name}`, "is not a valid member name");
    checkMember(name, member);
  }
}

/** The traits the generator reads off structures and enums must hold what Smithy says they hold. */
function checkShapeTraits(id: string, shape: Shape) {
  const error = shape.traits?.["smithy.api#error"];
  if (error !== undefined && error !== "client" && error !== "server") {
    throw new ModelValidationError(id, `smithy.api#error must be "client" or "server", not ${JSON.stringify(error)}`);
  }
  if (shape.type === "enum" || shape.type === "intEnum") {
    for (const [name, member] of Object.entries(shape.members ?? {})) {
      const value = member.traits?.["smithy.api#enumValue"];
      const ok = value === undefined ? shape.type === "enum" : shape.type === "enum" ? typeof value === "string" : Number.isInteger(value);
      if (!ok) throw new ModelValidationError(`${id}$${name}`, `enumValue ${JSON.stringify(value)} does not suit a ${shape.type}`);
    }
  }
}

/** A paginated operation has both tokens, and its tokens and page size are members of its input and output. */
function checkPaginated(model: Model, id: string, op: Shape, servicePaginated: Record<string, unknown> | undefined) {
  const own = op.traits?.["smithy.api#paginated"] as Record<string, unknown> | undefined;
  if (own === undefined) return;
  const p = { ...servicePaginated, ...own };
  if (p.inputToken === undefined || p.outputToken === undefined) {
    throw new ModelValidationError(id, "paginated needs an inputToken and an outputToken (on the operation or its service)");
  }
  const membersOf = (ref: { target: string } | undefined) => Object.keys(model.shapes[ref?.target ?? ""]?.members ?? {});
  const input = membersOf(op.input);
  const output = membersOf(op.output);
  for (const [key, where, names] of [["inputToken", "input", input], ["pageSize", "input", input], ["outputToken", "output", output], ["items", "output", output]] as const) {
    const value = p[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || !names.includes(value.split(".")[0]!)) {
      throw new ModelValidationError(id, `paginated ${key} ${JSON.stringify(value)} is not a member of its ${where}`);
    }
  }
}

function listOf<T>(id: string, what: string, value: T[] | undefined): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ModelValidationError(id, `${what} must be a list`);
  return value;
}
