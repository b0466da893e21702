// Decodes and validates the NSM's responses (`enum Response` in aws-nitro-enclaves-nsm-api). A device
// is outside input: every field is checked before it reaches a caller, and anything unexpected is an
// NsmMalformedResponseError. `{"Error": code}` becomes the typed error for that code.
import {
  NsmBufferTooSmallError,
  NsmInputTooLargeError,
  NsmInternalError,
  NsmInvalidArgumentError,
  NsmInvalidIndexError,
  NsmInvalidOperationError,
  NsmInvalidResponseError,
  NsmMalformedResponseError,
  NsmReadOnlyIndexError,
  type NsmErrorCode,
  type NsmResponseError,
} from "../errors.js";
import { decodeCbor } from "./cbor.js";

export type NsmDigest = "SHA256" | "SHA384" | "SHA512";

export interface NsmDescription {
  versionMajor: number;
  versionMinor: number;
  versionPatch: number;
  moduleId: string;
  maxPcrs: number;
  lockedPcrs: number[];
  digest: NsmDigest;
}

export interface PcrDescription {
  locked: boolean;
  data: Uint8Array;
}

const errorClasses = new Map<string, typeof NsmResponseError>(
  [
    NsmInvalidArgumentError,
    NsmInvalidIndexError,
    NsmInvalidResponseError,
    NsmReadOnlyIndexError,
    NsmInvalidOperationError,
    NsmBufferTooSmallError,
    NsmInputTooLargeError,
    NsmInternalError,
  ].map((kind) => [kind.nsmErrorCode, kind]),
);

export const NSM_ERROR_CODES = [...errorClasses.keys()] as NsmErrorCode[];

const DIGEST_SIZES: Record<NsmDigest, number> = { SHA256: 32, SHA384: 48, SHA512: 64 };

function malformed(message: string, cause?: unknown): NsmMalformedResponseError {
  return new NsmMalformedResponseError(`malformed NSM response: ${message}`, cause === undefined ? undefined : { cause });
}

/**
 * Decodes a response and returns the body of the expected variant (null for unit variants).
 * Throws the typed error for `{"Error": code}`, and NsmMalformedResponseError for anything else.
 */
export function decodeResponse(bytes: Uint8Array, expected: string): unknown {
  let value: unknown;
  try {
    value = decodeCbor(bytes);
  } catch (cause) {
    throw malformed("not a single well-formed CBOR item", cause);
  }
  let variant: string;
  let body: unknown = null;
  if (typeof value === "string") {
    variant = value;
  } else if (value instanceof Map && value.size === 1) {
    const [key, inner] = value.entries().next().value as [unknown, unknown];
    if (typeof key !== "string") throw malformed("the variant name is not a string");
    variant = key;
    body = inner;
  } else {
    throw malformed("expected a variant name or a one-entry map");
  }
  if (variant === "Error") {
    const kind = typeof body === "string" ? errorClasses.get(body) : undefined;
    if (kind) throw new kind();
    throw malformed(`unknown NSM error code ${JSON.stringify(typeof body === "string" ? body : typeof body)}`);
  }
  if (variant !== expected) throw malformed(`expected ${expected}, got ${JSON.stringify(variant.slice(0, 40))}`);
  return body;
}

function fields(body: unknown, variant: string): Map<unknown, unknown> {
  if (!(body instanceof Map)) throw malformed(`${variant} carries no field map`);
  return body;
}

function u16(m: Map<unknown, unknown>, key: string): number {
  const v = m.get(key);
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff) throw malformed(`${key} is not a u16`);
  return v;
}

function bytes(m: Map<unknown, unknown>, key: string, sizes?: readonly number[]): Uint8Array {
  const v = m.get(key);
  if (!(v instanceof Uint8Array)) throw malformed(`${key} is not a byte string`);
  if (sizes && !sizes.includes(v.length)) throw malformed(`${key} has ${v.length} bytes, expected ${sizes.join(" or ")}`);
  if (!sizes && v.length === 0) throw malformed(`${key} is empty`);
  return Uint8Array.from(v);
}

const PCR_SIZES = Object.values(DIGEST_SIZES);

export function decodeDescribeNsm(response: Uint8Array): NsmDescription {
  const m = fields(decodeResponse(response, "DescribeNSM"), "DescribeNSM");
  const moduleId = m.get("module_id");
  if (typeof moduleId !== "string") throw malformed("module_id is not a string");
  const digest = m.get("digest");
  if (typeof digest !== "string" || !Object.prototype.hasOwnProperty.call(DIGEST_SIZES, digest)) throw malformed("digest is not SHA256, SHA384 or SHA512");
  const locked = m.get("locked_pcrs");
  if (!Array.isArray(locked)) throw malformed("locked_pcrs is not an array");
  const maxPcrs = u16(m, "max_pcrs");
  const lockedPcrs = locked.map((i) => {
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= maxPcrs) throw malformed("locked_pcrs holds an index out of range");
    return i;
  });
  if (new Set(lockedPcrs).size !== lockedPcrs.length) throw malformed("locked_pcrs repeats an index");
  return {
    versionMajor: u16(m, "version_major"),
    versionMinor: u16(m, "version_minor"),
    versionPatch: u16(m, "version_patch"),
    moduleId,
    maxPcrs,
    lockedPcrs,
    digest: digest as NsmDigest,
  };
}

export function decodeDescribePcr(response: Uint8Array): PcrDescription {
  const m = fields(decodeResponse(response, "DescribePCR"), "DescribePCR");
  const lock = m.get("lock");
  if (typeof lock !== "boolean") throw malformed("lock is not a boolean");
  return { locked: lock, data: bytes(m, "data", PCR_SIZES) };
}

export function decodeExtendPcr(response: Uint8Array): Uint8Array {
  return bytes(fields(decodeResponse(response, "ExtendPCR"), "ExtendPCR"), "data", PCR_SIZES);
}

export function decodeUnit(response: Uint8Array, variant: "LockPCR" | "LockPCRs"): void {
  if (decodeResponse(response, variant) !== null) throw malformed(`${variant} carries unexpected data`);
}

export function decodeGetRandom(response: Uint8Array): Uint8Array {
  return bytes(fields(decodeResponse(response, "GetRandom"), "GetRandom"), "random");
}

export function decodeAttestation(response: Uint8Array): Uint8Array {
  return bytes(fields(decodeResponse(response, "Attestation"), "Attestation"), "document");
}
