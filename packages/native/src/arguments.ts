// The checks every value passes before ffi-rs sees it. ffi-rs aborts the whole process when a parameter
// declared as a buffer gets a number, and silently truncates an integer out of its C type's range (2^40 as an
// int is 0), so each call checks the type and range of all its arguments first.
import { isUint8Array } from "node:util/types";
import { NativeArgumentError } from "./errors.js";

export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new NativeArgumentError(`${name} must be an integer in [${min}, ${max}], got ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

export const fd = (value: unknown): number => integer("fd", value, 0, 0x7fffffff);
export const int32 = (name: string, value: unknown): number => integer(name, value, -0x80000000, 0x7fffffff);
export const uint32 = (name: string, value: unknown): number => integer(name, value, 0, 0xffffffff);
/** A memory address: nonzero, and exact as a JS number. */
export const address = (name: string, value: unknown): number => integer(name, value, 1, Number.MAX_SAFE_INTEGER);

/** A Uint8Array (a Buffer is one), from any realm; ffi-rs passes the C function its own memory. */
export function bytes(name: string, value: unknown, minLength = 0): Uint8Array {
  if (!isUint8Array(value)) throw new NativeArgumentError(`${name} must be a Uint8Array, got ${typeof value}`);
  if (value.length < minLength) throw new NativeArgumentError(`${name} must hold at least ${minLength} bytes, has ${value.length}`);
  return value;
}
