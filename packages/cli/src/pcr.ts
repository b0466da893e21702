// Platform configuration registers as the Nitro Security Module keeps them: 32 SHA-384 registers, of which
// the platform fills 0-4 and 8 when the enclave boots and the enclave's own code may extend 16-31. The
// others stay all zero, so a policy condition on them proves nothing (or never holds).
import { UsageError } from "./errors.js";

export const PCR_COUNT = 32;
export const PCR_HEX_DIGITS = 96;

/** The measurements the platform puts in PCRs at boot, by index (AWS Nitro Enclaves User Guide). */
export const BOOT_MEASUREMENTS: ReadonlyMap<number, string> = new Map([
  [0, "the enclave image file"],
  [1, "the Linux kernel and bootstrap"],
  [2, "the application"],
  [3, "the IAM role of the parent instance"],
  [4, "the instance id of the parent instance"],
  [8, "the certificate the image was signed with"],
]);

/** PCRs the enclave's code may extend (and lock) itself. */
export const FIRST_APPLICATION_PCR = 16;

/**
 * PCRs that tell one image from another: the whole image, its application, its signer. PCR1 (kernel and
 * bootstrap) is the same for every image built with the same tools, PCR3 and PCR4 describe the parent, and
 * 16-31 are whatever the enclave's code extends them to, so none of those tells which image runs.
 */
export const IMAGE_PCRS: ReadonlySet<number> = new Set([0, 2, 8]);

/** PCRs that tie an image to one deployment: the parent's role, the parent instance, the image's signer. */
export const DEPLOYMENT_PCRS: ReadonlySet<number> = new Set([3, 4, 8]);

/** PCRs 0-2 are all zero in the attestation documents of enclaves started in debug mode. */
export const DEBUG_ZERO_PCRS: ReadonlySet<number> = new Set([0, 1, 2]);

/** Whether anything ever writes PCR `index`: the platform at boot, or the enclave itself. */
export const pcrIsEverSet = (index: number) => BOOT_MEASUREMENTS.has(index) || (index >= FIRST_APPLICATION_PCR && index < PCR_COUNT);

const PCR_HEX = /^[0-9a-fA-F]{96}$/;

/** A PCR value as a policy or a measurement file writes it: 96 hex digits, either case. */
export const isPcrHex = (text: string) => PCR_HEX.test(text);

export const isAllZero = (hex: string) => /^0+$/.test(hex);

/** Reads a PCR value given as `what` (an option name, for the message); lower-case hex. */
export function readPcrValue(what: string, text: string): string {
  if (!isPcrHex(text)) {
    throw new UsageError(`${what} must be ${PCR_HEX_DIGITS} hex digits (a SHA-384 measurement), got ${describeText(text)}`);
  }
  return text.toLowerCase();
}

/** Canonical decimal ("3", never "03" or "+3"), as the nsm package reads PCR indexes. */
const isPcrIndex = (text: string) => /^(?:0|[1-9]\d?)$/.test(text) && Number(text) < PCR_COUNT;

/** Reads a PCR index, 0 to 31, given as `what` (an argument or option name, for the message). */
export function readPcrIndex(what: string, text: string): number {
  if (!isPcrIndex(text)) throw new UsageError(`${what} must be a PCR index from 0 to ${PCR_COUNT - 1}, got '${clip(text)}'`);
  return Number(text);
}

/** Reads `N=HEX` (a PCR index from 0 to 31 and its value). */
export function readPcrAssignment(what: string, text: string): { index: number; value: string } {
  const eq = text.indexOf("=");
  const indexText = eq < 0 ? "" : text.slice(0, eq);
  if (!isPcrIndex(indexText)) {
    throw new UsageError(`${what} must be N=HEX with N a PCR index from 0 to ${PCR_COUNT - 1}, got '${clip(text)}'`);
  }
  const index = Number(indexText);
  return { index, value: readPcrValue(`${what} ${index}=...`, text.slice(eq + 1)) };
}

/** Reads repeated `N=HEX` into a map by index; an index given twice is a UsageError. */
export function readPcrAssignments(what: string, texts: readonly string[]): Map<number, string> {
  const pcrs = new Map<number, string>();
  for (const text of texts) {
    const { index, value } = readPcrAssignment(what, text);
    if (pcrs.has(index)) throw new UsageError(`${what} ${index} is given more than once`);
    pcrs.set(index, value);
  }
  return pcrs;
}

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

function describeText(text: string): string {
  if (text.length === 0) return "nothing";
  const nonHex = /[^0-9a-fA-F]/.exec(text);
  if (nonHex) return `'${clip(text)}' (not hex at character ${nonHex.index + 1})`;
  return `${text.length} hex digits`;
}
