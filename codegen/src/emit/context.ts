// Everything the emitters derive from the (transformed) model, computed once: the service, its operations,
// the shapes they reach, and how each shape is written as a TypeScript type and as a schema.
import { basename } from "node:path";
import type { PackageIdentity } from "../config";
import { UnsupportedModelError } from "../errors";
import { PRELUDE } from "../model/prelude";
import { serviceOf, type ServiceInfo } from "../model/service";
import { isRequired, nameOf, UNIT, type MemberShape, type Model, type Shape } from "../model/types";

export interface Operation {
  id: string;
  name: string;
  shape: Shape;
  input: string; // shape id or smithy.api#Unit
  output: string;
  errors: string[];
  paginated?: { inputToken: string; outputToken: string; pageSize?: string; items?: string };
}

export interface Context {
  model: Model;
  modelFile: string;
  service: ServiceInfo;
  /** Client name prefix, e.g. KMS (KMSClient, KMSServiceException). */
  client: string;
  /** The generated package's npm name and version, and the official client version it mirrors. */
  pkg: PackageIdentity;
  operations: Operation[];
  shape(id: string): Shape;
  /** Every shape the operations reach (inputs, outputs, errors and all they contain), sorted by name. */
  reached: string[];
  /** The same shapes by kind, sorted by name. */
  structures: string[];
  errors: string[];
  enums: string[];
  lists: string[];
  maps: string[];
  unions: string[];
  simpleWithSchema: string[];
}

export function buildContext(model: Model, modelPath: string, pkg: PackageIdentity): Context {
  const service = serviceOf(model);
  const shapes = { ...PRELUDE, ...model.shapes };
  const shape = (id: string): Shape => {
    const s = shapes[id];
    if (!s) throw new UnsupportedModelError(id, "is referenced but not defined");
    return s;
  };
  const serviceTraits = service.shape.traits ?? {};
  const servicePaginated = serviceTraits["smithy.api#paginated"] as Operation["paginated"] | undefined;

  const operations: Operation[] = (service.shape.operations ?? [])
    .map(({ target }) => {
      const op = shape(target);
      if (op.type !== "operation") throw new UnsupportedModelError(target, "service lists it as an operation");
      const paginated = op.traits?.["smithy.api#paginated"] as Operation["paginated"] | undefined;
      return {
        id: target,
        name: nameOf(target),
        shape: op,
        input: op.input?.target ?? UNIT,
        output: op.output?.target ?? UNIT,
        errors: (op.errors ?? []).map((e) => e.target),
        paginated: paginated ? { ...servicePaginated, ...paginated } : undefined,
      } as Operation;
    })
    .sort((a, b) => cmp(a.name, b.name));
  if ((service.shape.resources ?? []).length > 0) {
    throw new UnsupportedModelError(service.id, "service resources are not supported");
  }

  // Walk everything the operations reach.
  const reached = new Set<string>();
  const visit = (id: string) => {
    if (id === UNIT || reached.has(id)) return;
    reached.add(id);
    const s = shape(id);
    for (const m of memberList(s)) visit(m.target);
  };
  for (const op of operations) {
    visit(op.input);
    visit(op.output);
    op.errors.forEach(visit);
  }
  for (const e of (service.shape.errors ?? [])) visit(e.target);

  // Generated names drop the namespace, so two reached shapes must not share a name.
  const byName = new Map<string, string>();
  for (const id of reached) {
    const other = byName.get(nameOf(id));
    if (other) throw new UnsupportedModelError(id, `has the same name as ${other}; generated type names would clash`);
    byName.set(nameOf(id), id);
  }

  const byKind = (pred: (s: Shape, id: string) => boolean) =>
    [...reached].filter((id) => pred(shape(id), id)).sort((a, b) => cmp(nameOf(a), nameOf(b)));
  const isError = (s: Shape) => s.type === "structure" && !!s.traits?.["smithy.api#error"];

  for (const id of reached) {
    const { type } = shape(id);
    if (type === "service" || type === "operation" || type === "resource") {
      throw new UnsupportedModelError(id, `a ${type} cannot be a member target`);
    }
  }

  return {
    model,
    // Shown in comments of every file: keep it to characters that cannot end a comment or a line.
    modelFile: basename(modelPath).replace(/[^\w.@+-]/g, "_"),
    service,
    client: service.sdkId,
    pkg,
    operations,
    shape,
    reached: byKind(() => true),
    structures: byKind((s) => s.type === "structure" && !isError(s)),
    errors: byKind(isError),
    enums: byKind((s) => s.type === "enum" || s.type === "intEnum"),
    lists: byKind((s) => s.type === "list" || s.type === "set"),
    maps: byKind((s) => s.type === "map"),
    unions: byKind((s) => s.type === "union"),
    simpleWithSchema: byKind((s) => isSimple(s) && schemaTraitBits(s.traits) !== 0),
  };
}

export function memberList(s: Shape): MemberShape[] {
  if (s.type === "structure" || s.type === "union") return Object.values(s.members ?? {});
  if (s.type === "list" || s.type === "set") return s.member ? [s.member] : [];
  if (s.type === "map") return [s.key!, s.value!];
  return [];
}

export const isSimple = (s: Shape) =>
  !["structure", "union", "list", "set", "map", "operation", "service", "resource"].includes(s.type);

/** The trait bits @smithy/core reads from a number: see translateTraits in @smithy/core/schema. */
export function schemaTraitBits(traits: Record<string, unknown> | undefined): number {
  if (!traits) return 0;
  let bits = 0;
  if ("smithy.api#httpLabel" in traits) bits |= 1;
  if ("smithy.api#idempotent" in traits) bits |= 2;
  if ("smithy.api#idempotencyToken" in traits) bits |= 4;
  if ("smithy.api#sensitive" in traits) bits |= 8;
  if ("smithy.api#httpPayload" in traits) bits |= 16;
  if ("smithy.api#httpResponseCode" in traits) bits |= 32;
  if ("smithy.api#httpQueryParams" in traits) bits |= 64;
  return bits;
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Member names in schema order: required members first, each group in model order. */
export function schemaMemberOrder(s: Shape): { names: string[]; required: number } {
  const entries = Object.entries(s.members ?? {});
  const req = entries.filter(([, m]) => isRequired(m)).map(([n]) => n);
  const opt = entries.filter(([, m]) => !isRequired(m)).map(([n]) => n);
  return { names: [...req, ...opt], required: req.length };
}
