// Options of enclaveRecipient(), read from the options object's own properties only and checked.
import { EnclaveOptionsError } from "../errors.js";

export interface EnclaveRecipientOptions {
  /**
   * How long, in milliseconds, one attestation document may be sent as the `Recipient` of further calls,
   * counted from when it was requested from the NSM. 0 attests anew for every call. Default 60 000 (60 s);
   * at most MAX_ATTESTATION_REUSE_MS.
   */
  attestationReuseMs?: number;
}

export const DEFAULT_ATTESTATION_REUSE_MS = 60_000;

/**
 * The longest reuse accepted: 5 minutes. KMS documents no age limit of its own for a Recipient attestation
 * document: its API reference (RecipientInfo, and the Recipient member of Decrypt, GenerateDataKey,
 * GenerateDataKeyPair, GenerateRandom, DeriveSharedSecret) and its developer guide ("Cryptographic
 * attestation support in AWS KMS", "How to make attested calls to AWS KMS") name only the document's
 * signature, its certificate chain and the key policy; a verifier checks the chain at the time of use
 * (aws-nitro-enclaves-nsm-api, docs/attestation_process.md, "Certificates validity"), and an NSM's signing
 * certificate lives about three hours. 5 minutes stays far inside that, and equals the clock skew AWS
 * allows a SigV4-signed request, the one freshness window a KMS request is documented to have. A document
 * KMS refuses is not sent again (enclave-recipient.ts), so a stricter window on KMS's side would cost one
 * failed call, not an outage.
 */
export const MAX_ATTESTATION_REUSE_MS = 5 * 60_000;

const KNOWN = new Set(["attestationReuseMs"]);

export function checkOptions(options: unknown): Required<EnclaveRecipientOptions> {
  if (options === undefined) return { attestationReuseMs: DEFAULT_ATTESTATION_REUSE_MS };
  if (typeof options !== "object" || options === null) throw new EnclaveOptionsError("enclaveRecipient options must be an object");
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new EnclaveOptionsError(`unknown enclaveRecipient option ${JSON.stringify(key)}`);
  }
  const reuse = Object.hasOwn(options, "attestationReuseMs") ? (options as EnclaveRecipientOptions).attestationReuseMs : undefined;
  if (reuse === undefined) return { attestationReuseMs: DEFAULT_ATTESTATION_REUSE_MS };
  if (typeof reuse !== "number" || !Number.isInteger(reuse) || reuse < 0 || reuse > MAX_ATTESTATION_REUSE_MS) {
    throw new EnclaveOptionsError(`attestationReuseMs must be an integer from 0 to ${MAX_ATTESTATION_REUSE_MS} (5 minutes)`);
  }
  return { attestationReuseMs: reuse };
}
