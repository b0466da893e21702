// Options objects are read through their own properties only, so that a polluted Object.prototype cannot
// supply a value the caller never gave.

/** A copy of `value`'s own enumerable properties on an object without a prototype; {} for a non-object. */
export function ownProperties<T extends object>(value: T): Partial<T> {
  const copy = Object.create(null) as Partial<T>;
  if (typeof value === "object" && value !== null) Object.assign(copy, Object.fromEntries(Object.entries(value)));
  return copy;
}

/** `value`'s properties on an object without a prototype: reading a property it lacks gives undefined. */
export const withoutPrototype = <T extends object>(value: T): T => Object.assign(Object.create(null) as T, value);
