// Seeded byte-level mutations for the fuzz suites (attestation documents and CMS blobs).
// `FUZZ_CASES` scales the number of cases (scripts/fuzz-nsm.mjs sets it high), `FUZZ_SEED` picks
// the sequence; a failure message prints the seed and case number so it can be replayed.

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
export function fuzzCases(normal: number): number {
  const n = Number(process.env.FUZZ_CASES);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : normal;
}

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x40, 0x58, 0x59, 0x5f, 0x60, 0x78, 0x84, 0x9f, 0xa0, 0xbf, 0xd2, 0xf6, 0xf7, 0x30, 0x31, 0x04, 0x24, 0xa0];

/** Applies 1..4 random edits (bit flip, byte set, insert, delete, duplicate, truncate) to a copy. */
export function mutate(input: Uint8Array, random: () => number): Buffer {
  let bytes = Buffer.from(input);
  const int = (n: number) => Math.floor(random() * n);
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const at = int(bytes.length);
    switch (int(8)) {
      case 0:
      case 1:
        bytes[at] ^= 1 << int(8);
        break;
      case 2:
        bytes[at] = INTERESTING[int(INTERESTING.length)];
        break;
      case 3:
        bytes[at] = int(256);
        break;
      case 4: {
        const insert = Buffer.from(Array.from({ length: 1 + int(4) }, () => (random() < 0.5 ? INTERESTING[int(INTERESTING.length)] : int(256))));
        bytes = Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]);
        break;
      }
      case 5: {
        const len = 1 + int(Math.min(16, bytes.length - at));
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + len)]);
        break;
      }
      case 6: {
        const len = 1 + int(Math.min(32, bytes.length - at));
        bytes = Buffer.concat([bytes.subarray(0, at + len), bytes.subarray(at, at + len), bytes.subarray(at + len)]);
        break;
      }
      default:
        bytes = bytes.subarray(0, at);
    }
    if (bytes.length === 0) break;
  }
  return bytes;
}
