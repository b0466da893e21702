// verifyAttestation's options, checked and normalised once per call: roots as DER, PCRs as bytes.
// Only the options object's own properties are read (see ../arguments.ts), and options that could
// be read two ways are refused rather than resolved by a rule the caller may not expect.
import { X509Certificate } from "node:crypto";
import { isBytes, ownOptions, pcrIndexFromText } from "../arguments.js";
import { AttestationOptionsError } from "../errors.js";
import { AWS_NITRO_ROOT_G1 } from "./aws-root.js";
import { derKey } from "./certificate.js";

export type PcrValue = Uint8Array | string;

export interface VerifyAttestationOptions {
  /** Trusted root certificates, DER bytes or PEM text. Default: the AWS Nitro Enclaves root G1 only. */
  trustedRoots?: ReadonlyArray<Uint8Array | string>;
  /** When the certificates must be valid: a Date, "now" (default), or "document" (its own timestamp). */
  at?: Date | "now" | "document";
  /** PCRs the document must carry, by index (0-31); values as bytes or hex. */
  expectedPcrs?: Record<number, PcrValue> | ReadonlyMap<number | string, PcrValue>;
  /** Accept enclaves in debug mode (PCR0, PCR1 and PCR2 all zero). Default false. */
  allowDebug?: boolean;
  /** The nonce the document must carry. */
  expectedNonce?: Uint8Array;
  /**
   * Refuse documents whose timestamp is further than this from the verification time (`at`: now,
   * or the given Date). Refused together with `at: "document"`, where it could never fail.
   */
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

const OPTION_NAMES = ["trustedRoots", "at", "expectedPcrs", "allowDebug", "expectedNonce", "maxAgeMs"] as const;
const DEFAULT_ROOTS: readonly Uint8Array[] = [AWS_NITRO_ROOT_G1];
const fail = (message: string) => new AttestationOptionsError(message);

export function readOptions(options: unknown): Policy {
  const { trustedRoots, at = "now", expectedPcrs, allowDebug = false, expectedNonce, maxAgeMs } = ownOptions(options, OPTION_NAMES, fail, "verifyAttestation options");
  if (at !== "now" && at !== "document" && !(at instanceof Date && !Number.isNaN(at.getTime()))) throw fail('at must be a valid Date, "now" or "document"');
  if (typeof allowDebug !== "boolean") throw fail("allowDebug must be a boolean");
  if (expectedNonce !== undefined && !isBytes(expectedNonce)) throw fail("expectedNonce must be a Uint8Array");
  if (maxAgeMs !== undefined && (typeof maxAgeMs !== "number" || !(maxAgeMs >= 0))) throw fail("maxAgeMs must be a number >= 0");
  if (maxAgeMs !== undefined && at === "document") throw fail('maxAgeMs cannot be combined with at: "document" (the document would be measured against itself); pass at: a Date instead');
  return {
    trustedRoots: trustedRoots === undefined ? DEFAULT_ROOTS : readRoots(trustedRoots),
    at: at instanceof Date ? at.getTime() : (at as "now" | "document"),
    expectedPcrs: expectedPcrs === undefined ? undefined : readPcrs(expectedPcrs),
    allowDebug,
    expectedNonce: expectedNonce === undefined ? undefined : new Uint8Array(expectedNonce as Uint8Array),
    maxAgeMs: maxAgeMs as number | undefined,
  };
}

// Roots already seen to parse, so that passing the same roots on every call costs nothing.
const checkedRoots = new Set<string>();
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

function readRoots(roots: unknown): Uint8Array[] {
  if (!Array.isArray(roots)) throw fail("trustedRoots must be an array of DER bytes or PEM strings");
  const out: Uint8Array[] = [];
  for (let i = 0; i < roots.length; i++) {
    const root: unknown = roots[i];
    if (isBytes(root)) out.push(new Uint8Array(root));
    else if (typeof root === "string") {
      const blocks = [...root.matchAll(PEM_CERTIFICATE)];
      if (blocks.length === 0) throw fail("a trustedRoots string holds no PEM certificate");
      for (const block of blocks) out.push(new Uint8Array(Buffer.from(block[1].replace(/\s+/g, ""), "base64")));
    } else throw fail("trustedRoots entries must be DER bytes (Uint8Array) or PEM strings");
  }
  for (const der of out) {
    const key = derKey(der);
    if (checkedRoots.has(key)) continue;
    try {
      new X509Certificate(der);
    } catch {
      throw fail("a trustedRoots entry is not a valid X.509 certificate");
    }
    if (checkedRoots.size >= 64) checkedRoots.clear();
    checkedRoots.add(key);
  }
  return out;
}

/** A PCR index: an integer 0-31, or its canonical decimal text. */
function pcrIndex(raw: unknown): number {
  const index = typeof raw === "string" ? pcrIndexFromText(raw) : raw;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 31) throw fail(`expectedPcrs index ${JSON.stringify(String(raw))} is not an integer in 0..31`);
  return index;
}

function readPcrs(expected: unknown): Map<number, Uint8Array> {
  if (typeof expected !== "object" || expected === null || Array.isArray(expected)) throw fail("expectedPcrs must be an object or a Map");
  const entries: Array<[unknown, unknown]> = expected instanceof Map ? [...expected] : Object.keys(expected).map((k) => [k, (expected as Record<string, unknown>)[k]]);
  const out = new Map<number, Uint8Array>();
  for (const [rawIndex, value] of entries) {
    const index = pcrIndex(rawIndex);
    // A Map can hold both 3 and "3": which one is meant cannot be told, so neither is taken.
    if (out.has(index)) throw fail(`expectedPcrs names PCR ${index} twice`);
    if (isBytes(value)) out.set(index, new Uint8Array(value));
    else if (typeof value === "string" && /^([0-9a-fA-F]{2})+$/.test(value)) out.set(index, new Uint8Array(Buffer.from(value, "hex")));
    else throw fail(`expectedPcrs[${index}] must be bytes or a hex string`);
  }
  return out;
}
