// verifyAttestation's options and results: only own properties count (a polluted Object.prototype
// changes nothing), options that could be read two ways are refused, the exported AWS root is a
// copy, the chain's validity window matches what OpenSSL reads from the certificates, and CBOR text
// is read exactly as signed (a byte-order mark is a character, invalid UTF-8 is refused).
import { X509Certificate } from "node:crypto";
import {
  AWS_NITRO_ROOT_G1_DER,
  AWS_NITRO_ROOT_G1_PEM,
  AttestationFormatError,
  AttestationOptionsError,
  CertificateValidityError,
  DebugModeError,
  UntrustedRootError,
  parseAttestation,
  verifyAttestation,
} from "@nitro-enclaves-sdk/nsm";
import { TestPki, coseSign1, encodePayload, realisticPayload, type Issued } from "./test-pki.js";
import { AWS_ROOT_DER, AWS_ROOT_PEM, REAL_DOCUMENTS } from "./vectors.js";
import { thrown } from "./thrown.js";

const real = REAL_DOCUMENTS.find((d) => !d.debug && d.indefiniteMap)!;
const debugDoc = REAL_DOCUMENTS.find((d) => d.debug && d.file.startsWith("blocky"))!;
const at = new Date(real.timestamp);

let pki: TestPki;
let root: Issued;
let inter: Issued;
let leaf: Issued;
beforeAll(() => {
  pki = new TestPki();
  root = pki.root("root");
  inter = pki.issue("inter", root, "inter");
  leaf = pki.issue("leaf", inter, "leaf");
});
afterAll(() => pki.cleanup());

describe("a polluted Object.prototype changes nothing", () => {
  const polluted = ["trustedRoots", "at", "allowDebug", "expectedPcrs", "expectedNonce", "maxAgeMs"] as const;
  afterEach(() => {
    for (const name of polluted) delete (Object.prototype as Record<string, unknown>)[name];
  });
  const pollute = (name: (typeof polluted)[number], value: unknown) => Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });

  test("an inherited trustedRoots does not make an attacker's root trusted", () => {
    const payload = realisticPayload([root, inter], leaf);
    const forged = coseSign1(encodePayload(payload), leaf.key);
    pollute("trustedRoots", [root.der]);
    expect(thrown(() => verifyAttestation(forged))).toBeInstanceOf(UntrustedRootError);
    expect(thrown(() => verifyAttestation(forged, {}))).toBeInstanceOf(UntrustedRootError);
  });

  test("an inherited at or allowDebug is not read", () => {
    pollute("at", "document");
    expect(thrown(() => verifyAttestation(real.bytes))).toBeInstanceOf(CertificateValidityError); // its 3-hour leaf expired long ago
    pollute("allowDebug", true);
    expect(thrown(() => verifyAttestation(debugDoc.bytes, { at: new Date(debugDoc.timestamp) }))).toBeInstanceOf(DebugModeError);
  });

  test("an inherited expectedPcrs index or maxAgeMs is not read", () => {
    pollute("maxAgeMs", 1);
    expect(verifyAttestation(real.bytes, { at: new Date(at.getTime() + 60_000) }).moduleId).toBeTruthy();
    Object.defineProperty(Object.prototype, "5", { value: "00".repeat(48), configurable: true });
    try {
      expect(verifyAttestation(real.bytes, { at, expectedPcrs: {} }).moduleId).toBeTruthy();
    } finally {
      delete (Object.prototype as Record<string, unknown>)["5"];
    }
  });
});

