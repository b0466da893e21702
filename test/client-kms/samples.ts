// Builds sample data from model shapes: for a shape, the value a caller passes to (or gets from) the
// client and the JSON that stands for it on the wire (awsJson1_1: blobs in base64, timestamps in epoch
// seconds). `variant` walks different enum values, sizes, booleans and empty collections, so that a few
// variants per operation cover the value space the model allows; `requiredOnly` keeps only the members
// the model marks required, to show that absent members stay absent.
import { localName, shape, type Member } from "./model";

export interface Sample {
  value: unknown;
  wire: unknown;
}
export interface SampleOptions {
  variant: number;
  requiredOnly: boolean;
}
/** Which kinds of shape a run of `sample` produced: tests assert the inputs really covered them. */
export type Coverage = Set<string>;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function bytes(path: string, variant: number): Uint8Array {
  // Lengths 3..7 give every base64 padding; 0x00 and 0xff catch sign and text-encoding slips.
  const length = 3 + ((hash(path) + variant) % 5);
  return Uint8Array.from({ length }, (_, i) => (i === 0 ? 0 : i === 1 ? 0xff : (hash(path) + i * 37 + variant) & 0xff));
}

function text(path: string, variant: number): string {
  return variant % 2 === 0 ? `${path}-${variant}` : `${path} "é☃\u2028\\/${variant}"`;
}

export function sample(target: string, path: string, opts: SampleOptions, seen: Coverage = new Set()): Sample {
  const s = shape(target);
  const v = opts.variant;
  seen.add(s.type);
  if (localName(target) === "RecipientInfo") seen.add("Recipient");
  switch (s.type) {
    case "structure": {
      const value: Record<string, unknown> = {};
      const wire: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(s.members ?? {})) {
        if (opts.requiredOnly && !isRequired(member)) continue;
        const m = sample(member.target, `${path}.${name}`, opts, seen);
        value[name] = m.value;
        wire[name] = m.wire;
      }
      if (Object.keys(value).length > 0) seen.add("nested structure");
      return { value, wire };
    }
    case "list": {
      const count = [2, 1, 0][v % 3];
      const items = Array.from({ length: count }, (_, i) => sample(s.member!.target, `${path}[${i}]`, opts, seen));
      if (count === 0) seen.add("empty list");
      return { value: items.map((i) => i.value), wire: items.map((i) => i.wire) };
    }
    case "map": {
      const count = [2, 1, 0][v % 3];
      const value: Record<string, unknown> = {};
      const wire: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) {
        const key = sample(s.key!.target, `${path}{${i}}`, opts, seen).value as string;
        const entry = sample(s.value!.target, `${path}{${i}}=`, opts, seen);
        value[key] = entry.value;
        wire[key] = entry.wire;
      }
      if (count === 0) seen.add("empty map");
      return { value, wire };
    }
    case "blob": {
      const value = bytes(path, v);
      return { value, wire: Buffer.from(value).toString("base64") };
    }
    case "timestamp": {
      // Fractional seconds on even variants, whole seconds on odd ones.
      const seconds = 1_700_000_000 + (hash(path) % 100_000) + (v % 2 === 0 ? 0.125 : 0);
      return { value: new Date(seconds * 1000), wire: seconds };
    }
    case "enum": {
      const values = Object.values(s.members ?? {}).map((m) => m.traits?.["smithy.api#enumValue"] as string);
      const value = values[(hash(path) + v) % values.length];
      return { value, wire: value };
    }
    case "intEnum": {
      const values = Object.values(s.members ?? {}).map((m) => m.traits?.["smithy.api#enumValue"] as number);
      const value = values[(hash(path) + v) % values.length];
      return { value, wire: value };
    }
    case "string":
      return { value: text(path, v), wire: text(path, v) };
    case "boolean":
      return { value: v % 2 === 0, wire: v % 2 === 0 };
    case "integer":
    case "long":
    case "short":
    case "byte": {
      const range = (s.traits?.["smithy.api#range"] ?? {}) as { min?: number; max?: number };
      const value = v % 2 === 0 ? (range.min ?? 1) : (range.max ?? 2_147_483_647);
      return { value, wire: value };
    }
    default:
      throw new Error(`sample: shape type ${s.type} (${target}) is not handled`);
  }
}

export function isRequired(member: Member): boolean {
  return member.traits?.["smithy.api#required"] !== undefined;
}

/**
 * Reads one of the model's own `smithy.api#examples` values (AWS's documented examples, in JSON form:
 * blobs as text such as "<binary data>", timestamps in epoch seconds) as a `Sample` of `target`.
 */
export function fromExample(target: string, json: unknown): Sample {
  const s = shape(target);
  if (json === null || json === undefined) return { value: json, wire: json };
  switch (s.type) {
    case "structure": {
      const value: Record<string, unknown> = {};
      const wire: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
        const member = s.members?.[name];
        if (!member) throw new Error(`example names ${name}, which ${target} does not have`);
        const m = fromExample(member.target, v);
        value[name] = m.value;
        wire[name] = m.wire;
      }
      return { value, wire };
    }
    case "list": {
      const items = (json as unknown[]).map((i) => fromExample(s.member!.target, i));
      return { value: items.map((i) => i.value), wire: items.map((i) => i.wire) };
    }
    case "map": {
      const entries = Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, fromExample(s.value!.target, v)] as const);
      return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), wire: Object.fromEntries(entries.map(([k, v]) => [k, v.wire])) };
    }
    case "blob": {
      const value = new Uint8Array(Buffer.from(String(json), "utf8"));
      return { value, wire: Buffer.from(value).toString("base64") };
    }
    case "timestamp": {
      const seconds = typeof json === "number" ? json : Date.parse(String(json)) / 1000;
      return { value: new Date(seconds * 1000), wire: seconds };
    }
    default:
      return { value: json, wire: json };
  }
}
