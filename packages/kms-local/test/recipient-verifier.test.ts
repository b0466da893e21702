// The Recipient check on real AWS documents (../shared/vectors): they chain to the AWS Nitro root, which
// kms-local trusts by default, and are refused once their certificates have expired, i.e. at any time
// after their own 3-hour window, including now; cached answers obey the same window.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { NsmClient, SimulatedNsm, createSimulatorCa, parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { nsmAttestationVerifier } from "../src/attestation";
import { ValidationException } from "../src/errors";
import { RecipientVerifier } from "../src/recipient";

const vector = (name: string) => readFileSync(join(__dirname, "../../../../shared/vectors/attestation", name));
const real = vector("blocky_nitro_attestation.cose");
const takenAt = parseAttestation(real).timestamp.getTime();

test("a real AWS document passes the chain and signature at its own time; its public key is then checked", async () => {
  let now = new Date(takenAt);
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], true), 16, () => now);
  // This document's public_key field holds 1024 arbitrary bytes, not an RSA SubjectPublicKeyInfo.
  await expect(verifier.check(real)).rejects.toThrow(/not a DER SubjectPublicKeyInfo/);
  now = new Date();
  await expect(verifier.check(real)).rejects.toThrow(/not valid/);
});

test("without the AWS root, the same document is untrusted", async () => {
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], false), 16, () => new Date(takenAt));
  const error = await verifier.check(real).catch((e) => e);
  expect(error).toBeInstanceOf(ValidationException);
  expect(error.message).toMatch(/not valid/);
});

test("identical documents are verified once, and the cached answer is not used once a certificate has expired", async () => {
  const ca = createSimulatorCa();
  const spki = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" });
  const document = await new NsmClient(new SimulatedNsm({ ca })).attestation({ publicKey: spki });
  const verify = nsmAttestationVerifier([ca.certificate], false);
  let calls = 0;
  let now = Date.now();
  const verifier = new RecipientVerifier((doc, at) => {
    calls++;
    return verify(doc, at);
  }, 16, () => new Date(now));
  const first = await verifier.check(document);
  expect(Buffer.from(first.spki)).toEqual(Buffer.from(spki));
  expect(first.conditions.map(([k]) => k)).toContain("kms:recipientattestation:imagesha384");
  await verifier.check(document);
  expect(calls).toBe(1);
  now += 4 * 3600_000; // the simulated leaf certificate lives 3 hours
  await expect(verifier.check(document)).rejects.toThrow(ValidationException);
  expect(calls).toBe(2);
  await expect(verifier.check(document)).rejects.toThrow(ValidationException);
  expect(calls).toBe(3); // failures are never cached
});