describe("options that could be read two ways are refused", () => {
  test("expectedPcrs naming one PCR as 0 and as \"0\"", () => {
    const pcr0 = parseAttestation(real.bytes).pcrs.get(0)!;
    const both = new Map<number | string, Uint8Array>([
      [0, pcr0],
      ["0", new Uint8Array(48)],
    ]);
    expect(thrown(() => verifyAttestation(real.bytes, { at, expectedPcrs: both }))).toBeInstanceOf(AttestationOptionsError);
    expect(verifyAttestation(real.bytes, { at, expectedPcrs: new Map([["0", pcr0]]) }).pcrs.get(0)).toEqual(pcr0);
  });

  test.each(["", " 3", "03", "+3", "3.0", "32", "-1"])("expectedPcrs index %j", (index) => {
    expect(thrown(() => verifyAttestation(real.bytes, { at, expectedPcrs: new Map([[index, "00".repeat(48)]]) }))).toBeInstanceOf(AttestationOptionsError);
  });

  test('maxAgeMs with at: "document", which could never fail', () => {
    expect(thrown(() => verifyAttestation(real.bytes, { at: "document", maxAgeMs: 300_000 }))).toBeInstanceOf(AttestationOptionsError);
    expect(verifyAttestation(real.bytes, { at: new Date(at.getTime() + 1000), maxAgeMs: 300_000 }).moduleId).toBeTruthy();
  });

  test("an unknown option (a misspelt check would otherwise be skipped silently)", () => {
    expect(thrown(() => verifyAttestation(real.bytes, { at, expectedPcr: {} } as never))).toBeInstanceOf(AttestationOptionsError);
  });

  test("options that are not a plain object, and byte options that are not real Uint8Arrays", () => {
    for (const bad of [null, 5, "x", [], { expectedNonce: new Proxy(new Uint8Array(4), {}) }, { trustedRoots: [new Proxy(new Uint8Array(AWS_ROOT_DER), {})] }]) {
      expect(thrown(() => verifyAttestation(real.bytes, bad as never))).toBeInstanceOf(AttestationOptionsError);
    }
    expect(thrown(() => verifyAttestation(new Proxy(new Uint8Array(real.bytes), {}) as never, { at }))).toBeInstanceOf(AttestationFormatError);
  });
});

test("the exported AWS root is a copy: writing into it changes nothing verification trusts", () => {
  expect(Buffer.from(AWS_NITRO_ROOT_G1_DER)).toEqual(AWS_ROOT_DER);
  expect(new X509Certificate(AWS_NITRO_ROOT_G1_PEM).raw).toEqual(AWS_ROOT_DER);
  expect(AWS_NITRO_ROOT_G1_PEM.replace(/\s/g, "")).toBe(AWS_ROOT_PEM.replace(/\s/g, ""));
  const payload = realisticPayload([root, inter], leaf);
  const forged = coseSign1(encodePayload(payload), leaf.key);
  const saved = Buffer.from(AWS_NITRO_ROOT_G1_DER);
  try {
    AWS_NITRO_ROOT_G1_DER.fill(0);
    AWS_NITRO_ROOT_G1_DER.set(root.der.subarray(0, Math.min(root.der.length, AWS_NITRO_ROOT_G1_DER.length)));
    expect(verifyAttestation(real.bytes, { at }).moduleId).toBeTruthy();
    expect(thrown(() => verifyAttestation(forged))).toBeInstanceOf(UntrustedRootError);
  } finally {
    saved.copy(AWS_NITRO_ROOT_G1_DER);
  }
});

test("chainValidity is the latest notBefore and the earliest notAfter of the path, as OpenSSL reads the certificates", () => {
  for (const doc of REAL_DOCUMENTS) {
    const parsed = parseAttestation(doc.bytes);
    const certificates = [...parsed.cabundle, parsed.certificate].map((der) => new X509Certificate(der));
    const { chainValidity } = verifyAttestation(doc.bytes, { at: new Date(doc.timestamp), allowDebug: true });
    expect(chainValidity.notBefore.getTime()).toBe(Math.max(...certificates.map((c) => Date.parse(c.validFrom))));
    expect(chainValidity.notAfter.getTime()).toBe(Math.min(...certificates.map((c) => Date.parse(c.validTo))));
  }
});

describe("CBOR text is read exactly as signed", () => {
  const sign = (payload: Map<unknown, unknown>) => coseSign1(encodePayload(payload), leaf.key);
  const trust = () => ({ trustedRoots: [root.der] });

  test("a key with a leading byte-order mark is another key: it does not stand in for public_key", () => {
    const payload = realisticPayload([root, inter], leaf);
    payload.set("\uFEFFpublic_key", Buffer.alloc(32, 7));
    const doc = verifyAttestation(sign(payload), trust());
    expect(doc.publicKey).toBeNull();
  });

  test("a module id with a leading byte-order mark keeps it", () => {
    const payload = realisticPayload([root, inter], leaf);
    payload.set("module_id", "\uFEFFi-abc");
    expect(verifyAttestation(sign(payload), trust()).moduleId).toBe("\uFEFFi-abc");
  });

  test("text that is not UTF-8 is refused", () => {
    const payload = realisticPayload([root, inter], leaf);
    payload.set("module_id", "i-XYZ");
    const bytes = encodePayload(payload);
    bytes.set([0xc0, 0xaf, 0xff], bytes.indexOf(Buffer.from("XYZ")));
    expect(thrown(() => verifyAttestation(coseSign1(bytes, leaf.key), trust()))).toBeInstanceOf(AttestationFormatError);
  });
});
