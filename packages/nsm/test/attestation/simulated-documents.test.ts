// Documents from the simulated NSM go through the same parser and verifier as the real ones: they
// verify against the simulator's root only, are shaped like real documents, and resist the same
// mutations.
import { Decoder } from "cbor-x";
import {
  AttestationError,
  CertificateValidityError,
  NsmClient,
  UntrustedRootError,
  parseAttestation,
  verifyAttestation,
  type AttestationDocument,
} from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { FUZZ_SEED, fuzzCases, mutate, rng } from "./mutate.js";
import { REAL_DOCUMENTS } from "./vectors.js";
import { thrown } from "./thrown.js";

const ca = createSimulatorCa();
const otherCa = createSimulatorCa();
const cbor = new Decoder({ mapsAsObjects: false, int64AsNumber: true } as never);

async function attest(options: ConstructorParameters<typeof SimulatedNsm>[0] = {}, request = {}): Promise<Uint8Array> {
  return new NsmClient(new SimulatedNsm({ ca, ...options })).attestation(request);
}

test("verify against the simulator's root (DER or PEM), not against the AWS root or another simulator's", async () => {
  const doc = await attest();
  expect(verifyAttestation(doc, { trustedRoots: [ca.certificate] }).moduleId).toMatch(/^i-[0-9a-f]{17}-enc[0-9a-f]{16}$/);
  verifyAttestation(doc, { trustedRoots: [ca.certificatePem], at: "document" });
  expect(thrown(() => verifyAttestation(doc))).toBeInstanceOf(UntrustedRootError);
  expect(thrown(() => verifyAttestation(doc, { trustedRoots: [otherCa.certificate] }))).toBeInstanceOf(UntrustedRootError);
  // and real documents do not verify against the simulator's root
  expect(thrown(() => verifyAttestation(REAL_DOCUMENTS[0].bytes, { trustedRoots: [ca.certificate], at: "document" }))).toBeInstanceOf(UntrustedRootError);
});

test("are shaped like real documents (COSE header, payload map, PCRs, chain of four CAs, 3-hour leaf)", async () => {
  const nonce = Buffer.from("fresh nonce");
  for (const indefiniteLengthPayload of [true, false]) {
    const doc = await attest({ indefiniteLengthPayload }, { nonce, userData: Buffer.from("hi") });
    const real = parseAttestation(REAL_DOCUMENTS[4].bytes);
    const sim = verifyAttestation(doc, { trustedRoots: [ca.certificate], expectedNonce: nonce });
    expect(doc[0]).toBe(0x84);
    expect(Buffer.from(sim.protectedHeader)).toEqual(Buffer.from(real.protectedHeader));
    expect(sim.payload[0]).toBe(indefiniteLengthPayload ? 0xbf : 0xa9);
    expect(sim.signature).toHaveLength(96);
    expect([...sim.pcrs.keys()]).toEqual([...real.pcrs.keys()]);
    for (const pcr of sim.pcrs.values()) expect(pcr).toHaveLength(48);
    expect(sim.cabundle).toHaveLength(real.cabundle.length);
    // the same keys, in the same order, as a real NSM writes them (read by cbor-x, independently)
    const keys = (d: AttestationDocument) => [...(cbor.decode(d.payload) as Map<string, unknown>).keys()];
    expect(keys(sim)).toEqual(keys(real));
    // the leaf lives three hours: four hours on, the chain is no longer valid
    const later = new Date(sim.timestamp.getTime() + 4 * 3600_000);
    expect(thrown(() => verifyAttestation(doc, { trustedRoots: [ca.certificate], at: later }))).toBeInstanceOf(CertificateValidityError);
  }
});

test("mutated simulated documents verify unchanged or fail typed", async () => {
  const doc = Buffer.from(await attest({}, { nonce: Buffer.from("n"), userData: Buffer.from("u") }));
  const original = parseAttestation(doc);
  const random = rng(FUZZ_SEED + 200);
  const cases = fuzzCases(500);
  for (let i = 0; i < cases; i++) {
    const input = mutate(doc, random);
    let parsed: AttestationDocument;
    try {
      parsed = verifyAttestation(input, { trustedRoots: [ca.certificate], at: original.timestamp });
    } catch (e) {
      if (!(e instanceof AttestationError)) throw new Error(`seed ${FUZZ_SEED + 200} case ${i}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
      continue;
    }
    expect(Buffer.compare(parsed.payload, original.payload)).toBe(0);
  }
});
