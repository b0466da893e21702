// verifyAttestation's options, checked and normalised once per call: roots as DER, PCRs as bytes.
import { X509Certificate } from "node:crypto";
import { AttestationOptionsError } from "../errors.js";
import { AWS_NITRO_ROOT_G1_DER } from "./aws-root.js";
import { derKey } from "./certificate.js";

export type PcrValue = Uint8Array | string;

export interface VerifyAttestationOptions {
  /** Trusted root certificates, DER bytes or PEM text. Default: the AWS Nitro Enclaves root G1 only. */
  trustedRoots?: ReadonlyArray<Uint8Array | string>;
  /** When the certificates must be valid: a Date, "now" (default), or "document" (its own timestamp). */
  at?: Date | "now" | "document";
  /** PCRs the document must carry, by index; values as bytes or hex. */
  expectedPcrs?: Record<number, PcrValue> | ReadonlyMap<number, PcrValue>;
  /** Accept enclaves in debug mode (PCR0, PCR1 and PCR2 all zero). Default false. */
  allowDebug?: boolean;
  /** The nonce the document must carry. */
  expectedNonce?: Uint8Array;
  /** Refuse documents whose timestamp is further than this from the verification time. */
  maxAgeMs?: number;
}

export interface Policy {
  trustedRoots: readonly Uint8Array[];
  at: number | "now" | "document";
  expectedPcrs: Map<number, Uint8Array> | undefined;
  allowDebug: boolean;
  expectedNonce: Uint8Array | undefined;
  maxAgeMs: number | undefined;
}

const DEFAULT_ROOTS: readonly Uint8Array[] = [AWS_NITRO_ROOT_G1_DER];

export function readOptions(options: VerifyAttestationOptions): Policy {
  if (typeof options !== "object" || options === null) throw new AttestationOptionsError("options must be an object");
  const { trustedRoots, at = "now", expectedPcrs, allowDebug = false, expectedNonce, maxAgeMs } = options;
  if (at !== "now" && at !== "document" && !(at instanceof Date && !Number.isNaN(at.getTime()))) throw new AttestationOptionsError('at must be a valid Date, "now" or "document"');
  if (typeof allowDebug !== "boolean") throw new AttestationOptionsError("allowDebug must be a boolean");
  if (expectedNonce !== undefined && !(expectedNonce instanceof Uint8Array)) throw new AttestationOptionsError("expectedNonce must be a Uint8Array");
  if (maxAgeMs !== undefined && (typeof maxAgeMs !== "number" || !(maxAgeMs >= 0))) throw new AttestationOptionsError("maxAgeMs must be a number >= 0");
  return {
    trustedRoots: trustedRoots === undefined ? DEFAULT_ROOTS : readRoots(trustedRoots),
    at: at instanceof Date ? at.getTime() : at,
    expectedPcrs: expectedPcrs === undefined ? undefined : readPcrs(expectedPcrs),
    allowDebug,
    expectedNonce,
    maxAgeMs,
  };
}

// Roots already seen to parse, so that passing the same roots on every call costs nothing.
const checkedRoots = new Set<string>();
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

function readRoots(roots: ReadonlyArray<Uint8Array | string>): Uint8Array[] {
  if (!Array.isArray(roots)) throw new AttestationOptionsError("trustedRoots must be an array of DER bytes or PEM strings");
  const out: Uint8Array[] = [];
  for (const root of roots) {
    if (root instanceof Uint8Array) out.push(root);
    else if (typeof root === "string") {
      const blocks = [...root.matchAll(PEM_CERTIFICATE)];
      if (blocks.length === 0) throw new AttestationOptionsError("a trustedRoots string holds no PEM certificate");
      for (const block of blocks) out.push(Buffer.from(block[1].replace(/\s+/g, ""), "base64"));
    } else throw new AttestationOptionsError("trustedRoots entries must be DER bytes (Uint8Array) or PEM strings");
  }
  for (const der of out) {
    const key = derKey(der);
    if (checkedRoots.has(key)) continue;
    try {
      new X509Certificate(der);
    } catch {
      throw new AttestationOptionsError("a trustedRoots entry is not a valid X.509 certificate");
    }
    if (checkedRoots.size >= 64) checkedRoots.clear();
    checkedRoots.add(key);
  }
  return out;
}

function readPcrs(expected: Record<number, PcrValue> | ReadonlyMap<number, PcrValue>): Map<number, Uint8Array> {
  if (typeof expected !== "object" || expected === null) throw new AttestationOptionsError("expectedPcrs must be an object or a Map");
  const entries: Array<[unknown, unknown]> = expected instanceof Map ? [...expected] : Object.entries(expected);
  const out = new Map<number, Uint8Array>();
  for (const [rawIndex, value] of entries) {
    const index = typeof rawIndex === "string" && /^\d+$/.test(rawIndex) ? Number(rawIndex) : rawIndex;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 31) throw new AttestationOptionsError(`expectedPcrs index ${String(rawIndex)} is not an integer in 0..31`);
    if (value instanceof Uint8Array) out.set(index, value);
    else if (typeof value === "string" && /^([0-9a-fA-F]{2})+$/.test(value)) out.set(index, Buffer.from(value, "hex"));
    else throw new AttestationOptionsError(`expectedPcrs[${index}] must be bytes or a hex string`);
  }
  return out;
}
