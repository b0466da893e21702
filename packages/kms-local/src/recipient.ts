// The Recipient parameter: an attestation document from a Nitro enclave whose public key KMS encrypts
// its answer to. kms-local checks the document with the nsm package's verifier against the configured
// trusted roots (the simulated NSM's root for local development, the AWS Nitro root for real documents),
// requires an RSA public key of at least 2048 bits in it, and exposes the PCRs as the policy condition
// keys kms:RecipientAttestation:ImageSha384 (= PCR0) and kms:RecipientAttestation:PCR<n>, lower-case hex.
//
// Verifying a document costs a few ECDSA P-384 verifications, so identical documents are verified once and
// the outcome is cached, but only for as long as every certificate in its chain is valid: a cached answer
// is never one that a fresh verification would refuse. The cache holds the document's base64 text as it
// came in the request (strict base64 has one text per byte string) and answers only a request with exactly
// that text, so a known document is not even decoded again; the texts' total size is bounded as well as
// their number.
import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
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
  /** Condition keys (lower-cased) and values that the document contributes to policy evaluation (made once per document). */
  conditionValues: ReadonlyMap<string, string[]>;
}

/**
 * The Recipient member of a request, read and validated: the attestation document's base64 text and,
 * unless the verifier already knew that text when it was read, its bytes.
 */
export interface RecipientDocument {
  text: string;
  bytes: Buffer | undefined;
}

interface CacheEntry {
  text: string;
  recipient: Recipient;
  notBefore: number;
  notAfter: number;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/**
 * The condition keys (lower-cased) and values an attestation document's PCRs put in a request:
 * kms:RecipientAttestation:PCR<n> for each PCR and kms:RecipientAttestation:ImageSha384 (= PCR0), lower-case hex.
 */
export function attestationConditionValues(pcrs: ReadonlyMap<number, Uint8Array>): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [index, value] of pcrs) {
    values.set(`kms:recipientattestation:pcr${index}`, [hex(value)]);
    if (index === 0) values.set("kms:recipientattestation:imagesha384", [hex(value)]);
  }
  return values;
}

const DOCUMENT_RULE = { required: true, min: 1, max: 262144 } as const;

/**
 * Where a document text is filed in the cache: its length and its last 88 characters (the end of the
 * document's signature, different in every document). Hashing a few kilobytes of text as a Map key costs
 * more than a SHA-256 of them; an entry answers only the identical text, so a shared fingerprint can
 * cost a verification but never give a wrong answer.
 */
const fingerprint = (text: string) => `${text.length}:${text.slice(-88)}`;

export class RecipientVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private cachedChars = 0;

  constructor(
    private readonly verify: AttestationVerifier,
    private readonly cacheSize = 1024,
    private readonly now: () => Date = () => new Date(),
    /** Bound on the summed length of the cached documents' base64 texts. */
    private readonly cacheChars = 16 * 1024 * 1024,
  ) {}

  /**
   * Reads the Recipient member of an operation's input (with the other members, before any key is looked
   * up), undefined when there is none. A document text already in the cache passed these same checks
   * when it was first read, so it is not decoded again.
   */
  read(input: Input): RecipientDocument | undefined {
    const r = input.structure("Recipient");
    if (!r) return undefined;
    r.enumOf("KeyEncryptionAlgorithm", ["RSAES_OAEP_SHA_256"] as const);
    const text = r.blobText("AttestationDocument", DOCUMENT_RULE);
    return { text, bytes: this.cache.get(fingerprint(text))?.text === text ? undefined : r.blob("AttestationDocument", DOCUMENT_RULE) };
  }

  /** Verifies a document read by read() (undefined when the request had no Recipient). */
  async verified(document: RecipientDocument | undefined): Promise<Recipient | undefined> {
    if (document === undefined) return undefined;
    return this.cached(document.text) ?? this.verifyAndCache(document.text, document.bytes ?? Buffer.from(document.text, "base64"));
  }

  /** The cached outcome for a document text while its certificates are all valid. */
  private cached(text: string): Recipient | undefined {
    const key = fingerprint(text);
    const hit = this.cache.get(key);
    if (!hit || hit.text !== text) return undefined;
    const now = this.now().getTime();
    if (now >= hit.notBefore && now <= hit.notAfter) return hit.recipient;
    this.forget(key);
    return undefined;
  }

  private forget(key: string) {
    const entry = this.cache.get(key);
    if (entry) {
      this.cache.delete(key);
      this.cachedChars -= entry.text.length;
    }
  }

  private async verifyAndCache(text: string, document: Buffer): Promise<Recipient> {
    const now = this.now();
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
    const key = fingerprint(text);
    this.forget(key);
    if (text.length > this.cacheChars) return recipient;
    while (this.cache.size > 0 && (this.cache.size >= this.cacheSize || this.cachedChars + text.length > this.cacheChars)) {
      this.forget(this.cache.keys().next().value!);
    }
    this.cache.set(key, { text, recipient, notBefore, notAfter });
    this.cachedChars += text.length;
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
    return { publicKey, spki, conditionValues: attestationConditionValues(v.pcrs) };
  }
}
