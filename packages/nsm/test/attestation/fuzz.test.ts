// Seeded mutation fuzzing of verifyAttestation over the real documents. Every mutated input must
// either verify with exactly the original meaning (e.g. a tag added, a length re-encoded) or raise
// one of our typed AttestationErrors; never another exception, never a hang, and never a changed
// payload that verifies.
import { AttestationError, parseAttestation, verifyAttestation, type AttestationDocument } from "@nitro-enclaves-sdk/nsm";
import { Decoder } from "cbor-x";
import { FUZZ_SEED, fuzzCases, mutate, rng } from "./mutate.js";
import { TestPki, coseSign1, encodePayload, realisticPayload } from "./test-pki.js";
import { REAL_DOCUMENTS } from "./vectors.js";

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString("hex"));
function meaning(doc: AttestationDocument) {
  return {
    moduleId: doc.moduleId,
    timestamp: doc.timestamp.getTime(),
    pcrs: [...doc.pcrs].map(([i, v]) => [i, hex(v)]),
    certificate: hex(doc.certificate),
    cabundle: doc.cabundle.map(hex),
    publicKey: hex(doc.publicKey),
    userData: hex(doc.userData),
    nonce: hex(doc.nonce),
  };
}

test.each(REAL_DOCUMENTS.map((v, i) => [v.file, v, i] as const))("mutations of %s verify unchanged or fail typed", (_file, vector, n) => {
  const original = parseAttestation(vector.bytes);
  const expected = meaning(original);
  const at = original.timestamp;
  const random = rng(FUZZ_SEED + 100 + n);
  const cases = fuzzCases(1000);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < cases; i++) {
    const input = mutate(vector.bytes, random);
    let doc: AttestationDocument;
    try {
      doc = verifyAttestation(input, { at, allowDebug: true });
    } catch (e) {
      if (!(e instanceof AttestationError)) throw new Error(`seed ${FUZZ_SEED + 100 + n} case ${i}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
      outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
      continue;
    }
    outcomes.set("verified", (outcomes.get("verified") ?? 0) + 1);
    // Whatever changed, the signed payload did not, and neither did its meaning.
    if (Buffer.compare(doc.payload, original.payload) !== 0) throw new Error(`seed ${FUZZ_SEED + 100 + n} case ${i}: a changed payload verified`);
    expect(meaning(doc)).toEqual(expected);
  }
  // The mutations must reach past the outer parser, or this suite would prove little.
  expect(outcomes.get("ATTESTATION_SIGNATURE") ?? 0).toBeGreaterThan(0);
  expect(outcomes.get("ATTESTATION_FORMAT") ?? 0).toBeGreaterThan(0);
});

test("hostile CBOR shapes fail with AttestationFormatError, quickly", () => {
  const deepArrays = Buffer.concat([Buffer.from([0x84, 0x40, 0xa0, 0x59, 0x4e, 0x20]), Buffer.alloc(20000, 0x81)]);
  const hugeLength = Buffer.from("845a7fffffff", "hex");
  const hugeMap = Buffer.from([0x84, 0x44, 0xa1, 0x01, 0x38, 0x22, 0xa0, 0x45, 0xbb, 0x7f, 0xff, 0xff, 0xff, 0x58, 0x60, ...Buffer.alloc(96)]);
  const unterminated = Buffer.from([0x84, 0x44, 0xa1, 0x01, 0x38, 0x22, 0xa0, 0x42, 0xbf, 0x61, 0x58, 0x60, ...Buffer.alloc(96)]);
  const float = Buffer.from([0x84, 0x44, 0xa1, 0x01, 0xfb, 0, 0, 0, 0, 0, 0, 0, 0]);
  for (const input of [deepArrays, hugeLength, hugeMap, unterminated, float, Buffer.from([0xd2, 0xd2, 0x84])]) {
    expect(() => verifyAttestation(input)).toThrow(AttestationError);
  }
});

describe("re-signed payload mutations (a trusted signer signing odd payloads)", () => {
  let pki: TestPki;
  afterAll(() => pki?.cleanup());

  test("whatever verifies reads exactly as cbor-x reads it", () => {
    pki = new TestPki();
    const root = pki.root("root");
    const inter = pki.issue("inter", root, "inter");
    const leaf = pki.issue("leaf", inter, "leaf");
    const payload = realisticPayload([root, inter], leaf);
    payload.set("nonce", Buffer.from("nonce")).set("user_data", Buffer.from("user data"));
    const cborX = new Decoder({ mapsAsObjects: false, int64AsNumber: true } as never);
    const random = rng(FUZZ_SEED + 300);
    const cases = fuzzCases(300);
    let verified = 0;
    for (const indefinite of [false, true]) {
      const original = encodePayload(payload, indefinite);
      for (let i = 0; i < cases; i++) {
        const mutated = mutate(original, random);
        let doc: AttestationDocument;
        try {
          doc = verifyAttestation(coseSign1(mutated, leaf.key), { trustedRoots: [root.der], at: "document", allowDebug: true });
        } catch (e) {
          if (!(e instanceof AttestationError)) throw new Error(`seed ${FUZZ_SEED + 300} case ${i}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
          continue;
        }
        verified++;
        const ref = cborX.decode(mutated) as Map<string, unknown>;
        const bytesOrNull = (v: unknown) => (v instanceof Uint8Array && v.length > 0 ? hex(v) : null);
        expect(meaning(doc)).toEqual({
          moduleId: ref.get("module_id"),
          timestamp: Number(ref.get("timestamp")),
          pcrs: [...(ref.get("pcrs") as Map<number, Uint8Array>)].map(([k, v]) => [k, hex(v)]),
          certificate: hex(ref.get("certificate") as Uint8Array),
          cabundle: (ref.get("cabundle") as Uint8Array[]).map(hex),
          publicKey: bytesOrNull(ref.get("public_key")),
          userData: bytesOrNull(ref.get("user_data")),
          nonce: bytesOrNull(ref.get("nonce")),
        });
      }
    }
    expect(verified).toBeGreaterThan(0);
  });
});
