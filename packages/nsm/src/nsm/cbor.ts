// CBOR for NSM messages. Encoding uses cbor-x with the settings the NSM's serde decoder needs: no
// records or tag-259 maps, no tagged Uint8Arrays, minimal map sizes. Decoding uses the package's
// strict reader (../cbor/reader.ts): cbor-x would turn invalid UTF-8 into U+FFFD instead of
// refusing it. Maps come back as Maps, byte strings as views into the input.
import { Encoder, type Options } from "cbor-x";
import { decodeCborItem } from "../cbor/reader.js";

const encoder = new Encoder({
  useRecords: false,
  tagUint8Array: false,
  useTag259ForMaps: false,
  mapsAsObjects: false,
  variableMapSize: true,
  structuredClone: false,
  pack: false,
} as Options & { useTag259ForMaps: boolean });

/** Encodes plain objects, strings, small integers, booleans, null and Uint8Arrays. Never pass undefined. */
export function encodeCbor(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/** Decodes exactly one CBOR item (trailing bytes are an error); throws CborError when it is not one. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decodeCborItem(bytes);
}
