import { createHash } from "node:crypto";
import { Decoder } from "cbor-x";
import {
  AWS_NITRO_ROOT_G1_DER,
  AWS_NITRO_ROOT_G1_SHA256,
  AttestationFormatError,
  AttestationOptionsError,
  AttestationSignatureError,
  AttestationTooOldError,
  CertificateChainError,
  CertificateValidityError,
  DebugModeError,
  NonceMismatchError,
  PcrMismatchError,
  UntrustedRootError,
  clearAttestationCache,
  isDebugMode,
  parseAttestation,
  verifyAttestation,
} from "@nitro-enclaves-sdk/nsm";
import { AWS_ROOT_DER, AWS_ROOT_PEM, REAL_DOCUMENTS } from "./vectors.js";
import { thrown } from "./thrown.js";

// cbor-x, an independent decoder, as the reference for field values.
const cbor = new Decoder({ mapsAsObjects: false, int64AsNumber: true } as never);
function reference(bytes: Uint8Array): Map<string, unknown> {
  const [, , payload] = cbor.decode(bytes) as [Uint8Array, unknown, Uint8Array, Uint8Array];
  return cbor.decode(payload) as Map<string, unknown>;
}
const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString("hex"));

test("the embedded AWS root is the vectors' root, pinned by its SHA-256", () => {
  expect(Buffer.from(AWS_NITRO_ROOT_G1_DER)).toEqual(AWS_ROOT_DER);
  expect(createHash("sha256").update(AWS_ROOT_DER).digest("hex")).toBe(AWS_NITRO_ROOT_G1_SHA256);
  expect(AWS_NITRO_ROOT_G1_SHA256).toBe("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");
});

describe.each(REAL_DOCUMENTS)("$file", (vector) => {
  const allowDebug = vector.debug;

  test("verifies against the AWS root at its own timestamp (at: 'document' and an explicit Date)", () => {
    for (const at of ["document", new Date(vector.timestamp)] as const) {
      clearAttestationCache();
      const doc = verifyAttestation(vector.bytes, { at, allowDebug });
      expect(doc.timestamp.toISOString()).toBe(vector.timestamp);
    }
  });

  test("verifies again from the warm cache, and still fails at now with the validity error", () => {
    verifyAttestation(vector.bytes, { at: "document", allowDebug });
    verifyAttestation(vector.bytes, { at: "document", allowDebug });
    const err = thrown(() => verifyAttestation(vector.bytes, { allowDebug }));
    expect(err).toBeInstanceOf(CertificateValidityError);
    expect((err as CertificateValidityError).code).toBe("ATTESTATION_CERTIFICATE_VALIDITY");
    expect(thrown(() => verifyAttestation(vector.bytes, { at: new Date(), allowDebug }))).toBeInstanceOf(CertificateValidityError);
  });

  test("fields match an independent CBOR decoder and the README", () => {
    const doc = parseAttestation(vector.bytes);
    const ref = reference(vector.bytes);
    expect(doc.moduleId).toBe(ref.get("module_id"));
    expect(doc.digest).toBe("SHA384");
    expect(doc.timestamp.getTime()).toBe(Number(ref.get("timestamp")));
    expect([...doc.pcrs.keys()]).toEqual(vector.pcrIndices);
    for (const [index, value] of ref.get("pcrs") as Map<number, Uint8Array>) expect(hex(doc.pcrs.get(index)!)).toBe(hex(value));
    expect(hex(doc.certificate)).toBe(hex(ref.get("certificate") as Uint8Array));
    expect(doc.cabundle.map(hex)).toEqual((ref.get("cabundle") as Uint8Array[]).map(hex));
    expect(doc.publicKey?.length ?? null).toBe(vector.publicKeyLength);
    expect(doc.userData?.length ?? null).toBe(vector.userDataLength);
    expect(doc.nonce?.length ?? null).toBe(vector.nonceLength);
    if (doc.nonce) expect(hex(doc.nonce)).toBe(hex(ref.get("nonce") as Uint8Array));
    expect(isDebugMode(doc)).toBe(vector.debug);
    expect(doc.payload[0]).toBe(vector.indefiniteMap ? 0xbf : 0xa9);
    expect(doc.signature).toHaveLength(96);
    expect(hex(doc.protectedHeader)).toBe("a1013822");
  });

  test("verifies as tagged COSE_Sign1 (tag 18) too", () => {
    const tagged = Buffer.concat([Buffer.from([0xd2]), vector.bytes]);
    expect(verifyAttestation(tagged, { at: "document", allowDebug }).moduleId).toBe(parseAttestation(vector.bytes).moduleId);
  });

  test("trustedRoots accepts the root as PEM or DER, and refuses a document whose root is not among them", () => {
    verifyAttestation(vector.bytes, { at: "document", allowDebug, trustedRoots: [AWS_ROOT_PEM] });
    verifyAttestation(vector.bytes, { at: "document", allowDebug, trustedRoots: [AWS_ROOT_DER] });
    const someOtherCa = parseAttestation(vector.bytes).cabundle[1];
    const err = thrown(() => verifyAttestation(vector.bytes, { at: "document", allowDebug, trustedRoots: [someOtherCa] }));
    expect(err).toBeInstanceOf(UntrustedRootError);
    expect((err as UntrustedRootError).code).toBe("ATTESTATION_UNTRUSTED_ROOT");
  });

  test("a flipped bit in the signature or in a PCR fails the signature check", () => {
    const sig = Buffer.from(vector.bytes);
    sig[sig.length - 10] ^= 0x01;
    expect(thrown(() => verifyAttestation(sig, { at: "document", allowDebug }))).toBeInstanceOf(AttestationSignatureError);
    const doc = parseAttestation(vector.bytes);
    const pcr = Buffer.from(vector.bytes);
    pcr[pcr.indexOf(Buffer.from(doc.pcrs.get(3)!)) + 5] ^= 0x80;
    expect(thrown(() => verifyAttestation(pcr, { at: "document", allowDebug }))).toBeInstanceOf(AttestationSignatureError);
  });

  test("policy: expected PCRs (bytes, hex, Map), nonce, debug mode, maximum age", () => {
    const doc = parseAttestation(vector.bytes);
    const at = "document" as const;
    verifyAttestation(vector.bytes, { at, allowDebug, expectedPcrs: { 0: doc.pcrs.get(0)!, 4: hex(doc.pcrs.get(4)!)! } });
    verifyAttestation(vector.bytes, { at, allowDebug, expectedPcrs: new Map([[8, doc.pcrs.get(8)!]]) });
    const wrong = Buffer.from(doc.pcrs.get(4)!);
    wrong[0] ^= 1;
    const mismatch = thrown(() => verifyAttestation(vector.bytes, { at, allowDebug, expectedPcrs: { 4: wrong } }));
    expect(mismatch).toBeInstanceOf(PcrMismatchError);
    expect((mismatch as PcrMismatchError).index).toBe(4);
    expect(thrown(() => verifyAttestation(vector.bytes, { at, allowDebug, expectedPcrs: { 20: wrong } }))).toBeInstanceOf(PcrMismatchError);

    if (doc.nonce) verifyAttestation(vector.bytes, { at, allowDebug, expectedNonce: Buffer.from(doc.nonce) });
    expect(thrown(() => verifyAttestation(vector.bytes, { at, allowDebug, expectedNonce: Buffer.from("another nonce") }))).toBeInstanceOf(NonceMismatchError);

    if (vector.debug) expect(thrown(() => verifyAttestation(vector.bytes, { at }))).toBeInstanceOf(DebugModeError);
    else verifyAttestation(vector.bytes, { at });

    const t = doc.timestamp.getTime();
    verifyAttestation(vector.bytes, { at: new Date(t + 60_000), allowDebug, maxAgeMs: 5 * 60_000 });
    expect(thrown(() => verifyAttestation(vector.bytes, { at: new Date(t + 10 * 60_000), allowDebug, maxAgeMs: 5 * 60_000 }))).toBeInstanceOf(AttestationTooOldError);
  });

  test("the validity error names the certificate and the period", () => {
    const doc = parseAttestation(vector.bytes);
    // Before the leaf was issued: the signing certificate is not yet valid.
    const err = thrown(() => verifyAttestation(vector.bytes, { at: new Date(doc.timestamp.getTime() - 3600_000 * 4), allowDebug })) as CertificateValidityError;
    expect(err).toBeInstanceOf(CertificateValidityError);
    expect(err.message).toMatch(/not yet valid/);
    expect(err.notBefore.getTime()).toBeGreaterThan(err.at.getTime());
  });
});

