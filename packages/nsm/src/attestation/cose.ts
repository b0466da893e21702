// COSE_Sign1 (RFC 9052) as the NSM emits it: [protected: bstr, unprotected: map, payload: bstr,
// signature: bstr], untagged or under tag 18. Reading checks the structure only; whether the document
// is signed the way a real NSM signs (ES384, 96-byte r || s) is verifyAttestation's business, because
// some NSMs do not sign at all: QEMU's virtio-nsm writes alg -1 and a 64-byte zero signature.
import { AttestationFormatError, AttestationSignatureError, UnsupportedAlgorithmError } from "../errors.js";
import { CborError, CborReader, byteStringHead, type CborMap } from "../cbor/reader.js";

const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_CRIT = 2;
export const ALG_ES384 = -35;
export const ES384_SIGNATURE_BYTES = 96;

export interface CoseSign1 {
  /** the protected header's serialized bytes (the content of the first bstr) */
  protectedHeader: Uint8Array;
  /** the protected header's alg (COSE algorithm: -35 = ES384 on a real NSM, -1 on QEMU's unsigned documents), null when absent */
  alg: number | string | null;
  /** the payload exactly as received (the content of the third bstr) */
  payload: Uint8Array;
  /** the signature bytes as received (raw r || s, 48 bytes each, when alg is ES384) */
  signature: Uint8Array;
}

/** Splits a COSE_Sign1 into its parts (views into `bytes`), checking its structure only. */
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
    if (!(signature instanceof Uint8Array)) throw new CborError("signature is not a byte string");
    return { protectedHeader, alg: readProtectedHeader(protectedHeader), payload, signature };
  } catch (e) {
    if (e instanceof CborError) throw new AttestationFormatError(`not an NSM COSE_Sign1: ${e.message}`);
    throw e;
  }
}

/** The protected header must be one CBOR map; returns its alg (an int or a text string, RFC 9052), or null. */
function readProtectedHeader(serialized: Uint8Array): number | string | null {
  const reader = new CborReader(serialized);
  const header = reader.readValue();
  if (!reader.atEnd || !(header instanceof Map)) throw new CborError("protected header is not one CBOR map");
  // A critical header we would have to understand: none is defined for attestation documents.
  if ((header as CborMap).has(HEADER_CRIT)) throw new CborError("protected header lists critical parameters");
  const alg = (header as CborMap).get(HEADER_ALG);
  if (alg === undefined) return null;
  if (typeof alg !== "string" && !(typeof alg === "number" && Number.isSafeInteger(alg))) throw new CborError("protected header alg is not an integer or a text string");
  return alg;
}

/**
 * What a real NSM's signature must be before it is checked: ES384 in the protected header and a
 * 96-byte raw r || s. Documents from an NSM that does not sign (QEMU's virtio-nsm: alg -1, 64 zero
 * bytes) parse, and stop here.
 */
export function checkEs384(cose: Pick<CoseSign1, "alg" | "signature">): void {
  if (cose.alg !== ALG_ES384) {
    const unsigned = cose.alg === -1 ? " (-1: the NSM did not sign it, as QEMU's virtio-nsm does not)" : "";
    throw new UnsupportedAlgorithmError(`the document's protected header alg is ${cose.alg === null ? "absent" : JSON.stringify(cose.alg)}${unsigned}, not ES384 (-35)`);
  }
  if (cose.signature.length !== ES384_SIGNATURE_BYTES) {
    throw new AttestationSignatureError(`the signature is ${cose.signature.length} bytes, not a ${ES384_SIGNATURE_BYTES}-byte ES384 signature (r || s)`);
  }
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
