// ECDSA over a digest the caller computed (KMS Sign/Verify with MessageType DIGEST). node:crypto only
// signs messages it hashes itself, so this file does the ECDSA arithmetic with BigInt (Jacobian
// coordinates, random nonce). It is for local development, not constant-time; the curve parameters are
// checked at first use (the generator comes from node:crypto, n·G must be the point at infinity).
import { createECDH, randomBytes, type KeyObject } from "node:crypto";

interface Curve {
  p: bigint;
  a: bigint;
  n: bigint;
  bytes: number;
  g?: Point;
}
type Point = { x: bigint; y: bigint } | null; // null is the point at infinity
type Jacobian = { x: bigint; y: bigint; z: bigint };

const P256 = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const P384 = 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n;
const P521 = 2n ** 521n - 1n;
const K256 = 2n ** 256n - 2n ** 32n - 977n;

const CURVES: Record<string, Curve> = {
  prime256v1: { p: P256, a: P256 - 3n, n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, bytes: 32 },
  secp384r1: {
    p: P384, a: P384 - 3n, bytes: 48,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
  secp521r1: {
    p: P521, a: P521 - 3n, bytes: 66,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
  secp256k1: { p: K256, a: 0n, n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n, bytes: 32 },
};

const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;

function inverse(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  if (b !== 1n) throw new Error("not invertible");
  return mod(v, m);
}

const big = (b: Uint8Array) => (b.length === 0 ? 0n : BigInt("0x" + Buffer.from(b).toString("hex")));
const fromBase64url = (s: string) => big(Buffer.from(s, "base64url"));

function double(c: Curve, P: Jacobian | null): Jacobian | null {
  if (!P || P.y === 0n) return null;
  const { p, a } = c;
  const yy = mod(P.y * P.y, p);
  const s = mod(4n * P.x * yy, p);
  const zz = mod(P.z * P.z, p);
  const m = mod(3n * P.x * P.x + a * zz * zz, p);
  const x = mod(m * m - 2n * s, p);
  return { x, y: mod(m * (s - x) - 8n * yy * yy, p), z: mod(2n * P.y * P.z, p) };
}

function add(c: Curve, P: Jacobian | null, Q: Jacobian | null): Jacobian | null {
  if (!P) return Q;
  if (!Q) return P;
  const { p } = c;
  const z1z1 = mod(P.z * P.z, p);
  const z2z2 = mod(Q.z * Q.z, p);
  const u1 = mod(P.x * z2z2, p);
  const u2 = mod(Q.x * z1z1, p);
  const s1 = mod(P.y * Q.z * z2z2, p);
  const s2 = mod(Q.y * P.z * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(c, P) : null;
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(h * hh, p);
  const x = mod(r * r - hhh - 2n * u1 * hh, p);
  return { x, y: mod(r * (u1 * hh - x) - s1 * hhh, p), z: mod(h * P.z * Q.z, p) };
}

function multiply(c: Curve, k: bigint, P: Point): Jacobian | null {
  let result: Jacobian | null = null;
  let addend: Jacobian | null = P ? { x: P.x, y: P.y, z: 1n } : null;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = double(c, addend);
  }
  return result;
}

function affine(c: Curve, P: Jacobian | null): Point {
  if (!P || P.z === 0n) return null;
  const zi = inverse(P.z, c.p);
  const zi2 = mod(zi * zi, c.p);
  return { x: mod(P.x * zi2, c.p), y: mod(P.y * zi2 * zi, c.p) };
}

/** The curve of a key, with its generator (from node:crypto: the public key of private scalar 1), checked. */
function curveOf(key: KeyObject): Curve {
  const name = key.asymmetricKeyDetails?.namedCurve ?? "";
  const c = CURVES[name];
  if (!c) throw new Error(`no ECDSA digest support for curve ${name}`);
  if (!c.g) {
    const ecdh = createECDH(name);
    ecdh.setPrivateKey(Buffer.concat([Buffer.alloc(c.bytes - 1), Buffer.from([1])]));
    const g = ecdh.getPublicKey();
    const G = { x: big(g.subarray(1, 1 + c.bytes)), y: big(g.subarray(1 + c.bytes)) };
    if (affine(c, multiply(c, c.n, G)) !== null) throw new Error(`curve ${name}: order check failed`);
    c.g = G;
  }
  return c;
}

/** The digest as an integer, truncated to the bit length of n as ECDSA specifies. */
function digestInteger(c: Curve, digest: Uint8Array): bigint {
  const nBits = c.n.toString(2).length;
  const e = big(digest);
  const excess = digest.length * 8 - nBits;
  return excess > 0 ? e >> BigInt(excess) : e;
}

function derInteger(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let b = Buffer.from(hex, "hex");
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

function derSequence(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

/** Signs a digest with an EC private key; returns the DER signature KMS returns. */
export function signDigest(privateKey: KeyObject, digest: Uint8Array): Buffer {
  const c = curveOf(privateKey);
  const d = fromBase64url(privateKey.export({ format: "jwk" }).d!);
  const e = digestInteger(c, digest);
  for (;;) {
    const k = mod(big(randomBytes(c.bytes + 16)), c.n - 1n) + 1n;
    const R = affine(c, multiply(c, k, c.g!));
    if (!R) continue;
    const r = mod(R.x, c.n);
    if (r === 0n) continue;
    const s = mod(inverse(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return derSequence(derInteger(r), derInteger(s));
  }
}

/** Reads a DER ECDSA-Sig-Value strictly; null if it is not one. */
function readSignature(sig: Uint8Array): { r: bigint; s: bigint } | null {
  const b = Buffer.from(sig);
  let i = 0;
  if (b[i++] !== 0x30) return null;
  let len = b[i++];
  if (len === 0x81) len = b[i++];
  else if (len > 0x80) return null;
  if (len !== b.length - i) return null;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (b[i++] !== 0x02) return null;
    const l = b[i++];
    if (l === undefined || l === 0 || l > 0x7f || i + l > b.length) return null;
    ints.push(big(b.subarray(i, i + l)));
    i += l;
  }
  return i === b.length ? { r: ints[0], s: ints[1] } : null;
}

/** Verifies a DER ECDSA signature over a digest with an EC public key. */
export function verifyDigest(publicKey: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const c = curveOf(publicKey);
  const sig = readSignature(signature);
  if (!sig || sig.r <= 0n || sig.r >= c.n || sig.s <= 0n || sig.s >= c.n) return false;
  const jwk = publicKey.export({ format: "jwk" });
  const Q = { x: fromBase64url(jwk.x!), y: fromBase64url(jwk.y!) };
  const w = inverse(sig.s, c.n);
  const X = affine(c, add(c, multiply(c, mod(digestInteger(c, digest) * w, c.n), c.g!), multiply(c, mod(sig.r * w, c.n), Q)));
  return X !== null && mod(X.x, c.n) === sig.r;
}