test("a certificate swapped out of order in the cabundle fails the chain check", () => {
  const { bytes } = REAL_DOCUMENTS[3];
  const doc = parseAttestation(bytes);
  // Exchange regional and zonal CA certificates in place (both are inside the signed payload, so
  // the chain check, which runs first, must catch it).
  const [a, b] = [doc.cabundle[1], doc.cabundle[2]];
  const swapped = Buffer.from(bytes);
  const at = swapped.indexOf(Buffer.from(a));
  const bt = swapped.indexOf(Buffer.from(b));
  expect(a.length).not.toBe(b.length); // different lengths: rebuild instead of overwrite
  const rebuilt = Buffer.concat([swapped.subarray(0, at - 3), Buffer.from([0x59, b.length >> 8, b.length & 0xff]), b, Buffer.from([0x59, a.length >> 8, a.length & 0xff]), a, swapped.subarray(bt + b.length)]);
  const payloadLength = doc.payload.length;
  // The payload bstr length is unchanged (both certs keep 3-byte heads), so the document stays well formed.
  expect(rebuilt.length).toBe(bytes.length);
  expect(payloadLength).toBe(parseAttestation(rebuilt).payload.length);
  expect(thrown(() => verifyAttestation(rebuilt, { at: "document" }))).toBeInstanceOf(CertificateChainError);
});

test("options of the wrong type are refused with AttestationOptionsError", () => {
  const { bytes } = REAL_DOCUMENTS[0];
  const bad: unknown[] = [
    { at: "yesterday" },
    { at: new Date(NaN) },
    { trustedRoots: ["not a pem"] },
    { trustedRoots: [42] },
    { trustedRoots: [Buffer.from("not a certificate")] },
    { expectedPcrs: { 40: "00" } },
    { expectedPcrs: { 1: "xyz" } },
    { expectedNonce: "nonce" },
    { maxAgeMs: -1 },
    { allowDebug: "yes" },
  ];
  for (const options of bad) expect(thrown(() => verifyAttestation(bytes, options as never))).toBeInstanceOf(AttestationOptionsError);
});

test("non-documents are refused with AttestationFormatError", () => {
  for (const input of [Buffer.alloc(0), Buffer.from([0x84]), Buffer.from("hello"), Buffer.concat([REAL_DOCUMENTS[0].bytes, Buffer.from([0])]), "string" as never]) {
    expect(thrown(() => verifyAttestation(input))).toBeInstanceOf(AttestationFormatError);
  }
});
