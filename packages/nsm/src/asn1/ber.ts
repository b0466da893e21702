// The package's one ASN.1 reader: strict BER (X.690) for KMS's CMS EnvelopedData (../cms/parse.ts)
// and for the X.509 certificates of attestation documents (../attestation/certificate.ts). It builds
// one small node per element, with content as views into the input, handles definite and indefinite
// lengths, end-of-contents and high tag numbers, limits depth, and refuses what X.690 forbids (a
// primitive SEQUENCE, a constructed INTEGER, non-minimal high tag numbers, lengths over 4 bytes).
// The typed accessors below check each element's tag, form and content octets as a caller reads it;
// each caller adds only its own rules.
//
// Why not asn1js: asn1js.fromBER builds several objects per element, and on KMS's 493-byte sample
// that costs 55-85 us, against 2-7 us for this reader and an RSA-2048 decryption of 220-470 us (the
// decryption's goal is at least 0.85x of node:crypto alone). asn1js stays the reference in the
// tests: test/asn1/ber.test.ts checks on fuzzed inputs that every tree this reader accepts is the
// tree asn1js reads.

export class BerShapeError extends Error {}

// Tag classes as X.690 numbers them (the top two bits of the identifier octet).
export const UNIVERSAL = 0;
export const APPLICATION = 1;
export const CONTEXT = 2;
export const PRIVATE = 3;

export const TAG_BOOLEAN = 1;
export const TAG_INTEGER = 2;
export const TAG_BIT_STRING = 3;
export const TAG_OCTET_STRING = 4;
export const TAG_NULL = 5;
export const TAG_OID = 6;
export const TAG_SEQUENCE = 16;
export const TAG_SET = 17;
export const TAG_UTC_TIME = 23;
export const TAG_GENERALIZED_TIME = 24;

export interface BerNode {
  tagClass: number;
  tagNumber: number;
  constructed: boolean;
  /** offsets of the whole element in the input (for an indefinite length, its end-of-contents included) */
  start: number;
  end: number;
  /** content octets of a primitive element (empty for constructed ones) */
  content: Uint8Array;
  /** elements of a constructed element, end-of-contents left out (empty for primitive ones) */
  children: BerNode[];
}

const MAX_DEPTH = 32;
const NO_CHILDREN: BerNode[] = [];
// X.690 8.x: these universal types only have a primitive encoding (BOOLEAN, INTEGER, NULL, OID, REAL,
// ENUMERATED, RELATIVE-OID, TIME, UTCTime, GeneralizedTime; the last two as RFC 5280 requires) ...
const PRIMITIVE_ONLY = new Set([1, 2, 5, 6, 9, 10, 13, 14, 23, 24]);
// ... and these only a constructed one (EXTERNAL, EMBEDDED PDV, SEQUENCE, SET).
const CONSTRUCTED_ONLY = new Set([8, 11, 16, 17]);

/** Decodes exactly one BER element that spans the whole input. */
export function decodeBer(input: Uint8Array): BerNode {
  const node = readElement(input, 0, input.length, 0);
  if (node.end !== input.length) throw new BerShapeError(`trailing bytes after the BER element (${input.length - node.end})`);
  if (isEndOfContents(node)) throw new BerShapeError("end-of-contents outside an indefinite-length element");
  return node;
}

