// The API difference between two models as the generated client sees them (after the transforms): the
// operations, the shapes they reach, the members of structures and unions, enum values and operation
// errors added or removed, and members or shapes that changed. Names are the generated ones (no namespace).
import { isRequired, nameOf, type Shape } from "../model/types";
import type { Context } from "../emit/context";

export interface ApiDiff {
  operationsAdded: string[];
  operationsRemoved: string[];
  shapesAdded: string[];
  shapesRemoved: string[];
  /** "Name: string -> enum", "Name: member Foo -> Bar" (a list's or map's member). */
  shapesChanged: string[];
  /** "Shape$Member". */
  membersAdded: string[];
  membersRemoved: string[];
  /** "Shape$Member: target Foo -> Bar", "Shape$Member: now required" / "no longer required". */
  membersChanged: string[];
  /** "Enum.MEMBER" (with its value when it differs from the member name). */
  enumValuesAdded: string[];
  enumValuesRemoved: string[];
  /** "Operation: ErrorName". */
  errorsAdded: string[];
  errorsRemoved: string[];
}

const LABELS: Record<keyof ApiDiff, string> = {
  operationsAdded: "operations added",
  operationsRemoved: "operations removed",
  shapesAdded: "shapes added",
  shapesRemoved: "shapes removed",
  shapesChanged: "shapes changed",
  membersAdded: "members added",
  membersRemoved: "members removed",
  membersChanged: "members changed",
  enumValuesAdded: "enum values added",
  enumValuesRemoved: "enum values removed",
  errorsAdded: "operation errors added",
  errorsRemoved: "operation errors removed",
};

export function diffApi(before: Context, after: Context): ApiDiff {
  const diff: ApiDiff = {
    operationsAdded: [], operationsRemoved: [], shapesAdded: [], shapesRemoved: [], shapesChanged: [],
    membersAdded: [], membersRemoved: [], membersChanged: [], enumValuesAdded: [], enumValuesRemoved: [],
    errorsAdded: [], errorsRemoved: [],
  };
  /** Keys only in `b` go to `added`, only in `a` to `removed`, each with `prefix`; `both` sees the rest. */
  const compare = <T>(a: Map<string, T>, b: Map<string, T>, added: string[], removed: string[], prefix = "", both?: (key: string, a: T, b: T) => void) => {
    for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      if (!a.has(key)) added.push(prefix + key);
      else if (!b.has(key)) removed.push(prefix + key);
      else both?.(key, a.get(key)!, b.get(key)!);
    }
  };

  const operations = (ctx: Context) => new Map(ctx.operations.map((op) => [op.name, new Map(op.errors.map((e) => [nameOf(e), e]))]));
  compare(operations(before), operations(after), diff.operationsAdded, diff.operationsRemoved, "", (name, errorsBefore, errorsAfter) =>
    compare(errorsBefore, errorsAfter, diff.errorsAdded, diff.errorsRemoved, `${name}: `),
  );

  const shapes = (ctx: Context) => new Map(ctx.reached.map((id) => [nameOf(id), ctx.shape(id)]));
  compare(shapes(before), shapes(after), diff.shapesAdded, diff.shapesRemoved, "", (name, a, b) => {
    if (a.type !== b.type) {
      diff.shapesChanged.push(`${name}: ${a.type} -> ${b.type}`);
    } else if (a.type === "enum" || a.type === "intEnum") {
      compare(enumValues(a), enumValues(b), diff.enumValuesAdded, diff.enumValuesRemoved, `${name}.`, (member, va, vb) => {
        if (va !== vb) diff.shapesChanged.push(`${name}.${member}: value ${va} -> ${vb}`);
      });
    } else if (a.type === "structure" || a.type === "union") {
      compare(members(a), members(b), diff.membersAdded, diff.membersRemoved, `${name}$`, (member, ma, mb) => {
        const where = `${name}$${member}`;
        if (nameOf(ma.target) !== nameOf(mb.target)) diff.membersChanged.push(`${where}: target ${nameOf(ma.target)} -> ${nameOf(mb.target)}`);
        if (isRequired(ma) !== isRequired(mb)) diff.membersChanged.push(`${where}: ${isRequired(mb) ? "now required" : "no longer required"}`);
      });
    } else {
      for (const part of ["member", "key", "value"] as const) {
        const [ta, tb] = [a[part]?.target, b[part]?.target].map((t) => (t ? nameOf(t) : undefined));
        if (ta !== tb) diff.shapesChanged.push(`${name}: ${part} ${ta} -> ${tb}`);
      }
    }
  });
  return diff;
}

export const isEmpty = (diff: ApiDiff) => Object.values(diff).every((list) => list.length === 0);

/** One line per kind of change that occurred, or a line saying there is none. */
export function formatApiDiff(diff: ApiDiff): string {
  if (isEmpty(diff)) return "  no API difference\n";
  return (Object.keys(LABELS) as (keyof ApiDiff)[])
    .filter((k) => diff[k].length > 0)
    .map((k) => `  ${LABELS[k]} (${diff[k].length}): ${diff[k].join(", ")}\n`)
    .join("");
}

const members = (s: Shape) => new Map(Object.entries(s.members ?? {}));

/** Enum member -> its value (the member name when the model gives none). */
function enumValues(s: Shape): Map<string, string> {
  return new Map(Object.entries(s.members ?? {}).map(([m, def]) => [m, String(def.traits?.["smithy.api#enumValue"] ?? m)]));
}
