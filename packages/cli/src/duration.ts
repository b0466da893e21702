// A length of time on the command line: a whole number with a unit, ms, s, m, h or d ("90s", "5m", "3h").
import { UsageError } from "./errors.js";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Far beyond any attestation document's lifetime; keeps the number exact. */
const MAX_MS = 100 * 365 * 86_400_000;

/** Milliseconds in `text`, given as `option` (named in the message). */
export function readDuration(option: string, text: string): number {
  const m = /^(\d{1,12})(ms|s|m|h|d)$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!(ms <= MAX_MS)) throw new UsageError(`${option} must be a whole number with a unit (ms, s, m, h or d), such as 5m, got '${text}'`);
  return ms;
}
