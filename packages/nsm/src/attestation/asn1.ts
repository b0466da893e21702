// Strict BER (X.690) reading with asn1js, for the X.509 certificates of attestation documents
// (./certificate.ts). asn1js decodes the whole certificate once (no speculative parsing of OCTET and
// BIT STRING contents, no copy of the input, bounded depth and size); then `decodeStrict` walks the
// tree it built and refuses what BER forbids but asn1js lets through (a malformed end-of-contents, the
// high tag number form for a low tag, a primitive SEQUENCE, lengths over 4 bytes, ...). The accessors
// check each element's tag, form and content octets as the caller reads it.
import * as asn1js from "asn1js";

export class Asn1ShapeError extends Error {}

// asn1js's tag classes (1-based: X.690's class + 1).
export const UNIVERSAL = 1;
export const CONTEXT = 3;

export const TAG_BOOLEAN = 1;
export const TAG_INTEGER = 2;
export const TAG_BIT_STRING = 3;
export const TAG_OCTET_STRING = 4;
export const TAG_OID = 6;
export const TAG_SEQUENCE = 16;
export const TAG_UTC_TIME = 23;
export const TAG_GENERALIZED_TIME = 24;

/** The parts of an asn1js block that this walk reads. */
export interface Asn1Node {
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean; blockLength: number; isHexOnly: boolean };
  lenBlock: { isIndefiniteForm: boolean; length: number; blockLength: number };
  valueBlock: { value?: unknown };
  /** the element's whole encoding (identifier, length, contents, and end-of-contents if indefinite) */
  valueBeforeDecodeView: Uint8Array;
  blockLength: number;
}

const MAX_DEPTH = 32;
const MAX_LENGTH_BYTES = 4;
const MAX_TAG_BYTES = 4;
const FROM_BER_OPTIONS = { parseEmbedded: false, copyInput: false, maxDepth: MAX_DEPTH, maxNodes: 4096, maxContentLength: 1 << 20 };
const NO_CHILDREN: Asn1Node[] = [];
// X.690 8.x: these universal types only have a primitive encoding (BOOLEAN, INTEGER, NULL, OID, REAL,
// ENUMERATED, RELATIVE-OID, TIME, UTCTime, GeneralizedTime; the last two as RFC 5280 requires) ...
const PRIMITIVE_ONLY = new Set([1, 2, 5, 6, 9, 10, 13, 14, 23, 24]);
// ... and these only a constructed one (EXTERNAL, EMBEDDED PDV, SEQUENCE, SET).
const CONSTRUCTED_ONLY = new Set([8, 11, 16, 17]);

/** Decodes exactly one BER element spanning the whole input, and checks every element of it. */
export function decodeStrict(input: Uint8Array): Asn1Node {
  // A plain Uint8Array view lets asn1js take its fast paths (a Buffer does not).
  const view = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  let decoded: asn1js.FromBerResult;
  try {
    decoded = asn1js.fromBER(view, FROM_BER_OPTIONS);
  } catch (e) {
    throw new Asn1ShapeError(`BER decoding failed: ${(e as Error)?.message ?? String(e)}`);
  }
  const node = decoded.result as unknown as Asn1Node;
  if (decoded.offset === -1 || decoded.result.error) throw new Asn1ShapeError(`BER decoding failed: ${decoded.result.error || "malformed"}`);
  if (decoded.offset !== view.length) throw new Asn1ShapeError(`trailing bytes after the BER element (${view.length - decoded.offset})`);
  checkElement(node, 0);
  return node;
}

