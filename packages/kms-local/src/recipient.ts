// The Recipient parameter: an attestation document from a Nitro enclave whose public key KMS encrypts
// its answer to. kms-local checks the document with the nsm package's verifier against the configured
// trusted roots (the simulated NSM's root for local development, the AWS Nitro root for real documents),
// requires an RSA public key of at least 2048 bits in it, and exposes the PCRs as the policy condition
// keys kms:RecipientAttestation:ImageSha384 (= PCR0) and kms:RecipientAttestation:PCR<n>, lower-case hex.
//
// Verifying a document costs a few ECDSA P-384 verifications, so identical documents (same bytes) are
// verified once and the outcome is cached, but only for as long as every certificate in its chain is
// valid: a cached answer is never one that a fresh verification would refuse.
import { createHash, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { ValidationException } from "./errors.js";
import type { Input } from "./input.js";

/** The part of a verified attestation document kms-local uses (the nsm verifier's result has more). */
export interface VerifiedAttestation {
  pcrs: Map<number, Uint8Array>;
  publicKey: Uint8Array | null;
  certificate: Uint8Array;
  cabundle: Uint8Array[];
}

/** Verifies a document's signature and chain at the given time; throws on any failure. */
export type AttestationVerifier = (document: Uint8Array, at: Date) => Promise<VerifiedAttestation> | VerifiedAttestation;

export interface Recipient {
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo, as it appears in the document. */
  spki: Buffer;
  /** Condition keys (lower-cased) and values that the document contributes to policy evaluation. */
  conditions: [string, string][];
}

interface CacheEntry {
  recipient: Recipient;
  notBefore: number;
  notAfter: number;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/**
 * Reads the Recipient member of an operation's input (with the other members, before any key is looked
 * up): the attestation document's bytes, or undefined when there is no Recipient.
 */
export function readRecipient(input: Input): Buffer | undefined {
  const r = input.structure("Recipient");
  if (!r) return undefined;
  r.enumOf("KeyEncryptionAlgorithm", ["RSAES_OAEP_SHA_256"] as const);
  return r.blob("AttestationDocument", { required: true, min: 1, max: 262144 });
}

export class RecipientVerifier {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly verify: AttestationVerifier,
    private readonly cacheSize = 1024,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Verifies a document read by readRecipient (undefined when the request had no Recipient). */
  async verified(document: Buffer | undefined): Promise<Recipient | undefined> {
    return document === undefined ? undefined : this.check(document);
  }

  async check(document: Uint8Array): Promise<Recipient> {
    const now = this.now();
    const id = createHash("sha256").update(document).digest("base64");
    const hit = this.cache.get(id);
    if (hit && now.getTime() >= hit.notBefore && now.getTime() <= hit.notAfter) return hit.recipient;
    if (hit) this.cache.delete(id);

    let verified: VerifiedAttestation;
    try {
      verified = await this.verify(document, now);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new ValidationException(
        `The attestation document in the Recipient parameter is not valid${typeof code === "string" ? ` (${code})` : ""}.`,
      );
    }
    const recipient = this.toRecipient(verified);

    let notBefore = -Infinity;
    let notAfter = Infinity;
    for (const der of [verified.certificate, ...verified.cabundle]) {
      const cert = new X509Certificate(der);
      notBefore = Math.max(notBefore, Date.parse(cert.validFrom));
      notAfter = Math.min(notAfter, Date.parse(cert.validTo));
    }
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { recipient, notBefore, notAfter });
    return recipient;
  }

  private toRecipient(v: VerifiedAttestation): Recipient {
    if (!v.publicKey || v.publicKey.length === 0) {
      throw new ValidationException("The attestation document in the Recipient parameter has no public key.");
    }
    const spki = Buffer.from(v.publicKey);
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: spki, format: "der", type: "spki" });
    } catch {
      throw new ValidationException("The public key in the attestation document is not a DER SubjectPublicKeyInfo.");
    }
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (publicKey.asymmetricKeyType !== "rsa" || bits < 2048) {
      throw new ValidationException("The public key in the attestation document must be an RSA key of at least 2048 bits.");
    }
    const conditions: [string, string][] = [];
    for (const [index, value] of v.pcrs) {
      conditions.push([`kms:recipientattestation:pcr${index}`, hex(value)]);
      if (index === 0) conditions.push(["kms:recipientattestation:imagesha384", hex(value)]);
    }
    return { publicKey, spki, conditions };
  }
}
