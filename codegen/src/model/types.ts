// The parts of the Smithy 2.0 JSON AST that the generator reads. See https://smithy.io/2.0/spec/json-ast.html
export type Traits = Record<string, unknown>;

export interface MemberShape {
  target: string;
  traits?: Traits;
}

export interface Shape {
  type: string;
  traits?: Traits;
  members?: Record<string, MemberShape>;
  member?: MemberShape; // list
  key?: MemberShape; // map
  value?: MemberShape; // map
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
  operations?: { target: string }[];
  resources?: { target: string }[];
  version?: string;
}

export interface Model {
  smithy: string;
  metadata?: Record<string, unknown>;
  shapes: Record<string, Shape>;
}

/** Shape types a JSON AST may hold (Smithy 2.0). */
export const SHAPE_TYPES = new Set([
  "blob", "boolean", "string", "byte", "short", "integer", "long", "float", "double", "bigInteger",
  "bigDecimal", "timestamp", "document", "enum", "intEnum", "list", "set", "map", "structure", "union",
  "member", "service", "operation", "resource",
]);

export const UNIT = "smithy.api#Unit";

/** A member with the @required trait (a member whose traits are not an object has none). */
export const isRequired = (m: MemberShape): boolean =>
  typeof m.traits === "object" && m.traits !== null && Object.prototype.hasOwnProperty.call(m.traits, "smithy.api#required");

export const namespaceOf = (id: string): string => id.slice(0, id.indexOf("#"));
export const nameOf = (id: string): string => id.slice(id.indexOf("#") + 1);