function checkElement(node: Asn1Node, depth: number): void {
  const { idBlock, lenBlock } = node;
  const raw = node.valueBeforeDecodeView;
  if (depth > MAX_DEPTH) throw new Asn1ShapeError("BER nested too deep");
  if (idBlock.tagClass === UNIVERSAL && idBlock.tagNumber === 0) throw new Asn1ShapeError("end-of-contents where an element belongs");
  if (idBlock.blockLength > 1) {
    if (idBlock.isHexOnly || idBlock.blockLength > 1 + MAX_TAG_BYTES || raw[1] === 0x80) throw new Asn1ShapeError("BER tag number not minimal or too large");
    if (idBlock.tagNumber < 0x1f) throw new Asn1ShapeError("BER high tag number form for a low tag number");
  }
  if (idBlock.tagClass === UNIVERSAL && (idBlock.isConstructed ? PRIMITIVE_ONLY : CONSTRUCTED_ONLY).has(idBlock.tagNumber)) {
    throw new Asn1ShapeError(`universal tag ${idBlock.tagNumber} cannot be ${idBlock.isConstructed ? "constructed" : "primitive"}`);
  }
  if (lenBlock.blockLength > 1 + MAX_LENGTH_BYTES) throw new Asn1ShapeError("BER length over 4 bytes");
  const header = idBlock.blockLength + lenBlock.blockLength;
  if (!lenBlock.isIndefiniteForm && node.blockLength !== header + lenBlock.length) throw new Asn1ShapeError("BER element length does not match its contents");
  if (!idBlock.isConstructed) return;
  // asn1js ends an indefinite element at any universal tag 0, whatever follows: it must be 00 00.
  if (lenBlock.isIndefiniteForm && (raw[raw.length - 2] !== 0 || raw[raw.length - 1] !== 0)) throw new Asn1ShapeError("malformed end-of-contents");
  const list = node.valueBlock.value;
  if (!Array.isArray(list)) return; // a constructed character string, which asn1js joins into text (none is read here)
  let contents = 0;
  for (const child of list as Asn1Node[]) {
    checkElement(child, depth + 1);
    contents += child.blockLength;
  }
  if (contents !== (lenBlock.isIndefiniteForm ? node.blockLength - header - 2 : lenBlock.length)) throw new Asn1ShapeError("BER element length does not match its contents");
}

/** The content octets of a primitive element (a view into the input). */
export function contentOf(node: Asn1Node): Uint8Array {
  return node.valueBeforeDecodeView.subarray(node.idBlock.blockLength + node.lenBlock.blockLength);
}

function describe(node: Asn1Node): string {
  return `class ${node.idBlock.tagClass - 1} tag ${node.idBlock.tagNumber} ${node.idBlock.isConstructed ? "constructed" : "primitive"}`;
}

export function isTag(node: Asn1Node, tagClass: number, tagNumber: number): boolean {
  return node.idBlock.tagClass === tagClass && node.idBlock.tagNumber === tagNumber;
}

/** The elements of a constructed element with this tag, checking their count. */
export function children(node: Asn1Node, tagClass: number, tagNumber: number, what: string, min: number, max = min): Asn1Node[] {
  if (!isTag(node, tagClass, tagNumber) || !node.idBlock.isConstructed) throw new Asn1ShapeError(`${what}: expected constructed class ${tagClass - 1} tag ${tagNumber}, got ${describe(node)}`);
  const list = Array.isArray(node.valueBlock.value) ? (node.valueBlock.value as Asn1Node[]) : NO_CHILDREN;
  if (list.length < min || list.length > max) throw new Asn1ShapeError(`${what}: expected ${min === max ? min : `${min}..${max}`} elements, got ${list.length}`);
  return list;
}

export function sequence(node: Asn1Node, what: string, min: number, max = min): Asn1Node[] {
  return children(node, UNIVERSAL, TAG_SEQUENCE, what, min, max);
}

