// The Recipient check on real AWS documents (test/vectors): they chain to the AWS Nitro root, which
// kms-local trusts by default, and are refused once their certificates have expired, i.e. at any time
// after their own 3-hour window, including now.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { NsmClient, parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { nsmAttestationVerifier } from "../src/attestation";
import { SerializationException, ValidationException } from "../src/errors";
import { Input } from "../src/input";
import { RecipientVerifier } from "../src/recipient";

const vector = (name: string) => readFileSync(join(__dirname, "../../../test/vectors/attestation", name));
const real = vector("blocky_nitro_attestation.cose");
const takenAt = parseAttestation(real).timestamp.getTime();
/** A request's Recipient member carrying `document` (base64 text, or bytes to encode). */
const request = (document: unknown) =>
  Input.parse(Buffer.from(JSON.stringify({ Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: document instanceof Uint8Array ? Buffer.from(document).toString("base64") : document } })));
/** The Recipient of a request carrying `document`, as an operation gets it. */
const check = (verifier: RecipientVerifier, document: Uint8Array) => verifier.verified(verifier.read(request(document)));

test("a real AWS document passes the chain and signature at its own time; its public key is then checked", async () => {
  let now = new Date(takenAt);
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], true), () => now);
  // This document's public_key field holds 1024 arbitrary bytes, not an RSA SubjectPublicKeyInfo.
  await expect(check(verifier, real)).rejects.toThrow(/not a DER SubjectPublicKeyInfo/);
  now = new Date();
  await expect(check(verifier, real)).rejects.toThrow(/not valid/);
});

test("without the AWS root, the same document is untrusted", async () => {
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], false), () => new Date(takenAt));
  const error = await check(verifier, real).catch((e) => e);
  expect(error).toBeInstanceOf(ValidationException);
  expect(error.message).toMatch(/not valid/);
});

test("every request's document is verified at that request's time: accepted while its certificates are valid, refused after", async () => {
  const ca = createSimulatorCa();
  const spki = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" });
  const document = await new NsmClient(new SimulatedNsm({ ca })).attestation({ publicKey: spki });
  let now = Date.now();
  const verifier = new RecipientVerifier(nsmAttestationVerifier([ca.certificate], false), () => new Date(now));
  const first = (await check(verifier, document))!;
  expect(Buffer.from(first.spki)).toEqual(Buffer.from(spki));
  expect(first.pcrs.get(0)).toHaveLength(48);
  now += 4 * 3600_000; // the simulated leaf certificate lives 3 hours
  await expect(check(verifier, document)).rejects.toThrow(ValidationException);
});

test("the Recipient member is checked as the model defines it", async () => {
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], false));
  expect(() => verifier.read(request("not base64!!"))).toThrow(SerializationException);
  expect(() => verifier.read(request(12))).toThrow(SerializationException);
  expect(() => verifier.read(request(""))).toThrow(/1 validation error detected: .* at 'recipient.attestationDocument'/);
});
