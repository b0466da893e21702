// The CBOR settings every NSM message needs. cbor-x's defaults would break the NSM's serde decoder:
// it must not write records or tag-259 maps, must not tag Uint8Arrays, and must write map sizes
// minimally. Decoding keeps maps as Maps (attestation pcrs have integer keys), reads 64-bit integers
// as numbers and copies byte strings out of the input.
import { Decoder, Encoder, type Options } from "cbor-x";

const encoder = new Encoder({
  useRecords: false,
  tagUint8Array: false,
  useTag259ForMaps: false,
  mapsAsObjects: false,
  variableMapSize: true,
  structuredClone: false,
  pack: false,
} as Options & { useTag259ForMaps: boolean });

const decoder = new Decoder({
  useRecords: false,
  mapsAsObjects: false,
  copyBuffers: true,
  int64AsNumber: true,
} as Options & { int64AsNumber: boolean });

/** Encodes plain objects, strings, small integers, booleans, null and Uint8Arrays. Never pass undefined. */
export function encodeCbor(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/** Decodes exactly one CBOR item (trailing bytes are an error); throws cbor-x's errors as they are. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}
