// The package's one CBOR reader, strict, for the subset the NSM writes (RFC 8949): integers, byte and
// text strings, arrays, maps (definite or indefinite length), false/true/null. It reads attestation
// documents and every NSM response. Byte strings come back as views into the input, so a signature
// can be checked over the exact bytes received. Text is decoded exactly: invalid UTF-8 is refused
// and a leading byte-order mark is kept as U+FEFF (never stripped), so "\uFEFFpublic_key" is not
// "public_key". Tags (other than COSE's outer tag 18, handled by the caller), floats, undefined and
// indefinite-length strings never appear in NSM output and are refused, as are duplicate map keys
// (two readers could otherwise disagree on a signed value).

export class CborError extends Error {}

export type CborKey = string | number | bigint;
export type CborValue = number | bigint | string | Uint8Array | boolean | null | CborValue[] | CborMap;
export type CborMap = Map<CborKey, CborValue>;

const MAX_DEPTH = 16;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class CborReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos === this.bytes.length;
  }

  /** Major type of the next item without consuming it. */
  peekMajor(): number {
    if (this.pos >= this.bytes.length) throw new CborError("unexpected end of input");
    return this.bytes[this.pos] >> 5;
  }

  /** Reads a head; returns major type and argument (-1 argument = indefinite length). */
  readHead(): { major: number; info: number; arg: number | bigint } {
    const b = this.bytes;
    if (this.pos >= b.length) throw new CborError("unexpected end of input");
    const initial = b[this.pos++];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (info < 24) return { major, info, arg: info };
    if (info === 31) return { major, info, arg: -1 };
    if (info > 27) throw new CborError(`reserved additional information ${info}`);
    const size = 1 << (info - 24);
    if (this.pos + size > b.length) throw new CborError("unexpected end of input in an item head");
    let arg: number | bigint;
    if (size === 1) arg = b[this.pos];
    else if (size === 2) arg = (b[this.pos] << 8) | b[this.pos + 1];
    else if (size === 4) arg = ((b[this.pos] << 24) | (b[this.pos + 1] << 16) | (b[this.pos + 2] << 8) | b[this.pos + 3]) >>> 0;
    else {
      const big = new DataView(b.buffer, b.byteOffset + this.pos, 8).getBigUint64(0);
      arg = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    this.pos += size;
    return { major, info, arg };
  }

  readValue(depth = 0): CborValue {
    if (depth > MAX_DEPTH) throw new CborError("nested too deep");
    const start = this.pos;
    const { major, info, arg } = this.readHead();
    switch (major) {
      case 0:
        if (arg === -1) throw new CborError("indefinite length on an integer");
        return arg;
      case 1:
        if (arg === -1) throw new CborError("indefinite length on an integer");
        return typeof arg === "bigint" || arg >= Number.MAX_SAFE_INTEGER ? -1n - BigInt(arg) : -1 - arg;
      case 2:
        return this.readBytes(arg, "byte string");
      case 3:
        try {
          return utf8.decode(this.readBytes(arg, "text string"));
        } catch (e) {
          if (e instanceof CborError) throw e;
          throw new CborError("text string is not valid UTF-8");
        }
      case 4:
        return this.readArray(arg, depth);
      case 5:
        return this.readMap(arg, depth);
      case 6:
        throw new CborError(`unexpected tag ${arg} at offset ${start}`);
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        throw new CborError(`unsupported simple value or float (0x${this.bytes[start].toString(16)}) at offset ${start}`);
    }
  }

  private readBytes(arg: number | bigint, what: string): Uint8Array {
    if (arg === -1) throw new CborError(`indefinite-length ${what}`);
    if (typeof arg === "bigint" || arg > this.bytes.length - this.pos) throw new CborError(`${what} runs past the end of input`);
    const view = this.bytes.subarray(this.pos, this.pos + arg);
    this.pos += arg;
    return view;
  }

  private readArray(arg: number | bigint, depth: number): CborValue[] {
    const out: CborValue[] = [];
    if (arg === -1) {
      while (!this.takeBreak()) out.push(this.readValue(depth + 1));
      return out;
    }
    // Each element takes at least one byte: a longer count is a lie, refused before looping.
    if (typeof arg === "bigint" || arg > this.bytes.length - this.pos) throw new CborError("array runs past the end of input");
    for (let i = 0; i < arg; i++) out.push(this.readValue(depth + 1));
    return out;
  }

  private readMap(arg: number | bigint, depth: number): CborMap {
    const out: CborMap = new Map();
    const entry = () => {
      const keyAt = this.pos;
      const key = this.readValue(depth + 1);
      if (typeof key !== "string" && typeof key !== "number" && typeof key !== "bigint") throw new CborError(`map key at offset ${keyAt} is not a text string or an integer`);
      if (out.has(key)) throw new CborError(`duplicate map key ${String(key)} at offset ${keyAt}`);
      out.set(key, this.readValue(depth + 1));
    };
    if (arg === -1) {
      while (!this.takeBreak()) entry();
      return out;
    }
    if (typeof arg === "bigint" || arg > (this.bytes.length - this.pos) / 2) throw new CborError("map runs past the end of input");
    for (let i = 0; i < arg; i++) entry();
    return out;
  }

  /** Consumes a "break" (0xff) if it is next; at the end of input, an unterminated item is an error. */
  private takeBreak(): boolean {
    if (this.pos >= this.bytes.length) throw new CborError("indefinite-length item is not terminated");
    if (this.bytes[this.pos] !== 0xff) return false;
    this.pos++;
    return true;
  }
}

/** Decodes exactly one CBOR item spanning the whole input (trailing bytes are an error). */
export function decodeCborItem(bytes: Uint8Array): CborValue {
  const reader = new CborReader(bytes);
  const value = reader.readValue();
  if (!reader.atEnd) throw new CborError(`${bytes.length - reader.pos} trailing bytes after the CBOR item`);
  return value;
}

/** Encodes a byte string head for `length` bytes (shortest form), as Sig_structure needs. */
export function byteStringHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >> 8, length & 0xff);
  return Uint8Array.of(0x5a, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}
