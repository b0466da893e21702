// verifyAttestation: parse, require ES384 (alg -35, a 96-byte signature), chain to a trusted root,
// check the ES384 signature over the bytes as received, check validity at the chosen time, then the
// caller's policy. Each failure is its own error class (see errors.ts), so callers can tell a forged
// document from an expired one.
import { verify as verifySignature } from "node:crypto";
import { AttestationSignatureError } from "../errors.js";
import { clearCertificateCache } from "./certificate.js";
import { checkValidity, clearLinkCache, verifyChain } from "./chain.js";
import { checkEs384, sigStructure } from "./cose.js";
import { parseAttestation, type AttestationDocument } from "./document.js";
import { readOptions, type VerifyAttestationOptions } from "./options.js";
import { checkPolicy } from "./policy.js";

export type { PcrValue, VerifyAttestationOptions } from "./options.js";
export { isDebugMode } from "./policy.js";

/** A verified document: its parsed contents and when its certificate path is valid. */
export interface VerifiedAttestationDocument extends AttestationDocument {
  /**
   * The window in which every certificate of the path (root to signing certificate) is valid: the
   * latest notBefore and the earliest notAfter. Outside it the document no longer verifies.
   */
  chainValidity: { notBefore: Date; notAfter: Date };
}

/**
 * Verifies an NSM attestation document (COSE_Sign1 bytes) and returns its parsed contents.
 * Throws an AttestationError subclass naming the failed check.
 */
export function verifyAttestation(document: Uint8Array, options?: VerifyAttestationOptions): VerifiedAttestationDocument {
  const policy = readOptions(options);
  const doc = parseAttestation(document);
  checkEs384(doc);
  const { leafKey, path } = verifyChain(doc.cabundle, doc.certificate, policy.trustedRoots);
  let valid = false;
  try {
    valid = verifySignature("sha384", sigStructure(doc), { key: leafKey, dsaEncoding: "ieee-p1363" }, doc.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new AttestationSignatureError();
  const at = policy.at === "document" ? doc.timestamp.getTime() : policy.at === "now" ? Date.now() : policy.at;
  const window = checkValidity(path, at);
  checkPolicy(doc, policy, at);
  return { ...doc, chainValidity: { notBefore: new Date(window.notBefore), notAfter: new Date(window.notAfter) } };
}

/** Forgets every cached certificate parse and verified signature link (for tests and benchmarks). */
export function clearAttestationCache(): void {
  clearCertificateCache();
  clearLinkCache();
}
