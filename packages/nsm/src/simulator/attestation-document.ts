// Builds and signs an attestation document the way the NSM does: an untagged COSE_Sign1
// [protected = h'a1013822' ({1: -35}, ES384), unprotected = {}, payload, signature = raw r||s over
// ["Signature1", protected, h'', payload] with SHA-384], the payload keys in the NSM's order.
import { sign, type KeyObject } from "node:crypto";
import type { AttestationDocument } from "../attestation/document.js";
import { array, bytes, indefiniteMap, map, NULL, text, uint, uint64Head } from "./cbor-writer.js";

export const ES384_PROTECTED_HEADER = Uint8Array.of(0xa1, 0x01, 0x38, 0x22);

/** The payload fields as the parser returns them, but with the timestamp in ms as the NSM writes it. */
export type DocumentFields = Pick<AttestationDocument, "moduleId" | "pcrs" | "certificate" | "cabundle" | "publicKey" | "userData" | "nonce"> & {
  timestamp: number;
};

export function encodePayload(f: DocumentFields, indefiniteLength: boolean): Uint8Array {
  const optional = (b: Uint8Array | null) => (b === null ? NULL : bytes(b));
  const entries: [Uint8Array, Uint8Array][] = [
    [text("module_id"), text(f.moduleId)],
    [text("digest"), text("SHA384")],
    [text("timestamp"), uint64Head(0, f.timestamp)],
    [text("pcrs"), map([...f.pcrs].sort(([a], [b]) => a - b).map(([i, v]) => [uint(i), bytes(v)]))],
    [text("certificate"), bytes(f.certificate)],
    [text("cabundle"), array(f.cabundle.map(bytes))],
    [text("public_key"), optional(f.publicKey)],
    [text("user_data"), optional(f.userData)],
    [text("nonce"), optional(f.nonce)],
  ];
  return indefiniteLength ? indefiniteMap(entries) : map(entries);
}

export function signDocument(payload: Uint8Array, key: KeyObject): Uint8Array {
  const toBeSigned = array([text("Signature1"), bytes(ES384_PROTECTED_HEADER), bytes(new Uint8Array(0)), bytes(payload)]);
  const signature = sign("sha384", toBeSigned, { key, dsaEncoding: "ieee-p1363" });
  return array([bytes(ES384_PROTECTED_HEADER), map([]), bytes(payload), bytes(signature)]);
}

