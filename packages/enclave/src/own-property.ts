// Reads a property only when the object itself has it, so that a polluted Object.prototype (or any other
// prototype) cannot supply a value.

/** `value[key]` if `value` is an object with `key` as an own property, else undefined. */
export function ownProperty(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
