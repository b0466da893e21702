// Documents shaped like those of QEMU's virtio-nsm (hw/virtio/virtio-nsm.c), which does not sign:
// protected header {1: -1} (bytes a1 01 20), an empty unprotected map, a 64-byte zero signature,
// certificate and cabundle[0] of 64 zero bytes, and pcrs holding only the locked PCRs. They are built
// here byte by byte, not with our encoder or cbor-x, and read back with cbor-x as the reference.
// parseAttestation must accept them with no option; verifyAttestation must refuse them, naming why.
import { Decoder } from "cbor-x";
import {
  AttestationError,
  AttestationFormatError,
  AttestationSignatureError,
  UnsupportedAlgorithmError,
  parseAttestation,
  verifyAttestation,
} from "@nitro-enclaves-sdk/nsm";
import { FUZZ_SEED, fuzzCases, mutate, rng } from "./mutate.js";
import { REAL_DOCUMENTS } from "./vectors.js";
import { thrown } from "./thrown.js";

// CBOR heads (RFC 8949 3.1), written out by hand.
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}
const uint = (n: number) => head(0, n);
const bytes = (b: Uint8Array) => Buffer.concat([head(2, b.length), b]);
const text = (s: string) => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s)]);
const NULL = Buffer.from([0xf6]);

const ZEROS_64 = Buffer.alloc(64);
const TIMESTAMP = 1_795_000_000_123; // ms, needs the 8-byte head as QEMU writes it
const PCRS: Array<[number, Buffer]> = [0, 1, 2, 3, 16].map((i) => [i, Buffer.alloc(48, i + 1)]); // the locked ones only

interface Shape {
  protectedHeader?: Buffer;
  signature?: Buffer;
  userData?: Buffer | null;
}

function qemuDocument(o: Shape = {}): Buffer {
  const pcrs = Buffer.concat([head(5, PCRS.length), ...PCRS.flatMap(([i, v]) => [uint(i), bytes(v)])]);
  const payload = Buffer.concat([
    head(5, 9),
    text("module_id"), text("i-1234567890abcdef0-enc1234567890abcdef"),
    text("digest"), text("SHA384"),
    text("timestamp"), head(0, TIMESTAMP),
    text("pcrs"), pcrs,
    text("certificate"), bytes(ZEROS_64),
    text("cabundle"), head(4, 1), bytes(ZEROS_64),
    text("public_key"), NULL,
    text("user_data"), o.userData ? bytes(o.userData) : NULL,
    text("nonce"), NULL,
  ]);
  return Buffer.concat([
    Buffer.from([0x84]), // untagged COSE_Sign1 array of four
    bytes(o.protectedHeader ?? Buffer.from("a10120", "hex")), // {1: -1}
    Buffer.from([0xa0]), // {}
    bytes(payload),
    bytes(o.signature ?? ZEROS_64),
  ]);
}

const cbor = new Decoder({ mapsAsObjects: false, int64AsNumber: true } as never);

test("the hand-built document is what the findings describe (read by cbor-x)", () => {
  const [protectedHeader, unprotected, payload, signature] = cbor.decode(qemuDocument()) as [Uint8Array, Map<unknown, unknown>, Uint8Array, Uint8Array];
  expect(Buffer.from(protectedHeader).toString("hex")).toBe("a10120");
  expect(cbor.decode(protectedHeader)).toEqual(new Map([[1, -1]]));
  expect(unprotected.size).toBe(0);
  expect(Buffer.from(signature)).toEqual(ZEROS_64);
  const fields = cbor.decode(payload) as Map<string, unknown>;
  expect(fields.get("timestamp")).toBe(TIMESTAMP);
  expect([...(fields.get("pcrs") as Map<number, Uint8Array>).keys()]).toEqual([0, 1, 2, 3, 16]);
});

test("parseAttestation accepts QEMU's unsigned document with no option, fields as cbor-x reads them", () => {
  const input = qemuDocument({ userData: Buffer.from("hello from the guest") });
  const doc = parseAttestation(input);
  const [, , payload] = cbor.decode(input) as [unknown, unknown, Uint8Array];
  const ref = cbor.decode(payload) as Map<string, unknown>;
  expect(doc.alg).toBe(-1);
  expect(Buffer.from(doc.protectedHeader).toString("hex")).toBe("a10120");
  expect(Buffer.from(doc.signature)).toEqual(ZEROS_64);
  expect(doc.moduleId).toBe(ref.get("module_id"));
  expect(doc.digest).toBe("SHA384");
  expect(doc.timestamp.getTime()).toBe(TIMESTAMP);
  expect([...doc.pcrs.keys()]).toEqual([0, 1, 2, 3, 16]);
  for (const [i, v] of ref.get("pcrs") as Map<number, Uint8Array>) expect(Buffer.from(doc.pcrs.get(i)!)).toEqual(Buffer.from(v));
  expect(Buffer.from(doc.certificate)).toEqual(ZEROS_64);
  expect(doc.cabundle.map((c) => Buffer.from(c))).toEqual([ZEROS_64]);
  expect(doc.publicKey).toBeNull();
  expect(Buffer.from(doc.userData!).toString()).toBe("hello from the guest");
  expect(doc.nonce).toBeNull();
});