function readElement(b: Uint8Array, pos: number, limit: number, depth: number): BerNode {
  if (depth > MAX_DEPTH) throw new BerShapeError("BER nested too deep");
  const start = pos;
  if (pos >= limit) throw new BerShapeError("BER element truncated");
  const first = b[pos++];
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (pos >= limit) throw new BerShapeError("BER tag truncated");
      const x = b[pos++];
      if ((i === 0 && x === 0x80) || i === 4) throw new BerShapeError("BER tag number not minimal or too large");
      tagNumber = tagNumber * 128 + (x & 0x7f);
      if (!(x & 0x80)) break;
    }
    if (tagNumber < 0x1f) throw new BerShapeError("BER high tag number form for a low tag number");
  }
  if (tagClass === UNIVERSAL && (constructed ? PRIMITIVE_ONLY : CONSTRUCTED_ONLY).has(tagNumber)) {
    throw new BerShapeError(`universal tag ${tagNumber} cannot be ${constructed ? "constructed" : "primitive"}`);
  }
  if (pos >= limit) throw new BerShapeError("BER length truncated");
  const l = b[pos++];
  let length = -1; // -1: indefinite
  if (l < 0x80) length = l;
  else if (l === 0x80) {
    if (!constructed) throw new BerShapeError("indefinite length on a primitive element");
  } else {
    const n = l & 0x7f;
    if (n > 4) throw new BerShapeError("BER length over 4 bytes");
    if (pos + n > limit) throw new BerShapeError("BER length truncated");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[pos++];
  }
  if (length > limit - pos) throw new BerShapeError("BER element runs past its container");

  if (!constructed) {
    const node: BerNode = { tagClass, tagNumber, constructed, start, end: pos + length, content: b.subarray(pos, pos + length), children: NO_CHILDREN };
    if (tagClass === UNIVERSAL && tagNumber === 0 && length !== 0) throw new BerShapeError("malformed end-of-contents");
    return node;
  }
  if (tagClass === UNIVERSAL && tagNumber === 0) throw new BerShapeError("constructed end-of-contents");
  const children: BerNode[] = [];
  if (length >= 0) {
    const end = pos + length;
    while (pos < end) {
      const child = readElement(b, pos, end, depth + 1);
      if (isEndOfContents(child)) throw new BerShapeError("end-of-contents inside a definite-length element");
      children.push(child);
      pos = child.end;
    }
    return { tagClass, tagNumber, constructed, start, end, content: b.subarray(end, end), children };
  }
  for (;;) {
    const child = readElement(b, pos, limit, depth + 1);
    pos = child.end;
    if (isEndOfContents(child)) break;
    children.push(child);
  }
  return { tagClass, tagNumber, constructed, start, end: pos, content: b.subarray(pos, pos), children };
}

function isEndOfContents(node: BerNode): boolean {
  return node.tagClass === UNIVERSAL && node.tagNumber === 0 && !node.constructed;
}

function describe(node: BerNode): string {
  return `class ${node.tagClass} tag ${node.tagNumber} ${node.constructed ? "constructed" : "primitive"}`;
}

export function isTag(node: BerNode, tagClass: number, tagNumber: number): boolean {
  return node.tagClass === tagClass && node.tagNumber === tagNumber;
}

/** The children of a constructed element with this tag, checking their count. */
export function children(node: BerNode, tagClass: number, tagNumber: number, what: string, min: number, max = min): BerNode[] {
  if (!isTag(node, tagClass, tagNumber) || !node.constructed) throw new BerShapeError(`${what}: expected constructed class ${tagClass} tag ${tagNumber}, got ${describe(node)}`);
  const list = node.children;
  if (list.length < min || list.length > max) throw new BerShapeError(`${what}: expected ${min === max ? min : `${min}..${max}`} elements, got ${list.length}`);
  return list;
}

export function sequence(node: BerNode, what: string, min: number, max = min): BerNode[] {
  return children(node, UNIVERSAL, TAG_SEQUENCE, what, min, max);
}

