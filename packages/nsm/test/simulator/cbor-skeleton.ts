// Test helper: an independent, minimal CBOR walker (RFC 8949 headers only) that describes a document's
// byte-level structure, so simulated and real documents can be compared shape for shape.

export interface Item {
  /** the header bytes as hex, e.g. "84", "5830", "bf" */
  header: string;
  major: number;
  /** length or value from the header; -1 for indefinite */
  arg: number;
  start: number;
  end: number;
}

export function readItem(b: Uint8Array, at: number): Item {
  const ib = b[at]!;
  const major = ib >> 5;
  const ai = ib & 31;
  let arg: number;
  let n = 1;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (ai < 24) arg = ai;
  else if (ai === 24) (arg = b[at + 1]!), (n = 2);
  else if (ai === 25) (arg = view.getUint16(at + 1)), (n = 3);
  else if (ai === 26) (arg = view.getUint32(at + 1)), (n = 5);
  else if (ai === 27) (arg = Number(view.getBigUint64(at + 1))), (n = 9);
  else if (ai === 31) arg = -1;
  else throw new Error(`reserved additional info ${ai}`);
  const header = Buffer.from(b.subarray(at, at + n)).toString("hex");
  let p = at + n;
  if (major === 2 || major === 3) p += arg;
  else if (major === 4 || major === 5) {
    const count = major === 5 ? 2 : 1;
    if (arg === -1) {
      while (b[p] !== 0xff) p = readItem(b, p).end;
      p++;
    } else for (let i = 0; i < arg * count; i++) p = readItem(b, p).end;
  } else if (major === 6) p = readItem(b, p).end;
  return { header, major, arg, start: at, end: p };
}

/** The contents of a byte or text string item. */
export function content(b: Uint8Array, item: Item): Uint8Array {
  return b.subarray(item.end - item.arg, item.end);
}

/** Children of an array or map item (map: keys and values alternate). */
export function children(b: Uint8Array, item: Item): Item[] {
  const out: Item[] = [];
  let p = item.start + item.header.length / 2;
  while (p < item.end && !(item.arg === -1 && b[p] === 0xff)) {
    const c = readItem(b, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function cose(doc: Uint8Array) {
  const top = readItem(doc, 0);
  if (top.end !== doc.length) throw new Error("trailing bytes");
  const [protectedItem, unprotected, payloadItem, signature] = children(doc, top);
  const payload = content(doc, payloadItem!);
  const payloadTop = readItem(payload, 0);
  const entries = children(payload, payloadTop);
  const fields = new Map<string, { item: Item; bytes: Uint8Array }>();
  for (let i = 0; i < entries.length; i += 2) {
    fields.set(Buffer.from(content(payload, entries[i]!)).toString(), { item: entries[i + 1]!, bytes: payload });
  }
  return {
    top,
    protectedBytes: content(doc, protectedItem!),
    unprotectedHeader: unprotected!.header,
    payload,
    payloadTop,
    keys: [...fields.keys()],
    fields,
    signature: content(doc, signature!),
    signatureHeader: signature!.header,
  };
}
