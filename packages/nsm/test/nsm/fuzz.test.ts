// Seeded mutations of well-formed NSM traffic. A response from the device is outside input: whatever
// bytes come back, the client returns a validated value or throws one of our typed errors, never
// anything else. The simulator, which plays the device, answers every mutated request with a
// well-formed response. NSM_FUZZ_CASES raises the count (default 3000 each).
import { NsmClient } from "../../src/nsm/client";
import type { NsmTransport } from "../../src/nsm/transport";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";
import { decodeCbor } from "../../src/nsm/cbor";
import { NitroEnclavesError } from "../../src/errors";

const CASES = Number(process.env.NSM_FUZZ_CASES ?? 3000);

/** xorshift32: deterministic, so a failure names its seed and case. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function mutate(input: Uint8Array, r: (n: number) => number): Uint8Array {
  const b = [...input];
  const edits = 1 + r(4);
  for (let e = 0; e < edits; e++) {
    const at = b.length ? r(b.length) : 0;
    switch (r(6)) {
      case 0: b[at] = r(256); break; // replace a byte
      case 1: b[at] = (b[at] ?? 0) ^ (1 << r(8)); break; // flip a bit
      case 2: b.length = at; break; // truncate
      case 3: b.splice(at, 0, r(256)); break; // insert
      case 4: b.splice(at, 1 + r(8)); break; // delete a run
      default: b[at] = [0x18, 0x19, 0x1a, 0x1b, 0x5f, 0x7f, 0x9f, 0xbf, 0xff, 0xf7, 0xc0, 0xd8][r(12)]!; // header bytes that stress a decoder
    }
  }
  return Uint8Array.from(b);
}

const ca = createSimulatorCa();
const sim = new SimulatedNsm({ ca });
const simClient = new NsmClient(sim);

test("mutated responses give a value or a typed error, for every operation", async () => {
  // Real responses captured from the simulator, paired with the call that expects them.
  const capture = async (call: (c: NsmClient) => Promise<unknown>) => {
    let response: Uint8Array | undefined;
    const tap: NsmTransport = { request: async (r) => (response = await sim.request(r)) };
    await call(new NsmClient(tap)).catch(() => undefined);
    return { call, response: response! };
  };
  const samples = await Promise.all([
    capture((c) => c.describeNsm()),
    capture((c) => c.describePcr(3)),
    capture((c) => c.extendPcr(20, Uint8Array.of(1))),
    capture((c) => c.lockPcr(21)),
    capture((c) => c.getRandom()),
    capture((c) => c.extendPcr(0, Uint8Array.of(1))), // {"Error":"ReadOnlyIndex"}
    capture((c) => c.attestation({ nonce: Uint8Array.of(1) })),
  ]);
  const r = rng(0x5eed);
  let values = 0;
  for (let i = 0; i < CASES; i++) {
    const { call, response } = samples[i % samples.length]!;
    const mutated = mutate(response, r);
    const outcome = await call(new NsmClient({ request: async () => mutated })).then(
      () => "value",
      (e: unknown) => e,
    );
    if (outcome === "value") values++;
    else if (!(outcome instanceof NitroEnclavesError)) {
      throw new Error(`case ${i}: ${Buffer.from(mutated).toString("hex").slice(0, 200)} threw ${String(outcome)}`);
    }
  }
  expect(values).toBeGreaterThan(0); // some mutations keep a valid response (e.g. inside random bytes)
});

test("the simulator answers every mutated request with a well-formed response", async () => {
  const requests = [
    "6b44657363726962654e534d",
    "a16b4465736372696265504352a165696e64657803",
    "a169457874656e64504352a265696e646578101464646174614301020",
    "a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365420102" + "6a7075626c69635f6b6579f6",
    "a1684c6f636b50435273a16572616e67651820",
  ].map((h) => Uint8Array.from(Buffer.from(h.length % 2 ? h + "0" : h, "hex")));
  const r = rng(0xc0ffee);
  for (let i = 0; i < CASES; i++) {
    const request = mutate(requests[i % requests.length]!, r);
    const response = await sim.request(request);
    const decoded = decodeCbor(response);
    expect(typeof decoded === "string" || (decoded instanceof Map && decoded.size === 1)).toBe(true);
  }
  // and it still works afterwards
  await expect(simClient.describeNsm()).resolves.toMatchObject({ maxPcrs: 32 });
});
