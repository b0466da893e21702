// The Recipient parameter: an attestation document from a Nitro enclave whose public key KMS encrypts
// its answer to. kms-local checks each document with the configured verifier (by default the nsm
// package's, against the trusted roots, see attestation.ts) at the time of the request, and requires an
// RSA public key of at least 2048 bits in it. The document's PCRs feed the kms:RecipientAttestation
// condition keys (condition-keys.ts).
import { createPublicKey, type KeyObject } from "node:crypto";
import { ValidationException } from "./errors.js";
import type { Input } from "./input.js";

/** The part of a verified attestation document kms-local uses (the nsm verifier's result has more). */
export interface VerifiedAttestation {
  pcrs: Map<number, Uint8Array>;
  publicKey: Uint8Array | null;
}

/** Verifies a document's signature and chain at the given time; throws on any failure. */
export type AttestationVerifier = (document: Uint8Array, at: Date) => Promise<VerifiedAttestation> | VerifiedAttestation;

export interface Recipient {
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo, as it appears in the document. */
  spki: Buffer;
  /** PCR index -> value. */
  pcrs: ReadonlyMap<number, Uint8Array>;
}

const DOCUMENT_RULE = { required: true, min: 1, max: 262144 } as const;

export class RecipientVerifier {
  constructor(
    private readonly verify: AttestationVerifier,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Reads the Recipient member of an operation's input: the document's bytes, or undefined when there is none. */
  read(input: Input): Buffer | undefined {
    const r = input.structure("Recipient");
    if (!r) return undefined;
    r.enumOf("KeyEncryptionAlgorithm", ["RSAES_OAEP_SHA_256"] as const);
    return r.blob("AttestationDocument", DOCUMENT_RULE);
  }

  /** Verifies a document read by read() (undefined when the request had no Recipient). */
  async verified(document: Buffer | undefined): Promise<Recipient | undefined> {
    if (document === undefined) return undefined;
    let verified: VerifiedAttestation;
    try {
      verified = await this.verify(document, this.now());
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      throw new ValidationException(
        `The attestation document in the Recipient parameter is not valid${typeof code === "string" ? ` (${code})` : ""}.`,
      );
    }
    if (!verified.publicKey || verified.publicKey.length === 0) {
      throw new ValidationException("The attestation document in the Recipient parameter has no public key.");
    }
    const spki = Buffer.from(verified.publicKey);
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
    return { publicKey, spki, pcrs: new Map(verified.pcrs) };
  }
}
