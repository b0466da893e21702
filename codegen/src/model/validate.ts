// Checks that a model is a well-formed Smithy JSON AST before anything is generated from it: every shape has
// a known type, every member and operation reference resolves, every `errors` entry is an @error structure,
// and every structure can be built without containing itself. Errors name the shape at fault.
import { ModelValidationError } from "../errors";
import { PRELUDE } from "./prelude";
import { isRequired, SHAPE_TYPES, type MemberShape, type Model, type Shape } from "./types";

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
    const checkErrorRef = (where: string, ref: { target: string }) => {
      checkRef(where, ref);
      const target = model.shapes[ref.target];
      if (target?.type !== "structure" || target.traits?.["smithy.api#error"] === undefined) {
        throw new ModelValidationError(id, `${where} targets ${ref.target}, which is not a structure with the @error trait`);
      }
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
        listOf(id, "errors", shape.errors).forEach((e, i) => checkErrorRef(`errors[${i}]`, e));
        checkPaginated(model, id, shape, servicePaginated);
        break;
      case "service":
      case "resource":
        if (shape.type === "service") listOf(id, "errors", shape.errors).forEach((e, i) => checkErrorRef(`errors[${i}]`, e));
        listOf(id, "operations", shape.operations).forEach((e, i) => checkRef(`operations[${i}]`, e));
        listOf(id, "resources", shape.resources).forEach((e, i) => checkRef(`resources[${i}]`, e));
        break;
    }
  }
  checkBuildable(model);
}

/**
 * Smithy forbids a shape that no finite value can satisfy: a structure whose required members lead back to
 * itself, or a union whose every member does. A list or a map breaks such a cycle (it may be empty), and so
 * does an optional member or a union member that leads elsewhere. Computed as the least fixed point of
 * "can be built": simple shapes, lists and maps can; a structure can when all its required members can; a
 * union can when one of its members can. What is left over lies on or behind such a cycle.
 */
function checkBuildable(model: Model) {
  const aggregates = Object.keys(model.shapes).filter((id) => ["structure", "union"].includes(model.shapes[id]!.type));
  const isAggregate = new Set(aggregates);
  const members = (id: string) => Object.entries(model.shapes[id]!.members ?? {});
  const built = new Set<string>();
  const canBuild = (target: string) => !isAggregate.has(target) || built.has(target);
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of aggregates) {
      if (built.has(id)) continue;
      const all = members(id);
      const ok =
        model.shapes[id]!.type === "structure"
          ? all.every(([, m]) => !isRequired(m) || canBuild(m.target))
          : all.length === 0 || all.some(([, m]) => canBuild(m.target));
      if (ok) {
        built.add(id);
        grew = true;
      }
    }
  }
  const first = aggregates.find((id) => !built.has(id));
  if (first === undefined) return;
  // Follow members that cannot be built until a shape comes round again: that is the cycle.
  const steps: { id: string; member: string }[] = [];
  let at = first;
  while (!steps.some((s) => s.id === at)) {
    const isStructure = model.shapes[at]!.type === "structure";
    const [name, m] = members(at).find(([, m]) => (!isStructure || isRequired(m)) && !canBuild(m.target))!;
    steps.push({ id: at, member: name });
    at = m.target;
  }
  const cycle = steps.slice(steps.findIndex((s) => s.id === at));
  const path = [...cycle.map((s) => `${s.id}$${s.member}`), at].join(" -> ");
  throw new ModelValidationError(
    at,
    `can only be built by containing itself: ${path} (each step a required member, or a union member with no other way out)`,
  );
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
