// Reads the KMS Smithy JSON AST model that both clients are built from (the one codegen/config.json names),
// so that the tests walk every operation, shape and endpoint case the model has instead of a hand-made list.
import { readFileSync } from "node:fs";
import { loadConfig } from "../../codegen/src/config";

export const MODEL_PATH = loadConfig().model;

export interface Member {
  target: string;
  traits?: Record<string, unknown>;
}
export interface Shape {
  type: string;
  members?: Record<string, Member>;
  member?: Member;
  key?: Member;
  value?: Member;
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
  traits?: Record<string, unknown>;
}
export interface EndpointTestCase {
  documentation: string;
  params?: Record<string, string | boolean>;
  expect: { endpoint?: { url: string; headers?: Record<string, string[]>; properties?: unknown }; error?: string };
}

const ast = JSON.parse(readFileSync(MODEL_PATH, "utf8")) as { shapes: Record<string, Shape> };
const NS = "com.amazonaws.kms#";

// Prelude shapes are built into Smithy and absent from model files.
const PRELUDE: Record<string, Shape> = {
  "smithy.api#Unit": { type: "structure", members: {} },
  "smithy.api#String": { type: "string" },
  "smithy.api#Blob": { type: "blob" },
  "smithy.api#Boolean": { type: "boolean" },
  "smithy.api#PrimitiveBoolean": { type: "boolean" },
  "smithy.api#Integer": { type: "integer" },
  "smithy.api#PrimitiveInteger": { type: "integer" },
  "smithy.api#Long": { type: "long" },
  "smithy.api#PrimitiveLong": { type: "long" },
  "smithy.api#Timestamp": { type: "timestamp" },
  "smithy.api#Document": { type: "document" },
};

export function shape(id: string): Shape {
  const s = ast.shapes[id] ?? PRELUDE[id];
  if (!s) throw new Error(`model has no shape ${id}`);
  return s;
}

export const localName = (id: string): string => id.slice(id.indexOf("#") + 1);

export const service: Shape = shape(`${NS}TrentService`);
export const serviceTarget = "TrentService";

export interface Example {
  title: string;
  input?: unknown;
  output?: unknown;
  error?: { shapeId: string; content: unknown };
}

export interface Operation {
  name: string;
  input: string;
  output: string;
  errors: string[];
  paginated?: { inputToken: string; outputToken: string; items?: string; pageSize?: string };
  /** AWS's documented examples of the operation (`smithy.api#examples`). */
  examples: Example[];
}

export const operations: Operation[] = Object.entries(ast.shapes)
  .filter(([, s]) => s.type === "operation")
  .map(([id, s]) => ({
    name: localName(id),
    input: s.input?.target ?? "smithy.api#Unit",
    output: s.output?.target ?? "smithy.api#Unit",
    errors: (s.errors ?? []).map((e) => e.target),
    paginated: s.traits?.["smithy.api#paginated"] as Operation["paginated"],
    examples: (s.traits?.["smithy.api#examples"] as Example[] | undefined) ?? [],
  }))
  .sort((a, b) => a.name.localeCompare(b.name));

export const errorShapes: string[] = Object.entries(ast.shapes)
  .filter(([, s]) => s.traits?.["smithy.api#error"] !== undefined)
  .map(([id]) => id)
  .sort();

export const endpointTestCases: EndpointTestCase[] = (
  service.traits?.["smithy.rules#endpointTests"] as { testCases: EndpointTestCase[] }
).testCases;
