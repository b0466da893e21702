// New key material: 32 random bytes for a symmetric key, a PKCS#8 DER private key otherwise. Key pairs are
// generated off the event loop, on Node's thread pool, which file system calls share (4 threads unless
// UV_THREADPOOL_SIZE says otherwise; the pool runs its work first come, first served). Forty RSA-4096
// generations at once would fill every thread for tens of seconds and queue the writes of every other
// request behind them, so at most half of the threads generate keys at a time and the rest stay free.
import { generateKeyPair, randomBytes } from "node:crypto";
import { SPEC_INFO, type DataKeyPairSpec, type KeySpec } from "./key-specs.js";

const threads = Number(process.env.UV_THREADPOOL_SIZE);
/** How many key pairs are generated at a time. */
const GENERATION_SLOTS = Math.max(1, Math.floor((Number.isSafeInteger(threads) && threads > 0 ? threads : 4) / 2));

let running = 0;
const waiting: (() => void)[] = [];

async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= GENERATION_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next in line
    else running--;
  }
}

export function generateMaterial(spec: KeySpec | DataKeyPairSpec): Promise<Buffer> {
  if (spec === "SYMMETRIC_DEFAULT") return Promise.resolve(randomBytes(32));
  const info = SPEC_INFO[spec];
  const encoding = { privateKeyEncoding: { type: "pkcs8", format: "der" }, publicKeyEncoding: { type: "spki", format: "der" } } as const;
  return inSlot(() => new Promise<Buffer>((resolve, reject) => {
    const done = (err: Error | null, _publicKey: Buffer, privateKey: Buffer) => (err ? reject(err) : resolve(privateKey));
    if (info.modulusLength) generateKeyPair("rsa", { modulusLength: info.modulusLength, ...encoding }, done);
    else generateKeyPair("ec", { namedCurve: info.curve!, ...encoding }, done);
  }));
}
