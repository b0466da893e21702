// Random bytes for content keys, IVs and data keys. node's randomBytes runs a native crypto job per call,
// and a request with a Recipient needs four or five small draws, so small draws come from a pool that
// one randomFillSync refills (OpenSSL's CSPRNG either way). Bytes are wiped from the pool as they are
// handed out: the pool only ever holds bytes no one has used yet.
import { randomBytes, randomFillSync } from "node:crypto";

const POOL_SIZE = 4096;
/** Draws larger than this go straight to randomBytes. */
const MAX_POOLED = 64;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let next = POOL_SIZE;

/** Fills `target` (at most MAX_POOLED bytes, else directly) with fresh random bytes. */
export function fillRandom(target: Uint8Array): void {
  const n = target.length;
  if (n > MAX_POOLED) {
    randomFillSync(target);
    return;
  }
  if (next + n > POOL_SIZE) {
    randomFillSync(pool);
    next = 0;
  }
  pool.copy(target, 0, next, next + n);
  pool.fill(0, next, next + n);
  next += n;
}

/** `n` fresh random bytes in a buffer of their own. */
export function random(n: number): Buffer {
  if (n > MAX_POOLED) return randomBytes(n);
  const out = Buffer.allocUnsafeSlow(n);
  fillRandom(out);
  return out;
}
