// ECDSA over a caller's digest, checked by node:crypto: a signature over H(m) made here verifies as
// node's signature over m, and node's signatures over m verify here against H(m).
import { createHash, generateKeyPairSync, sign, verify } from "node:crypto";
import { signDigest, verifyDigest } from "../src/ecdsa-digest";

test.each([
  ["prime256v1", "sha256"], ["secp384r1", "sha384"], ["secp521r1", "sha512"], ["secp256k1", "sha256"], ["prime256v1", "sha512"],
])("%s with %s", (curve, hash) => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
  for (let i = 0; i < 3; i++) {
    const message = Buffer.from(`message ${i} on ${curve}`);
    const digest = createHash(hash).update(message).digest();
    const ours = signDigest(privateKey, digest);
    expect(verify(hash, message, { key: publicKey, dsaEncoding: "der" }, ours)).toBe(true);
    expect(verifyDigest(publicKey, digest, ours)).toBe(true);
    const theirs = sign(hash, message, { key: privateKey, dsaEncoding: "der" });
    expect(verifyDigest(publicKey, digest, theirs)).toBe(true);
    const other = createHash(hash).update("another message").digest();
    expect(verifyDigest(publicKey, other, theirs)).toBe(false);
    const bent = Buffer.from(theirs);
    bent[bent.length - 1] ^= 1;
    expect(verifyDigest(publicKey, digest, bent)).toBe(false);
    expect(verifyDigest(publicKey, digest, Buffer.from([0x30, 0x00]))).toBe(false);
  }
});
