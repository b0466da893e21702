// The certificate reader and the BER reader under it: BER that asn1js lets through but X.690
// forbids is refused, valid BER is read, and on seeded mutations of the real attestation
// certificates whatever it accepts reads as OpenSSL (node:crypto's X509Certificate) reads it.
import * as asn1js from "asn1js";
import { X509Certificate } from "node:crypto";
import { CertificateChainError, parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { BerShapeError, decodeBer } from "../../src/asn1/ber.js";
import { certificateInfo } from "../../src/attestation/certificate.js";
import { FUZZ_SEED, fuzzCases, mutate, rng } from "./mutate.js";
import { REAL_DOCUMENTS } from "./vectors.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

test.each([
  ["30800001", "an end-of-contents with a length byte"],
  ["30802000", "a constructed end-of-contents"],
  ["2c800c01410001", "a malformed end-of-contents in a constructed UTF8String"],
  ["a0020000", "end-of-contents inside a definite length"],
  ["1000", "a primitive SEQUENCE"],
  ["1f1000", "the high tag number form for SEQUENCE's tag"],
  ["9f801f00", "a high tag number with a leading 0x80 byte"],
  ["2a030a0100", "a constructed ENUMERATED"],
  ["30850000000000", "a length in five bytes"],
])("asn1js accepts %s (%s); our reader refuses it", (input) => {
  const theirs = asn1js.fromBER(hex(input));
  expect(theirs.result.error).toBe("");
  expect(theirs.offset).toBe(input.length / 2);
  expect(() => decodeBer(hex(input))).toThrow(BerShapeError);
});

test("malformed BER is refused with BerShapeError (never another exception)", () => {
  for (const input of ["", "30", "3081", "3080", "308000", "0480", "04850100000000", "3003020101ff", "1f8001", "1f1e00", "3080000100", "2000", "0001ff", "0001", "0000"]) {
    expect(() => decodeBer(hex(input))).toThrow(BerShapeError);
  }
  const deep = Buffer.concat([Buffer.alloc(2000 * 2, Buffer.from([0x30, 0x80])), Buffer.alloc(2000 * 2)]);
  expect(() => decodeBer(deep)).toThrow(BerShapeError);
});

test("valid BER is read: nested indefinite lengths, chunked OCTET STRINGs, long-form lengths", () => {
  for (const input of ["3080308000000000", "3000", "24800401aa04020bcc0000", "0a0100", "3081020500", "9f1f0101", "bf1f03020101"]) {
    expect(decodeBer(hex(input)).end).toBe(input.length / 2);
  }
});

const certificates = REAL_DOCUMENTS.flatMap((v) => {
  const doc = parseAttestation(v.bytes);
  return [...doc.cabundle, doc.certificate];
});

test("the real certificates read as OpenSSL reads them", () => {
  let n = 0;
  for (const der of certificates) {
    const info = certificateInfo(der, `real ${n}`, `certificate ${n++}`);
    const x509 = new X509Certificate(der);
    expect(info.notBefore).toBe(Date.parse(x509.validFrom));
    expect(info.notAfter).toBe(Date.parse(x509.validTo));
    expect(info.ca).toBe(x509.ca);
    expect(info.keyUsage).toBeDefined();
    expect(info.unknownCriticalExtension).toBeUndefined();
  }
});

test("mutated real certificates are refused with CertificateChainError, or read as OpenSSL reads them", () => {
  const random = rng(FUZZ_SEED + 500);
  const cases = fuzzCases(150);
  let accepted = 0;
  let refused = 0;
  let key = 0;
  let cas = 0;
  for (const original of certificates) {
    for (let i = 0; i < cases; i++) {
      const input = mutate(original, random);
      let info: ReturnType<typeof certificateInfo>;
      try {
        info = certificateInfo(input, `mutation ${key++}`, "certificate");
      } catch (e) {
        if (!(e instanceof CertificateChainError)) throw new Error(`seed ${FUZZ_SEED + 500} case ${i}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
        refused++;
        continue;
      }
      accepted++;
      const x509 = new X509Certificate(input);
      const label = `seed ${FUZZ_SEED + 500} case ${i} (${Buffer.from(input).toString("hex")})`;
      if (info.notBefore !== Date.parse(x509.validFrom) || info.notAfter !== Date.parse(x509.validTo)) throw new Error(`${label}: validity reads differently from OpenSSL`);
      // OpenSSL's X509_check_ca also wants keyCertSign and well-formed extensions (we leave those we
      // do not use unread), so it may say "not a CA" where we read cA; never the other way round.
      if (x509.ca && !info.ca) throw new Error(`${label}: OpenSSL reads a CA, we do not`);
      if (info.ca && x509.ca) cas++;
    }
  }
  expect(accepted).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(0);
  expect(cas).toBeGreaterThan(0);
});
