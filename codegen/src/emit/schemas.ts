// schemas/schemas.ts: every shape the operations reach, written once as data in @smithy/core's static schema
// format (see @smithy/types static-schemas). The protocol (AwsJson1_1Protocol) serializes and parses
// requests, responses and errors from these arrays; nothing here is code.
import { UnsupportedModelError } from "../errors";
import { nameOf, UNIT, type MemberShape, type Shape } from "../model/types";
import { isSimple, schemaMemberOrder, schemaTraitBits, type Context } from "./context";
import { banner, quote } from "./text";

export const SCHEMAS_FILE = "src/schemas/schemas.ts";

export function emitSchemas(ctx: Context): [string, string][] {
  const ns = ctx.service.namespace;
  const synthetic = `smithy.ts.sdk.synthetic.${ns}`;
  const sensitiveMemo = new Map<string, boolean>();

  /** Whether a shape is or (through its members) holds something sensitive. */
  const holdsSensitive = (id: string, seen = new Set<string>()): boolean => {
    if (sensitiveMemo.has(id)) return sensitiveMemo.get(id)!;
    if (seen.has(id) || id === UNIT) return false;
    seen.add(id);
    const s = ctx.shape(id);
    let result = schemaTraitBits(s.traits) !== 0;
    if (!result && !isSimple(s)) {
      const members = s.type === "map" ? [s.value!] : s.type === "list" || s.type === "set" ? [s.member!] : Object.values(s.members ?? {});
      result = members.some((m) => holdsSensitive(m.target, seen));
    }
    sensitiveMemo.set(id, result);
    return result;
  };

  /** The numeric schema of a simple shape. */
  const simpleCode = (id: string, s: Shape): number => {
    switch (s.type) {
      case "string":
      case "enum":
        return 0;
      case "boolean":
        return 2;
      case "byte": case "short": case "integer": case "long": case "float": case "double": case "intEnum":
        return 1;
      case "bigInteger":
        return 17;
      case "bigDecimal":
        return 19;
      case "blob":
        return s.traits && "smithy.api#streaming" in s.traits ? 42 : 21;
      case "document":
        return 15;
      case "timestamp":
        return timestampCode(s.traits) ?? 4;
      default:
        throw new UnsupportedModelError(id, `no schema for shape type ${s.type}`);
    }
  };

  /** How a member (or list/map member) refers to its target. */
  const ref = (m: MemberShape): string => {
    const id = m.target;
    const s = ctx.shape(id);
    let target: string;
    let wrap = false;
    if (isSimple(s)) {
      if (schemaTraitBits(s.traits) !== 0) {
        target = `() => ${nameOf(id)}`;
        wrap = true;
      } else {
        target = String(timestampCode(m.traits) ?? simpleCode(id, s));
      }
    } else if (s.type === "structure" || s.type === "union") {
      target = `() => ${nameOf(id)}$`;
      wrap = holdsSensitive(id);
    } else {
      target = inlineCollection(s) ?? `() => ${nameOf(id)}`;
      wrap = holdsSensitive(id);
    }
    const bits = schemaTraitBits(m.traits);
    return wrap || bits !== 0 ? `[${target}, ${bits}]` : target;
  };

  /** A list or map of plain simple values is a single number: 64|code or 128|code. */
  const inlineCollection = (s: Shape): string | undefined => {
    if (schemaTraitBits(s.traits) !== 0 || (s.traits && "smithy.api#sparse" in s.traits)) return undefined;
    const value = s.type === "map" ? s.value! : s.member!;
    const vs = ctx.shape(value.target);
    if (!isSimple(vs) || schemaTraitBits(vs.traits) !== 0 || schemaTraitBits(value.traits) !== 0) return undefined;
    if (s.type === "map") {
      const ks = ctx.shape(s.key!.target);
      if (schemaTraitBits(ks.traits) !== 0) return undefined;
    }
    const code = timestampCode(value.traits) ?? simpleCode(value.target, vs);
    return `${s.type === "map" ? 128 : 64} | ${code}`;
  };

  const out: string[] = [banner(ctx)];
  out.push(`import { TypeRegistry } from "@smithy/core/schema";`);
  const collections = [...ctx.lists, ...ctx.maps].filter((id) => inlineCollection(ctx.shape(id)) === undefined).sort();
  const used = new Set(["StaticErrorSchema", "StaticOperationSchema", "StaticStructureSchema"]);
  if (ctx.simpleWithSchema.length) used.add("StaticSimpleSchema");
  if (ctx.unions.length) used.add("StaticUnionSchema");
  for (const id of collections) used.add(ctx.shape(id).type === "map" ? "StaticMapSchema" : "StaticListSchema");
  out.push(`import type {`);
  for (const t of [...used].sort()) out.push(`  ${t},`);
  out.push(`} from "@smithy/types";`);
  if (ctx.errors.length) {
    out.push(`import {`);
    for (const e of ctx.errors) out.push(`  ${nameOf(e)},`);
    out.push(`} from "../models/errors.js";`);
  }
  out.push(`import { ${ctx.client}ServiceException } from "../models/${ctx.client}ServiceException.js";`);
  out.push("");
  out.push(
    "// How to read these: a schema is [kind, namespace, name, traits, ...] with kind 0 simple, 1 list, 2 map,",
    "// 3 structure, 4 union, -3 error, 9 operation. A member refers to a simple type by number: 0 string or enum,",
    "// 1 number, 2 boolean, 4 timestamp (5 date-time, 6 http-date, 7 epoch-seconds), 15 document, 21 blob;",
    "// 64 | n is a list of n and 128 | n a map from string to n; anything else is a thunk to a named schema.",
    "// [schema, bits] adds trait bits (4 idempotency token, 8 sensitive).",
    "",
  );
  out.push(`const n0 = ${quote(ns)};`);
  out.push(`const synthetic = ${quote(synthetic)};`);
  out.push(`const unit = "unit" as const;`);
  out.push("");

  out.push("// Errors: each schema is registered with its class, so a parsed error becomes an instance of it.");
  out.push(`const syntheticRegistry = new TypeRegistry(synthetic);`);
  out.push(`export const ${ctx.client}ServiceException$: StaticErrorSchema = [-3, synthetic, ${quote(`${ctx.client}ServiceException`)}, 0, [], []];`);
  out.push(`syntheticRegistry.registerError(${ctx.client}ServiceException$, ${ctx.client}ServiceException);`);
  out.push(`const n0Registry = new TypeRegistry(n0);`);
  for (const id of ctx.errors) {
    const s = ctx.shape(id);
    const name = nameOf(id);
    const { names, required } = schemaMemberOrder(s);
    out.push(`export const ${name}$: StaticErrorSchema = [-3, n0, ${quote(name)},`);
    out.push(`  ${errorTraits(s)},`);
    out.push(`  [${names.map(quote).join(", ")}],`);
    out.push(`  [${names.map((n) => ref(s.members![n]!)).join(", ")}]${required ? `, ${required}` : ""}`);
    out.push(`];`);
    out.push(`n0Registry.registerError(${name}$, ${name});`);
  }
  out.push(`export const errorTypeRegistries = [syntheticRegistry, n0Registry];`);
  out.push("");

  if (ctx.simpleWithSchema.length) {
    out.push("// Simple shapes whose traits matter on the wire or in logs (e.g. sensitive).");
    for (const id of ctx.simpleWithSchema) {
      const s = ctx.shape(id);
      out.push(`const ${nameOf(id)}: StaticSimpleSchema = [0, n0, ${quote(nameOf(id))}, ${schemaTraitBits(s.traits)}, ${simpleCode(id, s)}];`);
    }
    out.push("");
  }

  out.push("// Structures: member names (required members first), member schemas, and the required count.");
  for (const id of ctx.structures) {
    const s = ctx.shape(id);
    const name = nameOf(id);
    const { names, required } = schemaMemberOrder(s);
    out.push(`export const ${name}$: StaticStructureSchema = [3, n0, ${quote(name)},`);
    out.push(`  ${schemaTraitBits(s.traits)},`);
    out.push(`  [${names.map(quote).join(", ")}],`);
    out.push(`  [${names.map((n) => ref(s.members![n]!)).join(", ")}]${required ? `, ${required}` : ""}`);
    out.push(`];`);
  }
  for (const id of ctx.unions) {
    const s = ctx.shape(id);
    const name = nameOf(id);
    const names = Object.keys(s.members ?? {});
    out.push(`export const ${name}$: StaticUnionSchema = [4, n0, ${quote(name)},`);
    out.push(`  ${schemaTraitBits(s.traits)},`);
    out.push(`  [${names.map(quote).join(", ")}],`);
    out.push(`  [${names.map((n) => ref(s.members![n]!)).join(", ")}]`);
    out.push(`];`);
  }
  out.push("");

  if (collections.length) {
    out.push("// Lists and maps of structures or of sensitive values (the others are inlined as 64|type, 128|type).");
    for (const id of collections) {
      const s = ctx.shape(id);
      const name = nameOf(id);
      if (s.type === "map") {
        out.push(`const ${name}: StaticMapSchema = [2, n0, ${quote(name)}, ${schemaTraitBits(s.traits)}, ${ref(s.key!)}, ${ref(s.value!)}];`);
      } else {
        out.push(`const ${name}: StaticListSchema = [1, n0, ${quote(name)}, ${schemaTraitBits(s.traits)}, ${ref(s.member!)}];`);
      }
    }
    out.push("");
  }

  out.push("// Operations: input and output schemas.");
  for (const op of ctx.operations) {
    const io = (id: string) => (id === UNIT ? "() => unit" : `() => ${nameOf(id)}$`);
    out.push(`export const ${op.name}$: StaticOperationSchema = [9, n0, ${quote(op.name)}, 0, ${io(op.input)}, ${io(op.output)}];`);
  }
  out.push("");
  return [[SCHEMAS_FILE, out.join("\n")]];
}

function timestampCode(traits: Record<string, unknown> | undefined): number | undefined {
  switch (traits?.["smithy.api#timestampFormat"]) {
    case "date-time":
      return 5;
    case "http-date":
      return 6;
    case "epoch-seconds":
      return 7;
    default:
      return undefined;
  }
}

/** Error traits the protocols read: awsQueryError, error (client|server), httpError. */
function errorTraits(s: Shape): string {
  const t = s.traits ?? {};
  const parts: string[] = [];
  const q = t["aws.protocols#awsQueryError"] as { code: string; httpResponseCode: number } | undefined;
  if (q) parts.push(`awsQueryError: [${quote(String(q.code))}, ${Number(q.httpResponseCode) || 400}]`);
  parts.push(`error: ${quote(String(t["smithy.api#error"]))}`);
  if (typeof t["smithy.api#httpError"] === "number") parts.push(`httpError: ${t["smithy.api#httpError"]}`);
  return `{ ${parts.join(", ")} }`;
}
