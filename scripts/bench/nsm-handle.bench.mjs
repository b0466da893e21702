// `pnpm bench nsm-handle`: what an enclave handle costs besides its RSA key.
//   - EnclaveHandle.create({ transport: SimulatedNsm, rsaModulusBits }) for 2048, 3072 and 4096 bits
//     against the floor, node:crypto generateKeyPair("rsa") alone; one of each per round. RSA key
//     generation is a random prime search, so single runs vary widely: many rounds, medians;
//   - getOrInitializeHandle() with 16 concurrent first callers (should cost one initialisation);
//   - attest() through the handle on the simulated NSM (documents/s, for local-development sizing).
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { compare, load } from "./harness.mjs";

const { EnclaveHandle, getOrInitializeHandle } = load("@nitro-enclaves-sdk/nsm");
const { SimulatedNsm, createSimulatorCa } = load("@nitro-enclaves-sdk/nsm/simulator");
const generate = promisify(generateKeyPair);
const transport = new SimulatedNsm({ ca: createSimulatorCa() });

for (const [bits, rounds] of [[2048, 25], [3072, 9], [4096, 5]]) {
  await compare(`handle initialisation, RSA-${bits}`, [
    { label: "floor: generateKeyPair", run: () => generate("rsa", { modulusLength: bits, publicExponent: 0x10001 }) },
    { label: "EnclaveHandle.create", run: () => EnclaveHandle.create({ transport, rsaModulusBits: bits }) },
  ], { baseline: "floor: generateKeyPair", rounds, batchMs: 0, warmupMs: 0 });
}

const start = performance.now();
const handles = await Promise.all(Array.from({ length: 16 }, () => getOrInitializeHandle({ transport })));
console.log(`\ngetOrInitializeHandle, 16 concurrent first callers: ${(performance.now() - start).toFixed(1)} ms, ${new Set(handles).size} handle(s)`);

await compare("attest() through the handle (simulated NSM: a fresh P-384 leaf per document)", [
  { label: "handle.attest()", run: () => handles[0].attest({ nonce: new Uint8Array(32) }) },
], { rounds: 5, batchMs: 300 });
transport.close();