test("verifyAttestation refuses it as unsigned (alg -1) with UnsupportedAlgorithmError, before any certificate is looked at", () => {
  for (const options of [{}, { at: "document" as const, allowDebug: true }]) {
    const err = thrown(() => verifyAttestation(qemuDocument(), options));
    expect(err).toBeInstanceOf(UnsupportedAlgorithmError);
    expect(err).toBeInstanceOf(AttestationFormatError); // what callers of earlier versions caught
    expect((err as UnsupportedAlgorithmError).code).toBe("ATTESTATION_UNSUPPORTED_ALGORITHM");
    expect((err as Error).message).toMatch(/alg is -1 .*not ES384 \(-35\)/);
  }
});

test("alg ES384 with QEMU's 64-byte signature: parses, and verification fails with AttestationSignatureError", () => {
  const input = qemuDocument({ protectedHeader: Buffer.from("a1013822", "hex") });
  expect(parseAttestation(input).alg).toBe(-35);
  const err = thrown(() => verifyAttestation(input));
  expect(err).toBeInstanceOf(AttestationSignatureError);
  expect((err as Error).message).toMatch(/64 bytes/);
});

test("a real document with its signature cut to 64 bytes parses, and fails verification with AttestationSignatureError", () => {
  const { bytes: real } = REAL_DOCUMENTS[0];
  expect(real.subarray(real.length - 98, real.length - 96)).toEqual(Buffer.from([0x58, 0x60]));
  const cut = Buffer.concat([real.subarray(0, real.length - 98), Buffer.from([0x58, 0x40]), real.subarray(real.length - 96, real.length - 32)]);
  expect(parseAttestation(cut).signature).toHaveLength(64);
  expect(thrown(() => verifyAttestation(cut, { at: "document" }))).toBeInstanceOf(AttestationSignatureError);
});

test("other protected headers: alg absent or a text string parse and fail verification; structural faults fail parsing", () => {
  const absent = qemuDocument({ protectedHeader: Buffer.from("a0", "hex") });
  expect(parseAttestation(absent).alg).toBeNull();
  expect(thrown(() => verifyAttestation(absent))).toBeInstanceOf(UnsupportedAlgorithmError);
  const named = qemuDocument({ protectedHeader: Buffer.concat([Buffer.from([0xa1, 0x01]), text("ES384")]) });
  expect(parseAttestation(named).alg).toBe("ES384");
  expect(thrown(() => verifyAttestation(named))).toBeInstanceOf(UnsupportedAlgorithmError);

  const unsigned = qemuDocument();
  const faults: Array<[string, Buffer]> = [
    ["alg a byte string", qemuDocument({ protectedHeader: Buffer.concat([Buffer.from([0xa1, 0x01]), bytes(Buffer.from([0x20]))]) })],
    ["header not a map", qemuDocument({ protectedHeader: Buffer.from("8101", "hex") })],
    ["header with trailing bytes", qemuDocument({ protectedHeader: Buffer.from("a1012000", "hex") })],
    ["critical parameters", qemuDocument({ protectedHeader: Buffer.from("a20120028101", "hex") })],
    ["signature not a byte string", Buffer.concat([unsigned.subarray(0, unsigned.length - 66), text("x".repeat(64))])],
  ];
  for (const [name, input] of faults) {
    const err = thrown(() => parseAttestation(input));
    if (!(err instanceof AttestationFormatError)) throw new Error(`${name}: expected AttestationFormatError, got ${String(err)}`);
    expect(err.code).toBe("ATTESTATION_FORMAT");
  }
});

test("mutations of a QEMU document parse or fail with AttestationFormatError, and never verify", () => {
  const original = qemuDocument({ userData: Buffer.from("u") });
  const random = rng(FUZZ_SEED + 400);
  const cases = fuzzCases(1000);
  let parsed = 0;
  for (let i = 0; i < cases; i++) {
    const input = mutate(original, random);
    try {
      parseAttestation(input);
      parsed++;
    } catch (e) {
      if (!(e instanceof AttestationFormatError)) throw new Error(`seed ${FUZZ_SEED + 400} case ${i}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
    }
    const err = thrown(() => verifyAttestation(input, { at: "document", allowDebug: true }));
    if (!(err instanceof AttestationError)) throw new Error(`seed ${FUZZ_SEED + 400} case ${i}: verify threw ${String(err)}`);
  }
  expect(parsed).toBeGreaterThan(0);
  expect(parsed).toBeLessThan(cases);
});
