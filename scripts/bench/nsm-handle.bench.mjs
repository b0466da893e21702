// `pnpm bench nsm-handle`: enclave handle initialisation time, against its floor.
//   - EnclaveHandle.create({ transport: SimulatedNsm, rsaModulusBits }) for 2048 / 3072 / 4096 bits,
//     interleaved with the floor: node:crypto generateKeyPair("rsa") alone. RSA key generation is a
//     random prime search, so single runs vary widely: we report median and p90 over many rounds.
//   - getOrInitializeHandle() with 16 concurrent callers (should cost one initialisation).
//   - SimulatedNsm attestation documents/s through the handle (for local-development sizing).
// Uses the built package (packages/nsm/dist); builds it first when missing or stale.
import { createHash, createPublicKey, generateKeyPair } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildNsm } from "./nsm-common.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = join(root, "packages/nsm");
const entry = join(pkg, "dist/esm/index.js");
buildNsm();
const nsm = { ...(await import(pathToFileURL(entry).href)), ...(await import(pathToFileURL(join(pkg, "dist/esm/simulator/index.js")).href)) };
const gen = promisify(generateKeyPair);

const ROUNDS = { 2048: Number(process.env.BENCH_ROUNDS_2048 ?? 25), 3072: Number(process.env.BENCH_ROUNDS_3072 ?? 9), 4096: Number(process.env.BENCH_ROUNDS_4096 ?? 5) };
const ca = nsm.createSimulatorCa();
const transport = new nsm.SimulatedNsm({ ca });

const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const fmt = (ms) => `${ms.toFixed(1).padStart(8)} ms`;
async function time(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

// warm up both paths (JIT, pkijs/cbor module init, thread pool)
await nsm.EnclaveHandle.create({ transport });
await gen("rsa", { modulusLength: 2048, publicExponent: 0x10001 });

console.log("handle initialisation (SimulatedNsm transport) vs the floor (generateKeyPair alone), interleaved");
console.log("bits  rounds   handle median     p90    floor median     p90   median ratio");
for (const bits of [2048, 3072, 4096]) {
  const handle = [];
  const floor = [];
  for (let i = 0; i < ROUNDS[bits]; i++) {
    handle.push(await time(() => nsm.EnclaveHandle.create({ transport, rsaModulusBits: bits })));
    floor.push(await time(() => gen("rsa", { modulusLength: bits, publicExponent: 0x10001 })));
  }
  const hm = q(handle, 0.5);
  const fm = q(floor, 0.5);
  console.log(`${bits}  ${String(ROUNDS[bits]).padStart(6)} ${fmt(hm)} ${fmt(q(handle, 0.9))} ${fmt(fm)} ${fmt(q(floor, 0.9))}   ${(hm / fm).toFixed(2)}x`);
}

// What the handle adds besides key generation, measured alone: DescribeNSM (simulator), SPKI export, SHA-256.
const { privateKey } = await gen("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
const client = new nsm.NsmClient(transport);
const extra = [];
for (let i = 0; i < 300; i++) {
  extra.push(await time(async () => {
    await client.describeNsm();
    createHash("sha256").update(createPublicKey(privateKey).export({ type: "spki", format: "der" })).digest();
  }));
}
console.log(`\nthe handle's own work besides key generation (DescribeNSM + SPKI export + SHA-256): median ${q(extra, 0.5).toFixed(3)} ms, p90 ${q(extra, 0.9).toFixed(3)} ms`);

const concurrent = await time(() => Promise.all(Array.from({ length: 16 }, () => nsm.getOrInitializeHandle({ transport }))));
console.log(`getOrInitializeHandle, 16 concurrent first callers (one RSA-2048 initialisation): ${concurrent.toFixed(1)} ms`);

const handle = await nsm.getOrInitializeHandle();
let docs = 0;
const t0 = process.hrtime.bigint();
while (Number(process.hrtime.bigint() - t0) < 1.5e9) {
  await handle.attest({ nonce: new Uint8Array(32) });
  docs++;
}
console.log(`SimulatedNsm attest() through the handle: ${(docs / (Number(process.hrtime.bigint() - t0) / 1e9)).toFixed(0)} documents/s (fresh P-384 leaf per document)`);
