// The caller's policy, applied once the document is authentic: expected PCRs, debug mode, nonce, age.
import { isBytes } from "../arguments.js";
import { AttestationTooOldError, DebugModeError, NonceMismatchError, NsmArgumentError, PcrMismatchError } from "../errors.js";
import type { AttestationDocument } from "./document.js";
import type { Policy } from "./options.js";

export function checkPolicy(doc: AttestationDocument, policy: Policy, at: number): void {
  if (policy.expectedPcrs) {
    for (const [index, expected] of policy.expectedPcrs) {
      const actual = doc.pcrs.get(index);
      if (actual === undefined) throw new PcrMismatchError(`the document has no PCR${index}`, index);
      if (!equalBytes(actual, expected)) throw new PcrMismatchError(`PCR${index} is ${Buffer.from(actual).toString("hex")}, expected ${Buffer.from(expected).toString("hex")}`, index);
    }
  }
  if (!policy.allowDebug && isDebugMode(doc)) throw new DebugModeError();
  if (policy.expectedNonce !== undefined && (doc.nonce === null || !equalBytes(doc.nonce, policy.expectedNonce))) throw new NonceMismatchError();
  if (policy.maxAgeMs !== undefined) {
    const distance = Math.abs(at - doc.timestamp.getTime());
    if (distance > policy.maxAgeMs) throw new AttestationTooOldError(`the document's timestamp ${doc.timestamp.toISOString()} is ${distance} ms from the verification time ${new Date(at).toISOString()}; at most ${policy.maxAgeMs} ms allowed`);
  }
}

/** Debug-mode enclaves report PCR0, PCR1 and PCR2 as all zeros. Takes a parsed document (its `pcrs` Map). */
export function isDebugMode(doc: Pick<AttestationDocument, "pcrs">): boolean {
  const pcrs: unknown = typeof doc === "object" && doc !== null && Object.prototype.hasOwnProperty.call(doc, "pcrs") ? doc.pcrs : undefined;
  if (!(pcrs instanceof Map)) throw new NsmArgumentError("isDebugMode takes a parsed attestation document (with a pcrs Map)");
  for (const index of [0, 1, 2]) {
    const pcr: unknown = pcrs.get(index);
    if (pcr === undefined) return false;
    if (!isBytes(pcr)) throw new NsmArgumentError(`isDebugMode: PCR${index} is not a Uint8Array`);
    if (pcr.some((b) => b !== 0)) return false;
  }
  return true;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
