// A minimal CBOR writer for attestation documents, where the exact bytes matter: real NSMs write
// the timestamp as a full 8-byte unsigned integer and newer ones an indefinite-length payload map,
// neither of which a general-purpose encoder produces.

export function head(major: number, length: number): Uint8Array {
  const m = major << 5;
  if (length < 24) return Uint8Array.of(m | length);
  if (length < 0x100) return Uint8Array.of(m | 24, length);
  if (length < 0x10000) return Uint8Array.of(m | 25, length >> 8, length & 0xff);
  if (length < 0x100000000) return Uint8Array.of(m | 26, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  return uint64Head(major, length);
}

/** Always the 9-byte form (major type, additional info 27). */
export function uint64Head(major: number, value: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(value));
  return out;
}

export const uint = (n: number): Uint8Array => head(0, n);
export const bytes = (b: Uint8Array): Uint8Array => concat(head(2, b.length), b);
export const text = (s: string): Uint8Array => {
  const utf8 = new TextEncoder().encode(s);
  return concat(head(3, utf8.length), utf8);
};
export const array = (items: Uint8Array[]): Uint8Array => concat(head(4, items.length), ...items);
export const map = (entries: [Uint8Array, Uint8Array][]): Uint8Array => concat(head(5, entries.length), ...entries.flat());
export const indefiniteMap = (entries: [Uint8Array, Uint8Array][]): Uint8Array => concat(Uint8Array.of(0xbf), ...entries.flat(), Uint8Array.of(0xff));
export const NULL = Uint8Array.of(0xf6);

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
