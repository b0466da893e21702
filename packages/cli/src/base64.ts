// Binary values on the command line are base64 (standard alphabet, padded), as kmstool_enclave_cli and
// the AWS CLI take and print them. Node's decoder skips characters outside the alphabet, so the text is
// checked first: a mistyped value is a UsageError, never a shorter blob.
import { UsageError } from "./errors.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface Base64Limits {
  /** Fewest bytes the value may hold (default 1). */
  min?: number;
  /** Most bytes the value may hold. */
  max: number;
}

/** Decodes `text`, given as `option` (named in the message), into a new buffer of min..max bytes. */
export function readBase64(option: string, text: string, { min = 1, max }: Base64Limits): Buffer {
  if (!BASE64.test(text)) throw new UsageError(`${option} must be base64 (A-Z, a-z, 0-9, +, /, padded with =)`);
  const bytes = Buffer.from(text, "base64");
  if (bytes.length < min || bytes.length > max) {
    throw new UsageError(`${option} must hold ${min === max ? min : `${min} to ${max}`} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
