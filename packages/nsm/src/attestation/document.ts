// The attestation document inside the COSE_Sign1 payload, checked field by field against the NSM's
// specification (aws-nitro-enclaves-nsm-api docs/attestation_process.md). The optional fields may be
// up to 1024 bytes: the CDDL there says user_data = bytes .size (0..1024), and real NSMs emit
// 1024-byte public_key, user_data and nonce (see test/vectors/attestation).
import { isBytes } from "../arguments.js";
import { AttestationFormatError } from "../errors.js";
import { CborError, CborReader, type CborMap, type CborValue } from "../cbor/reader.js";
import { readCoseSign1 } from "./cose.js";

/** A parsed NSM attestation document. Byte fields are views into a private copy of the input. */
export interface AttestationDocument {
  /** issuing NSM module, e.g. "i-0123...-enc0123..." */
  moduleId: string;
  digest: "SHA384";
  /** when the NSM made the document (millisecond precision) */
  timestamp: Date;
  /** locked PCRs by index */
  pcrs: Map<number, Uint8Array>;
  /** the signing (leaf) certificate, DER */
  certificate: Uint8Array;
  /** issuing CAs, root first, DER */
  cabundle: Uint8Array[];
  /** null when absent, null or empty in the document */
  publicKey: Uint8Array | null;
  userData: Uint8Array | null;
  nonce: Uint8Array | null;
  /** the COSE_Sign1 parts as received */
  protectedHeader: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  /**
   * the protected header's COSE alg, null when absent: -35 (ES384) on a real NSM, -1 on QEMU's
   * virtio-nsm, which does not sign (parseAttestation accepts any; verifyAttestation wants -35)
   */
  alg: number | string | null;
}

export const MAX_DOCUMENT_BYTES = 64 * 1024;
const MAX_CERT_BYTES = 1024;
const MAX_OPTIONAL_FIELD_BYTES = 1024;
const MAX_CABUNDLE = 16;
const PCR_SIZES = new Set([32, 48, 64]);
const MAX_PCRS = 32;

/**
 * Parses an attestation document (COSE_Sign1 bytes) without verifying anything cryptographic: the
 * COSE_Sign1 structure and every payload field, whatever the alg and the signature's length (QEMU's
 * unsigned documents parse too; check `alg` if it matters). Throws AttestationFormatError when it is
 * not a well-formed NSM attestation document.
 */
export function parseAttestation(document: Uint8Array): AttestationDocument {
  if (!isBytes(document)) throw new AttestationFormatError("the attestation document must be a Uint8Array");
  if (document.length === 0) throw new AttestationFormatError("the attestation document is empty");
  if (document.length > MAX_DOCUMENT_BYTES) throw new AttestationFormatError(`the attestation document is over ${MAX_DOCUMENT_BYTES} bytes`);
  // One private copy: nothing the caller does to its buffer afterwards can change what was checked.
  const bytes = new Uint8Array(document);
  const cose = readCoseSign1(bytes);
  let payload: CborValue;
  try {
    const reader = new CborReader(cose.payload);
    payload = reader.readValue();
    if (!reader.atEnd) throw new CborError(`${cose.payload.length - reader.pos} trailing bytes after the payload map`);
  } catch (e) {
    if (e instanceof CborError) throw new AttestationFormatError(`payload is not valid CBOR: ${e.message}`);
    throw e;
  }
  if (!(payload instanceof Map)) throw new AttestationFormatError("payload is not a CBOR map");
  return { ...readFields(payload), ...cose };
}

function readFields(map: CborMap) {
  const moduleId = map.get("module_id");
  if (typeof moduleId !== "string" || moduleId.length === 0) throw new AttestationFormatError("module_id must be a non-empty text string");

  const digest = map.get("digest");
  if (digest !== "SHA384") throw new AttestationFormatError(`digest must be "SHA384", got ${describe(digest)}`);

  const timestamp = map.get("timestamp");
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp <= 0) throw new AttestationFormatError("timestamp must be a positive integer (ms since the epoch)");
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) throw new AttestationFormatError("timestamp is out of the range of a date");

  return {
    moduleId,
    digest: "SHA384" as const,
    timestamp: date,
    pcrs: readPcrs(map.get("pcrs")),
    certificate: readCertificate(map.get("certificate"), "certificate"),
    cabundle: readCabundle(map.get("cabundle")),
    publicKey: readOptionalBytes(map, "public_key"),
    userData: readOptionalBytes(map, "user_data"),
    nonce: readOptionalBytes(map, "nonce"),
  };
}

function readPcrs(value: CborValue | undefined): Map<number, Uint8Array> {
  if (!(value instanceof Map)) throw new AttestationFormatError("pcrs must be a map");
  if (value.size < 1 || value.size > MAX_PCRS) throw new AttestationFormatError(`pcrs must hold 1 to ${MAX_PCRS} entries, not ${value.size}`);
  const pcrs = new Map<number, Uint8Array>();
  for (const [index, pcr] of value) {
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= MAX_PCRS) throw new AttestationFormatError(`PCR index ${String(index)} is not an integer in 0..31`);
    if (!(pcr instanceof Uint8Array) || !PCR_SIZES.has(pcr.length)) throw new AttestationFormatError(`PCR ${index} must be a byte string of 32, 48 or 64 bytes`);
    pcrs.set(index, pcr);
  }
  return pcrs;
}

function readCertificate(value: CborValue | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length < 1 || value.length > MAX_CERT_BYTES) throw new AttestationFormatError(`${what} must be a byte string of 1 to ${MAX_CERT_BYTES} bytes`);
  return value;
}

function readCabundle(value: CborValue | undefined): Uint8Array[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CABUNDLE) throw new AttestationFormatError(`cabundle must be an array of 1 to ${MAX_CABUNDLE} certificates`);
  return value.map((cert, i) => readCertificate(cert, `cabundle[${i}]`));
}

function readOptionalBytes(map: CborMap, key: string): Uint8Array | null {
  const value = map.get(key);
  if (value === undefined || value === null) return null;
  if (!(value instanceof Uint8Array) || value.length > MAX_OPTIONAL_FIELD_BYTES) throw new AttestationFormatError(`${key} must be null or a byte string of at most ${MAX_OPTIONAL_FIELD_BYTES} bytes`);
  return value.length === 0 ? null : value;
}

function describe(value: CborValue | undefined): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
}
