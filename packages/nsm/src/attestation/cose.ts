// COSE_Sign1 (RFC 9052) as the NSM emits it: [protected: bstr, unprotected: map, payload: bstr,
// signature: bstr], untagged or under tag 18, with ES384 (alg -35) in the protected header.
import { AttestationFormatError } from "../errors.js";
import { CborError, CborReader, byteStringHead, type CborMap } from "./cbor.js";

const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_CRIT = 2;
const ALG_ES384 = -35;
export const ES384_SIGNATURE_BYTES = 96;

export interface CoseSign1 {
  /** the protected header's serialized bytes (the content of the first bstr) */
  protectedHeader: Uint8Array;
  /** the payload exactly as received (the content of the third bstr) */
  payload: Uint8Array;
  /** raw r || s, 48 bytes each */
  signature: Uint8Array;
}

/** Splits a COSE_Sign1 into its parts (views into `bytes`), checking structure and algorithm. */
export function readCoseSign1(bytes: Uint8Array): CoseSign1 {
  try {
    const reader = new CborReader(bytes);
    if (reader.peekMajor() === 6) {
      const { arg } = reader.readHead();
      if (arg !== COSE_SIGN1_TAG) throw new CborError(`tag ${String(arg)} is not COSE_Sign1 (18)`);
    }
    const top = reader.readValue();
    if (!reader.atEnd) throw new CborError(`${bytes.length - reader.pos} trailing bytes after COSE_Sign1`);
    if (!Array.isArray(top) || top.length !== 4) throw new CborError("COSE_Sign1 is not an array of four items");
    const [protectedHeader, unprotected, payload, signature] = top;
    if (!(protectedHeader instanceof Uint8Array)) throw new CborError("protected header is not a byte string");
    if (!(unprotected instanceof Map)) throw new CborError("unprotected header is not a map");
    if (!(payload instanceof Uint8Array)) throw new CborError("payload is not a byte string (detached payloads are not attestation documents)");
    if (!(signature instanceof Uint8Array) || signature.length !== ES384_SIGNATURE_BYTES) throw new CborError(`signature is not a ${ES384_SIGNATURE_BYTES}-byte byte string`);
    checkProtectedHeader(protectedHeader);
    return { protectedHeader, payload, signature };
  } catch (e) {
    if (e instanceof CborError) throw new AttestationFormatError(`not an NSM COSE_Sign1: ${e.message}`);
    throw e;
  }
}

function checkProtectedHeader(serialized: Uint8Array): void {
  const reader = new CborReader(serialized);
  const header = reader.readValue();
  if (!reader.atEnd || !(header instanceof Map)) throw new CborError("protected header is not one CBOR map");
  const alg = (header as CborMap).get(HEADER_ALG);
  if (alg !== ALG_ES384) throw new CborError(`protected header alg is ${String(alg)}, not ES384 (-35)`);
  // A critical header we would have to understand: none is defined for attestation documents.
  if ((header as CborMap).has(HEADER_CRIT)) throw new CborError("protected header lists critical parameters");
}

const SIGNATURE1_PREFIX = Uint8Array.of(0x84, 0x6a, ...new TextEncoder().encode("Signature1"));
const EMPTY_BSTR = Uint8Array.of(0x40);

/**
 * Sig_structure = ["Signature1", protected, external_aad = h'', payload], encoded around the
 * received payload bytes: the payload is copied as is, never decoded and re-encoded.
 */
export function sigStructure(cose: CoseSign1): Buffer {
  return Buffer.concat([
    SIGNATURE1_PREFIX,
    byteStringHead(cose.protectedHeader.length),
    cose.protectedHeader,
    EMPTY_BSTR,
    byteStringHead(cose.payload.length),
    cose.payload,
  ]);
}
