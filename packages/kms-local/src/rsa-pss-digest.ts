// RSASSA-PSS over a digest the caller computed (KMS Sign/Verify with MessageType DIGEST): EMSA-PSS
// (RFC 8017, section 9.1) with MGF1 over the same hash and a salt as long as the hash, as KMS signs,
// around node:crypto's raw RSA operation (node:crypto only signs messages it hashes itself).
import { constants, createHash, privateEncrypt, publicDecrypt, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  for (let counter = 0; total < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

const sizes = (key: KeyObject) => {
  const modBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const emBits = modBits - 1;
  return { k: Math.ceil(modBits / 8), emBits, emLen: Math.ceil(emBits / 8) };
};

const mPrime = (hash: string, digest: Uint8Array, salt: Uint8Array) =>
  createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();

export function pssSignDigest(privateKey: KeyObject, hash: string, digest: Uint8Array): Buffer {
  const hLen = digest.length;
  const { k, emBits, emLen } = sizes(privateKey);
  if (emLen < 2 * hLen + 2) throw new Error("RSA key too small for this hash");
  const salt = randomBytes(hLen);
  const h = mPrime(hash, digest, salt);
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([0x01]), salt]);
  const mask = mgf1(hash, h, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([Buffer.alloc(k - emLen), db, h, Buffer.from([0xbc])]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em);
}

export function pssVerifyDigest(publicKey: KeyObject, hash: string, digest: Uint8Array, signature: Uint8Array): boolean {
  const hLen = digest.length;
  const { k, emBits, emLen } = sizes(publicKey);
  if (signature.length !== k) return false;
  let decoded: Buffer;
  try {
    decoded = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  if (decoded.length !== k || decoded.subarray(0, k - emLen).some((b) => b !== 0)) return false;
  const em = decoded.subarray(k - emLen);
  if (em[emLen - 1] !== 0xbc || emLen < 2 * hLen + 2) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if (db[0] & ~(0xff >> (8 * emLen - emBits)) & 0xff) return false;
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const psLen = emLen - 2 * hLen - 2;
  if (db.subarray(0, psLen).some((b) => b !== 0) || db[psLen] !== 0x01) return false;
  return timingSafeEqual(mPrime(hash, digest, db.subarray(psLen + 1)), h);
}