function primitive(node: BerNode, tagNumber: number, what: string, name: string): Uint8Array {
  if (!isTag(node, UNIVERSAL, tagNumber) || node.constructed) throw new BerShapeError(`${what}: expected ${name}, got ${describe(node)}`);
  return node.content;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oid(node: BerNode, what: string): string {
  const c = primitive(node, TAG_OID, what, "an OBJECT IDENTIFIER");
  if (c.length === 0 || c[c.length - 1] & 0x80) throw new BerShapeError(`${what}: malformed OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < c.length; i++) {
    if (value === 0 && c[i] === 0x80) throw new BerShapeError(`${what}: OBJECT IDENTIFIER arc not minimal`);
    value = value * 128 + (c[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new BerShapeError(`${what}: OBJECT IDENTIFIER arc too large`);
    if (!(c[i] & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}

export function expectOid(node: BerNode, expected: string, what: string): void {
  const got = oid(node, what);
  if (got !== expected) throw new BerShapeError(`${what}: expected ${expected}, got ${got}`);
}

/** A small non-negative INTEGER (at most 4 content bytes). */
export function smallInteger(node: BerNode, what: string): number {
  const c = primitive(node, TAG_INTEGER, what, "an INTEGER");
  if (c.length === 0 || c.length > 4 || c[0] & 0x80) throw new BerShapeError(`${what}: INTEGER empty, negative or too large`);
  if (c.length > 1 && c[0] === 0 && !(c[1] & 0x80)) throw new BerShapeError(`${what}: INTEGER not minimally encoded`);
  let value = 0;
  for (const byte of c) value = value * 256 + byte;
  return value;
}

export function isNull(node: BerNode): boolean {
  return isTag(node, UNIVERSAL, TAG_NULL) && !node.constructed && node.content.length === 0;
}

export function boolean(node: BerNode, what: string): boolean {
  const c = primitive(node, TAG_BOOLEAN, what, "a BOOLEAN");
  if (c.length !== 1) throw new BerShapeError(`${what}: BOOLEAN of ${c.length} bytes`);
  return c[0] !== 0;
}

/** A primitive BIT STRING's bits, with the count of unused bits in the last byte. */
export function bitString(node: BerNode, what: string): { bytes: Uint8Array; unusedBits: number } {
  const c = primitive(node, TAG_BIT_STRING, what, "a BIT STRING");
  if (c.length === 0 || c[0] > 7 || (c.length === 1 && c[0] !== 0)) throw new BerShapeError(`${what}: malformed BIT STRING`);
  return { bytes: c.subarray(1), unusedBits: c[0] };
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 requires them, in ms. */
export function time(node: BerNode, what: string): number {
  const utc = isTag(node, UNIVERSAL, TAG_UTC_TIME);
  if ((!utc && !isTag(node, UNIVERSAL, TAG_GENERALIZED_TIME)) || node.constructed) throw new BerShapeError(`${what}: expected UTCTime or GeneralizedTime`);
  const text = String.fromCharCode(...node.content);
  const m = (utc ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!m) throw new BerShapeError(`${what}: time ${JSON.stringify(text)} is not in the RFC 5280 form`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const fullYear = utc ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  const date = new Date(0);
  date.setUTCFullYear(fullYear, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw new BerShapeError(`${what}: time ${text} is not a valid date`);
  return date.getTime();
}

const MAX_CHUNK_DEPTH = 8;

/**
 * The content octets of an OCTET STRING-typed element with this tag (universal OCTET STRING, or an
 * IMPLICIT context tag): primitive, or BER constructed from OCTET STRING chunks, which are joined.
 */
export function octets(node: BerNode, tagClass: number, tagNumber: number, what: string): { bytes: Uint8Array; constructed: boolean } {
  if (!isTag(node, tagClass, tagNumber)) throw new BerShapeError(`${what}: expected class ${tagClass} tag ${tagNumber}, got ${describe(node)}`);
  if (!node.constructed) return { bytes: node.content, constructed: false };
  const parts: Uint8Array[] = [];
  collectChunks(node, what, parts, 0);
  return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts), constructed: true };
}

function collectChunks(node: BerNode, what: string, out: Uint8Array[], depth: number): void {
  if (depth > MAX_CHUNK_DEPTH) throw new BerShapeError(`${what}: OCTET STRING chunks nested too deep`);
  for (const chunk of node.children) {
    if (!isTag(chunk, UNIVERSAL, TAG_OCTET_STRING)) throw new BerShapeError(`${what}: a chunk is not an OCTET STRING (${describe(chunk)})`);
    if (chunk.constructed) collectChunks(chunk, what, out, depth + 1);
    else out.push(chunk.content);
  }
}
