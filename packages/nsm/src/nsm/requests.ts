// The NSM's requests as the driver's serde/CBOR encoding expects them (aws-nitro-enclaves-nsm-api,
// src/api/mod.rs, `enum Request`, externally tagged): unit variants are bare strings, struct variants
// are a one-entry map from the variant name to a map of its fields, in declaration order.
import { isBytes } from "../arguments.js";
import { NsmArgumentError } from "../errors.js";
import { encodeCbor } from "./cbor.js";

export type NsmRequest =
  | "DescribeNSM"
  | "GetRandom"
  | { DescribePCR: { index: number } }
  | { ExtendPCR: { index: number; data: Uint8Array } }
  | { LockPCR: { index: number } }
  | { LockPCRs: { range: number } }
  | { Attestation: { user_data: Uint8Array | null; nonce: Uint8Array | null; public_key: Uint8Array | null } };

/** PCR indexes and ranges are u16 on the wire. */
export function checkU16(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new NsmArgumentError(`${name} must be an integer from 0 to 65535, got ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

/** Optional byte fields: a Uint8Array, or null/undefined for "not set" (sent as null, never undefined). */
export function optionalBytes(name: string, value: unknown): Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (!isBytes(value)) throw new NsmArgumentError(`${name} must be a Uint8Array, null or undefined`);
  return new Uint8Array(value);
}

export function requiredBytes(name: string, value: unknown): Uint8Array {
  if (!isBytes(value)) throw new NsmArgumentError(`${name} must be a Uint8Array`);
  return Uint8Array.from(value);
}

export function encodeRequest(request: NsmRequest): Uint8Array {
  return encodeCbor(request);
}
