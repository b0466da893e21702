// RSASSA-PSS over a caller's digest, checked by node:crypto's PSS (salt length = hash length).
import { constants, createHash, generateKeyPairSync, sign, verify } from "node:crypto";
import { pssSignDigest, pssVerifyDigest } from "../src/rsa-pss-digest";

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const odd = generateKeyPairSync("rsa", { modulusLength: 2049 }); // emLen = k - 1

test.each([["sha256", pair], ["sha384", pair], ["sha512", pair], ["sha256", odd]] as const)("%s", (hash, { privateKey, publicKey }) => {
  const saltLength = createHash(hash).digest().length;
  const message = Buffer.from(`sign me with ${hash}`);
  const digest = createHash(hash).update(message).digest();
  const ours = pssSignDigest(privateKey, hash, digest);
  expect(verify(hash, message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, ours)).toBe(true);
  const theirs = sign(hash, message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  expect(pssVerifyDigest(publicKey, hash, digest, theirs)).toBe(true);
  expect(pssVerifyDigest(publicKey, hash, createHash(hash).update("other").digest(), theirs)).toBe(false);
  const bent = Buffer.from(theirs);
  bent[10] ^= 1;
  expect(pssVerifyDigest(publicKey, hash, digest, bent)).toBe(false);
  expect(pssVerifyDigest(publicKey, hash, digest, Buffer.alloc(5))).toBe(false);
});
