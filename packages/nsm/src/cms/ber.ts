// Small, strict accessors over an asn1js BER tree. asn1js does the BER decoding (indefinite lengths,
// end-of-contents); these helpers only check tags and shapes, and report the first mismatch as a
// plain description that the caller wraps in its own error.
import * as asn1js from "asn1js";

export const UNIVERSAL = 1;
export const CONTEXT = 3;

export const TAG_INTEGER = 2;
export const TAG_OCTET_STRING = 4;
export const TAG_NULL = 5;
export const TAG_OID = 6;
export const TAG_SEQUENCE = 16;
export const TAG_SET = 17;

/** The fields of an asn1js block that these helpers read. */
export interface BerNode {
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean };
  valueBlock: { value?: unknown; valueHexView?: Uint8Array };
}

export class BerShapeError extends Error {}

/** Decodes exactly one BER element that spans the whole input. */
export function decodeBer(input: Uint8Array): BerNode {
  const parsed = asn1js.fromBER(input);
  if (parsed.offset === -1) throw new BerShapeError(`not BER: ${parsed.result.error || "decoding failed"}`);
  if (parsed.offset !== input.length) throw new BerShapeError(`trailing bytes after the BER element (${input.length - parsed.offset})`);
  return parsed.result as unknown as BerNode;
}

function describe(node: BerNode): string {
  const { tagClass, tagNumber, isConstructed } = node.idBlock;
  return `class ${tagClass} tag ${tagNumber} ${isConstructed ? "constructed" : "primitive"}`;
}

function isTag(node: BerNode, tagClass: number, tagNumber: number): boolean {
  return node.idBlock.tagClass === tagClass && node.idBlock.tagNumber === tagNumber;
}

/** The children of a constructed element with this tag, checking their count. */
export function children(node: BerNode, tagClass: number, tagNumber: number, what: string, min: number, max = min): BerNode[] {
  if (!isTag(node, tagClass, tagNumber) || !node.idBlock.isConstructed) throw new BerShapeError(`${what}: expected constructed class ${tagClass} tag ${tagNumber}, got ${describe(node)}`);
  const list = node.valueBlock.value as BerNode[];
  if (!Array.isArray(list) || list.length < min || list.length > max) throw new BerShapeError(`${what}: expected ${min === max ? min : `${min}..${max}`} elements, got ${Array.isArray(list) ? list.length : "none"}`);
  return list;
}

export function sequence(node: BerNode, what: string, min: number, max = min): BerNode[] {
  return children(node, UNIVERSAL, TAG_SEQUENCE, what, min, max);
}

export function oid(node: BerNode, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier) || node.idBlock.isConstructed) throw new BerShapeError(`${what}: expected an OBJECT IDENTIFIER, got ${describe(node as BerNode)}`);
  return node.getValue();
}

export function expectOid(node: BerNode, expected: string, what: string): void {
  const got = oid(node, what);
  if (got !== expected) throw new BerShapeError(`${what}: expected ${expected}, got ${got}`);
}

/** A small INTEGER given as its single content byte (the only valid encoding of 0..127). */
export function smallInteger(node: BerNode, what: string): number {
  const bytes = node.valueBlock.valueHexView;
  if (!isTag(node, UNIVERSAL, TAG_INTEGER) || node.idBlock.isConstructed || !bytes || bytes.length !== 1 || bytes[0] > 0x7f) {
    throw new BerShapeError(`${what}: expected a small INTEGER, got ${describe(node)}`);
  }
  return bytes[0];
}

export function isNull(node: BerNode): boolean {
  return node instanceof asn1js.Null && isTag(node, UNIVERSAL, TAG_NULL) && !node.idBlock.isConstructed && node.lenBlock.length === 0;
}

const MAX_CHUNK_DEPTH = 8;

/**
 * The content octets of an OCTET STRING-typed element with this tag (universal OCTET STRING, or an
 * IMPLICIT context tag): primitive, or BER constructed from OCTET STRING chunks, which are joined.
 */
export function octets(node: BerNode, tagClass: number, tagNumber: number, what: string): { bytes: Uint8Array; constructed: boolean } {
  if (!isTag(node, tagClass, tagNumber)) throw new BerShapeError(`${what}: expected class ${tagClass} tag ${tagNumber}, got ${describe(node)}`);
  if (!node.idBlock.isConstructed) return { bytes: primitiveBytes(node, what), constructed: false };
  const parts: Uint8Array[] = [];
  collectChunks(node, what, parts, 0);
  return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts), constructed: true };
}

function primitiveBytes(node: BerNode, what: string): Uint8Array {
  const bytes = node.valueBlock.valueHexView;
  if (!(bytes instanceof Uint8Array)) throw new BerShapeError(`${what}: no content octets`);
  return bytes;
}

function collectChunks(node: BerNode, what: string, out: Uint8Array[], depth: number): void {
  if (depth > MAX_CHUNK_DEPTH) throw new BerShapeError(`${what}: OCTET STRING chunks nested too deep`);
  const list = node.valueBlock.value;
  if (!Array.isArray(list)) throw new BerShapeError(`${what}: constructed without chunks`);
  for (const chunk of list as BerNode[]) {
    if (!isTag(chunk, UNIVERSAL, TAG_OCTET_STRING)) throw new BerShapeError(`${what}: a chunk is not an OCTET STRING (${describe(chunk)})`);
    if (chunk.idBlock.isConstructed) collectChunks(chunk, what, out, depth + 1);
    else out.push(primitiveBytes(chunk, what));
  }
}
