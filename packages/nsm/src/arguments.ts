// Reading what callers pass in. Options objects are read through their OWN properties only: a
// property that some other code set on Object.prototype (or on any prototype of the object) must
// never choose a root to trust, a key to attest or a transport. Byte arguments must be real
// Uint8Arrays (a Buffer is one): util.types.isUint8Array looks at the object itself, so a Proxy or
// an object that only inherits from Uint8Array.prototype is refused instead of crashing later.
import { types } from "node:util";

/** True for a real Uint8Array (or Buffer), never for a Proxy or a look-alike. */
export function isBytes(value: unknown): value is Uint8Array {
  return types.isUint8Array(value);
}

/**
 * The own properties `keys` of an options object, in a null-prototype record; `undefined` reads as
 * no options. Anything other than a plain object, a property outside `keys`, or a getter is
 * refused through `fail`.
 */
export function ownOptions<K extends string>(options: unknown, keys: readonly K[], fail: (message: string) => Error, what: string): { [P in K]?: unknown } {
  const out = Object.create(null) as { [P in K]?: unknown };
  if (options === undefined) return out;
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw fail(`${what} must be an object`);
  for (const key of Reflect.ownKeys(options)) {
    if (typeof key !== "string" || !(keys as readonly string[]).includes(key)) throw fail(`${what}: unknown option ${String(key)}`);
    const descriptor = Object.getOwnPropertyDescriptor(options, key);
    if (descriptor === undefined) continue;
    if (!("value" in descriptor)) throw fail(`${what}.${key} must be a plain value, not a getter`);
    out[key as K] = descriptor.value;
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string with a UTF-8 encoding: no lone surrogate (String.prototype.isWellFormed, before ES2024). */
export function isWellFormedText(value: unknown): value is string {
  return typeof value === "string" && !LONE_SURROGATE.test(value);
}

/** A PCR index written as text: its canonical decimal form ("3", never "03", " 3", "+3" or ""), else -1. */
export function pcrIndexFromText(text: string): number {
  return /^(0|[1-9][0-9]?)$/.test(text) ? Number(text) : -1;
}