function primitive(node: Asn1Node, tagNumber: number, what: string, name: string): Uint8Array {
  if (!isTag(node, UNIVERSAL, tagNumber) || node.idBlock.isConstructed) throw new Asn1ShapeError(`${what}: expected ${name}, got ${describe(node)}`);
  return contentOf(node);
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oid(node: Asn1Node, what: string): string {
  const c = primitive(node, TAG_OID, what, "an OBJECT IDENTIFIER");
  if (c.length === 0 || c[c.length - 1] & 0x80) throw new Asn1ShapeError(`${what}: malformed OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < c.length; i++) {
    if (value === 0 && c[i] === 0x80) throw new Asn1ShapeError(`${what}: OBJECT IDENTIFIER arc not minimal`);
    value = value * 128 + (c[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new Asn1ShapeError(`${what}: OBJECT IDENTIFIER arc too large`);
    if (!(c[i] & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}

/** A small non-negative INTEGER (at most 4 content bytes). */
export function smallInteger(node: Asn1Node, what: string): number {
  const c = primitive(node, TAG_INTEGER, what, "an INTEGER");
  if (c.length === 0 || c.length > 4 || c[0] & 0x80) throw new Asn1ShapeError(`${what}: INTEGER empty, negative or too large`);
  if (c.length > 1 && c[0] === 0 && !(c[1] & 0x80)) throw new Asn1ShapeError(`${what}: INTEGER not minimally encoded`);
  let value = 0;
  for (const byte of c) value = value * 256 + byte;
  return value;
}

export function boolean(node: Asn1Node, what: string): boolean {
  const c = primitive(node, TAG_BOOLEAN, what, "a BOOLEAN");
  if (c.length !== 1) throw new Asn1ShapeError(`${what}: BOOLEAN of ${c.length} bytes`);
  return c[0] !== 0;
}

/** A primitive BIT STRING's bits, with the count of unused bits in the last byte. */
export function bitString(node: Asn1Node, what: string): { bytes: Uint8Array; unusedBits: number } {
  const c = primitive(node, TAG_BIT_STRING, what, "a BIT STRING");
  if (c.length === 0 || c[0] > 7 || (c.length === 1 && c[0] !== 0)) throw new Asn1ShapeError(`${what}: malformed BIT STRING`);
  return { bytes: c.subarray(1), unusedBits: c[0] };
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 requires them, in ms. */
export function time(node: Asn1Node, what: string): number {
  const utc = isTag(node, UNIVERSAL, TAG_UTC_TIME);
  if ((!utc && !isTag(node, UNIVERSAL, TAG_GENERALIZED_TIME)) || node.idBlock.isConstructed) throw new Asn1ShapeError(`${what}: expected UTCTime or GeneralizedTime`);
  const text = String.fromCharCode(...contentOf(node));
  const m = (utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(text);
  if (!m) throw new Asn1ShapeError(`${what}: time ${JSON.stringify(text)} is not in the RFC 5280 form`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const fullYear = utc ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  const ms = Date.UTC(fullYear, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw new Asn1ShapeError(`${what}: time ${text} is not a valid date`);
  return ms;
}

const MAX_CHUNK_DEPTH = 8;

/**
 * The content octets of an OCTET STRING-typed element with this tag (universal OCTET STRING, or an
 * IMPLICIT context tag): primitive, or BER constructed from OCTET STRING chunks, which are joined.
 */
export function octets(node: Asn1Node, tagClass: number, tagNumber: number, what: string): { bytes: Uint8Array; constructed: boolean } {
  if (!isTag(node, tagClass, tagNumber)) throw new Asn1ShapeError(`${what}: expected class ${tagClass - 1} tag ${tagNumber}, got ${describe(node)}`);
  if (!node.idBlock.isConstructed) return { bytes: contentOf(node), constructed: false };
  const parts: Uint8Array[] = [];
  collectChunks(node, what, parts, 0);
  return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts), constructed: true };
}

function collectChunks(node: Asn1Node, what: string, out: Uint8Array[], depth: number): void {
  if (depth > MAX_CHUNK_DEPTH) throw new Asn1ShapeError(`${what}: OCTET STRING chunks nested too deep`);
  for (const chunk of node.valueBlock.value as Asn1Node[]) {
    if (!isTag(chunk, UNIVERSAL, TAG_OCTET_STRING)) throw new Asn1ShapeError(`${what}: a chunk is not an OCTET STRING (${describe(chunk)})`);
    if (chunk.idBlock.isConstructed) collectChunks(chunk, what, out, depth + 1);
    else out.push(contentOf(chunk));
  }
}
