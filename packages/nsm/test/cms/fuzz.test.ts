// Seeded mutation fuzzing of the CMS decryptor over the real KMS vectors. Every mutated blob must
// either decrypt or raise EnvelopeDecryptionError: no other exception, no hang. CMS EnvelopedData
// has no integrity check, so a changed IV or ciphertext may decrypt to other bytes; anything else
// that still decrypts must give the original plaintext.
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EnvelopeDecryptionError, decryptEnvelopedKey, parseEnvelopedData } from "@nitro-enclaves-sdk/nsm";
import { FUZZ_SEED, fuzzCases, mutate, rng } from "../attestation/mutate.js";

const CMS = join(__dirname, "../../../../test/vectors/cms");
const read = (...p: string[]) => readFileSync(join(CMS, ...p));

function attempt<T>(fn: () => T, label: string): T | EnvelopeDecryptionError {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EnvelopeDecryptionError) return e;
    throw new Error(`${label}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

test("mutated KMS ciphertexts decrypt to the original, or only differ where CMS does not authenticate, or fail typed", () => {
  const original = read("kms-sample-1", "ciphertext_for_recipient.der");
  const privateKey = createPrivateKey(read("kms-sample-1", "private_key_pkcs8.pem"));
  const plaintext = decryptEnvelopedKey(original, privateKey);
  const fields = parseEnvelopedData(original);
  const random = rng(FUZZ_SEED);
  const cases = fuzzCases(1500);
  let decrypted = 0;
  for (let i = 0; i < cases; i++) {
    const label = `seed ${FUZZ_SEED} case ${i}`;
    const blob = mutate(original, random);
    const out = attempt(() => decryptEnvelopedKey(blob, privateKey), label);
    if (out instanceof EnvelopeDecryptionError) continue;
    decrypted++;
    const mutated = parseEnvelopedData(blob);
    expect(Buffer.from(mutated.subjectKeyIdentifier)).toEqual(Buffer.from(fields.subjectKeyIdentifier));
    expect(Buffer.from(mutated.encryptedKey)).toEqual(Buffer.from(fields.encryptedKey));
    if (!out.equals(plaintext)) {
      const malleable = !Buffer.from(mutated.iv).equals(fields.iv) || !Buffer.from(mutated.encryptedContent).equals(fields.encryptedContent);
      if (!malleable) throw new Error(`${label}: other plaintext from unchanged key material`);
    }
  }
  // The suite must exercise both outcomes, or it proves nothing.
  expect(decrypted).toBeGreaterThan(0);
  expect(decrypted).toBeLessThan(cases);
});

test("mutated sdk-c samples parse or fail typed", () => {
  const random = rng(FUZZ_SEED + 1);
  const cases = fuzzCases(3000);
  for (const input of ["input_ber.ber", "input_ber_w_ctx.ber"]) {
    const original = read("sdk-c-parse", input);
    for (let i = 0; i < cases; i++) attempt(() => parseEnvelopedData(mutate(original, random)), `seed ${FUZZ_SEED + 1} ${input} case ${i}`);
  }
});

test("hostile BER shapes fail typed: deep nesting, huge lengths, empty input", () => {
  const deep = Buffer.concat([Buffer.alloc(20000 * 2, Buffer.from([0x30, 0x80])), Buffer.alloc(20000 * 2)]);
  const privateKey = createPrivateKey(read("kms-sample-1", "private_key_pkcs8.pem"));
  for (const blob of [Buffer.alloc(0), deep, Buffer.from("3084ffffffff", "hex"), Buffer.from("308900000000000000000000", "hex"), Buffer.alloc(70000, 0x30)]) {
    expect(() => decryptEnvelopedKey(blob, privateKey)).toThrow(EnvelopeDecryptionError);
  }
});
