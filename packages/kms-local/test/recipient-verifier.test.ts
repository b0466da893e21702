// The Recipient check on real AWS documents (test/vectors): they chain to the AWS Nitro root, which
// kms-local trusts by default, and are refused once their certificates have expired, i.e. at any time
// after their own 3-hour window, including now; cached answers obey the same window.
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
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], true), 16, () => now);
  // This document's public_key field holds 1024 arbitrary bytes, not an RSA SubjectPublicKeyInfo.
  await expect(check(verifier, real)).rejects.toThrow(/not a DER SubjectPublicKeyInfo/);
  now = new Date();
  await expect(check(verifier, real)).rejects.toThrow(/not valid/);
});

test("without the AWS root, the same document is untrusted", async () => {
  const verifier = new RecipientVerifier(nsmAttestationVerifier([], false), 16, () => new Date(takenAt));
  const error = await check(verifier, real).catch((e) => e);
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
  const first = (await check(verifier, document))!;
  expect(Buffer.from(first.spki)).toEqual(Buffer.from(spki));
  expect([...first.conditionValues.keys()]).toContain("kms:recipientattestation:imagesha384");
  await check(verifier, document);
  expect(calls).toBe(1);
  now += 4 * 3600_000; // the simulated leaf certificate lives 3 hours
  await expect(check(verifier, document)).rejects.toThrow(ValidationException);
  expect(calls).toBe(2);
  await expect(check(verifier, document)).rejects.toThrow(ValidationException);
  expect(calls).toBe(3); // failures are never cached
});

describe("the cache, keyed by the document's base64 text as it came in the request", () => {
  const ca = createSimulatorCa();
  const verify = nsmAttestationVerifier([ca.certificate], false);
  const nsm = new NsmClient(new SimulatedNsm({ ca }));
  const spki = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" });
  const counting = (cacheChars?: number) => {
    const counter = { calls: 0, verifier: undefined as unknown as RecipientVerifier };
    counter.verifier = new RecipientVerifier((doc, at) => {
      counter.calls++;
      return verify(doc, at);
    }, 16, () => new Date(), cacheChars);
    return counter;
  };

  test("a known text is not verified again; a text one character off is decoded and checked as any other", async () => {
    const text = Buffer.from(await nsm.attestation({ publicKey: spki })).toString("base64");
    const c = counting();
    const first = await c.verifier.verified(c.verifier.read(request(text)));
    expect(Buffer.from(first!.spki)).toEqual(Buffer.from(spki));
    expect(await c.verifier.verified(c.verifier.read(request(text)))).toBe(first);
    expect(c.calls).toBe(1);

    // Not base64 any more: refused while reading, as before the cache existed.
    expect(() => c.verifier.read(request(text.slice(0, -4) + "!!!!"))).toThrow(SerializationException);
    // Still base64, other bytes, same length and same ending (so filed where the known text is): verified
    // (and refused), never answered from the cache.
    const flipped = text.slice(0, 100) + (text[100] === "A" ? "B" : "A") + text.slice(101);
    await expect(c.verifier.verified(c.verifier.read(request(flipped)))).rejects.toThrow(ValidationException);
    expect(c.calls).toBe(2);
    // Wrong JSON type and the length limit, checked on every read.
    expect(() => c.verifier.read(request(12))).toThrow(SerializationException);
    expect(() => c.verifier.read(request(""))).toThrow(/1 validation error detected: .* at 'recipient.attestationDocument'/);
  });

  test("the texts it keeps are bounded in total size, not only in number", async () => {
    const a = Buffer.from(await nsm.attestation({ publicKey: spki, nonce: Buffer.from("a") })).toString("base64");
    const b = Buffer.from(await nsm.attestation({ publicKey: spki, nonce: Buffer.from("b") })).toString("base64");
    const c = counting(Math.floor(a.length * 1.5)); // room for one document
    await c.verifier.verified(c.verifier.read(request(a)));
    await c.verifier.verified(c.verifier.read(request(a)));
    expect(c.calls).toBe(1);
    await c.verifier.verified(c.verifier.read(request(b))); // evicts a
    await c.verifier.verified(c.verifier.read(request(a)));
    expect(c.calls).toBe(3);
    const none = counting(a.length - 1); // too small for any document: nothing is cached
    await none.verifier.verified(none.verifier.read(request(a)));
    await none.verifier.verified(none.verifier.read(request(a)));
    expect(none.calls).toBe(2);
  });
});
