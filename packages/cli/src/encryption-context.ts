// An encryption context given on the command line as repeated `--encryption-context KEY=VALUE`.
import { UsageError } from "./errors.js";

/** Reads KEY=VALUE pairs (split at the first "="; the key must not be empty, the value may be) into a map. */
export function readEncryptionContext(option: string, pairs: readonly string[]): Map<string, string> {
  const context = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`${option} must be KEY=VALUE, got '${pair}'`);
    const key = pair.slice(0, eq);
    if (context.has(key)) throw new UsageError(`${option} gives the key '${key}' more than once`);
    context.set(key, pair.slice(eq + 1));
  }
  return context;
}

/** A KMS request's `EncryptionContext` member from the pairs given as `option`, or nothing when none were. */
export function encryptionContextMember(option: string, pairs: readonly string[]): { EncryptionContext?: Record<string, string> } {
  return pairs.length === 0 ? {} : { EncryptionContext: Object.fromEntries(readEncryptionContext(option, pairs)) };
}
