// Simulated documents go through the same verifier as real ones: they verify against the simulator
// root, never against the AWS root, and carry what was asked for.
import { NsmClient } from "../../src/nsm/client";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";
import { verifyAttestation, isDebugMode } from "../../src/attestation/verify";
import { NitroEnclavesError } from "../../src/errors";

const ca = createSimulatorCa();
const pcr0 = "ab".repeat(48);

test.each([true, false])("indefinite-length payload %s: verifies against the simulator root", async (indefiniteLengthPayload) => {
  const c = new NsmClient(new SimulatedNsm({ ca, pcrs: { 0: pcr0 }, indefiniteLengthPayload }));
  const nonce = Uint8Array.of(1, 2, 3, 4);
  const publicKey = new Uint8Array(294).fill(5);
  const userData = Buffer.from("hello");
  const doc = await c.attestation({ nonce, publicKey, userData });
  const parsed = verifyAttestation(doc, { trustedRoots: [ca.certificate], expectedPcrs: { 0: pcr0 }, expectedNonce: nonce });
  expect(parsed.publicKey).toEqual(publicKey);
  expect(Buffer.from(parsed.userData!)).toEqual(userData);
  expect(parsed.pcrs.size).toBe(16);
  expect(isDebugMode(parsed)).toBe(false);
  // also by PEM, and at the document's own time
  expect(() => verifyAttestation(doc, { trustedRoots: [ca.certificatePem], at: "document" })).not.toThrow();
});

test("does not verify against the AWS root (the default trust) nor another simulator root", async () => {
  const doc = await new NsmClient(new SimulatedNsm({ ca })).attestation();
  expect(() => verifyAttestation(doc)).toThrow(NitroEnclavesError);
  expect(() => verifyAttestation(doc, { trustedRoots: [createSimulatorCa().certificate] })).toThrow(NitroEnclavesError);
});

test("a debug-mode simulator is recognised as debug by the verifier", async () => {
  const doc = await new NsmClient(new SimulatedNsm({ ca, debug: true })).attestation();
  expect(() => verifyAttestation(doc, { trustedRoots: [ca.certificate] })).toThrow(NitroEnclavesError);
  expect(isDebugMode(verifyAttestation(doc, { trustedRoots: [ca.certificate], allowDebug: true }))).toBe(true);
});
