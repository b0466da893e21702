// Validly signed documents from an openssl-made PKI, each wrong in one precise way, to show that
// every field rule and every certificate rule is enforced, with the right error class.
import {
  AttestationFormatError,
  AttestationSignatureError,
  CertificateChainError,
  UntrustedRootError,
  verifyAttestation,
  type VerifyAttestationOptions,
} from "@nitro-enclaves-sdk/nsm";
import { TestPki, cbor, coseSign1, encodePayload, realisticPayload, type Issued, type Payload } from "./test-pki.js";
import { thrown } from "./thrown.js";

let pki: TestPki;
let root: Issued;
let inter: Issued;
let leaf: Issued;
let trust: VerifyAttestationOptions;

beforeAll(() => {
  pki = new TestPki();
  root = pki.root("root");
  inter = pki.issue("inter", root, "inter");
  leaf = pki.issue("leaf", inter, "leaf");
  trust = { trustedRoots: [root.der], at: "document", allowDebug: true };
});
afterAll(() => pki.cleanup());

function document(edit?: (p: Payload) => void, o: { indefinite?: boolean; tagged?: boolean } = {}): Buffer {
  const payload = realisticPayload([root, inter], leaf);
  edit?.(payload);
  return coseSign1(encodePayload(payload, o.indefinite), leaf.key, { tagged: o.tagged });
}

describe("well-formed documents from a trusted test root", () => {
  test("verify with definite and indefinite maps, tagged and untagged", () => {
    for (const indefinite of [false, true]) for (const tagged of [false, true]) expect(verifyAttestation(document(undefined, { indefinite, tagged }), trust).moduleId).toMatch(/^i-/);
  });

  test("are refused under the default trust (the AWS root)", () => {
    expect(thrown(() => verifyAttestation(document(), { at: "document" }))).toBeInstanceOf(UntrustedRootError);
  });

  test("optional fields up to 1024 bytes are accepted, empty ones read as null", () => {
    const doc = verifyAttestation(
      document((p) => {
        p.set("public_key", Buffer.alloc(1024, 1));
        p.set("user_data", Buffer.alloc(0));
        p.set("nonce", Buffer.alloc(1024, 2));
      }),
      trust,
    );
    expect(doc.publicKey).toHaveLength(1024);
    expect(doc.userData).toBeNull();
    expect(doc.nonce).toHaveLength(1024);
  });

  test("the signature covers the payload bytes as sent: a non-shortest encoding verifies, a re-encoding does not", () => {
    const payload = realisticPayload([root, inter], leaf);
    // module_id with a 2-byte length head where 1 byte would do: valid CBOR, not canonical.
    const moduleId = "i-0123456789abcdef0-enc0123456789abcdef";
    const unusual = Buffer.concat([
      Buffer.from([0xa9]),
      cbor("module_id"),
      Buffer.from([0x79, 0x00, moduleId.length]),
      Buffer.from(moduleId),
      ...[...payload].slice(1).flatMap(([k, v]) => [cbor(k), cbor(v)]),
    ]);
    expect(verifyAttestation(coseSign1(unusual, leaf.key), trust).moduleId).toBe(moduleId);
    // Signed over the canonical re-encoding, sent in the unusual encoding: must fail.
    const signedCanonical = coseSign1(unusual, leaf.key, { signedPayload: encodePayload(payload) });
    expect(thrown(() => verifyAttestation(signedCanonical, trust))).toBeInstanceOf(AttestationSignatureError);
  });
});

describe("field rules (each document validly signed)", () => {
  const cases: Array<[string, (p: Payload) => void]> = [
    ["module_id missing", (p) => p.delete("module_id")],
    ["module_id empty", (p) => p.set("module_id", "")],
    ["module_id not text", (p) => p.set("module_id", 7)],
    ["digest SHA256", (p) => p.set("digest", "SHA256")],
    ["timestamp 0", (p) => p.set("timestamp", 0)],
    ["timestamp negative", (p) => p.set("timestamp", -5)],
    ["timestamp text", (p) => p.set("timestamp", "2024-01-01")],
    ["timestamp float", (p) => p.set("timestamp", 1.5)],
    ["pcrs empty", (p) => p.set("pcrs", new Map())],
    ["pcrs 33 entries", (p) => p.set("pcrs", new Map(Array.from({ length: 33 }, (_, i) => [i, Buffer.alloc(48)])))],
    ["pcr index 32", (p) => (p.get("pcrs") as Map<number, Buffer>).set(32, Buffer.alloc(48))],
    ["pcr index text", (p) => p.set("pcrs", new Map([["0", Buffer.alloc(48)]]))],
    ["pcr of 47 bytes", (p) => (p.get("pcrs") as Map<number, Buffer>).set(3, Buffer.alloc(47))],
    ["pcrs not a map", (p) => p.set("pcrs", [Buffer.alloc(48)])],
    ["certificate missing", (p) => p.delete("certificate")],
    ["certificate of 1025 bytes", (p) => p.set("certificate", Buffer.alloc(1025))],
    ["cabundle empty", (p) => p.set("cabundle", [])],
    ["cabundle not an array", (p) => p.set("cabundle", root.der)],
    ["cabundle entry not bytes", (p) => p.set("cabundle", ["root"])],
    ["public_key of 1025 bytes", (p) => p.set("public_key", Buffer.alloc(1025))],
    ["user_data of 1025 bytes", (p) => p.set("user_data", Buffer.alloc(1025))],
    ["nonce text", (p) => p.set("nonce", "nonce")],
  ];
  test.each(cases)("%s -> AttestationFormatError", (_name, edit) => {
    expect(thrown(() => verifyAttestation(document(edit), trust))).toBeInstanceOf(AttestationFormatError);
  });

  test("keys the specification does not define are ignored (signed, so harmless; leaves room for new NSM fields)", () => {
    expect(verifyAttestation(document((p) => p.set("future_field", Buffer.from("x")).set(1, "y")), trust).moduleId).toMatch(/^i-/);
  });

  test("a duplicated key is refused (two readers could disagree on the value)", () => {
    const payload = realisticPayload([root, inter], leaf);
    const entries = [...payload].flatMap(([k, v]) => [cbor(k), cbor(v)]);
    const bytes = Buffer.concat([Buffer.from([0xbf]), ...entries, cbor("nonce"), cbor(Buffer.from("second")), Buffer.from([0xff])]);
    expect(thrown(() => verifyAttestation(coseSign1(bytes, leaf.key), trust))).toBeInstanceOf(AttestationFormatError);
  });

  test("a payload that is not a map, or carries a tag, is refused", () => {
    expect(thrown(() => verifyAttestation(coseSign1(cbor([1, 2]), leaf.key), trust))).toBeInstanceOf(AttestationFormatError);
    const tagged = Buffer.concat([Buffer.from([0xd9, 0x01, 0x03]), encodePayload(realisticPayload([root, inter], leaf))]);
    expect(thrown(() => verifyAttestation(coseSign1(tagged, leaf.key), trust))).toBeInstanceOf(AttestationFormatError);
  });

  test("a protected header other than {1: -35}, or listing critical parameters, is refused", () => {
    const payload = encodePayload(realisticPayload([root, inter], leaf));
    expect(thrown(() => verifyAttestation(coseSign1(payload, leaf.key, { protectedHeader: cbor(new Map([[1, -7]])) }), trust))).toBeInstanceOf(AttestationFormatError);
    expect(thrown(() => verifyAttestation(coseSign1(payload, leaf.key, { protectedHeader: cbor(new Map<number, unknown>([[1, -35], [2, [1]]])) }), trust))).toBeInstanceOf(AttestationFormatError);
  });
});

describe("certificate rules", () => {
  function chainDocument(chain: Issued[], signer: Issued): Buffer {
    return coseSign1(encodePayload(realisticPayload(chain, signer)), signer.key);
  }
  function expectChainError(chain: Issued[], signer: Issued, message: RegExp) {
    const err = thrown(() => verifyAttestation(chainDocument(chain, signer), { ...trust, trustedRoots: [chain[0].der] }));
    expect(err).toBeInstanceOf(CertificateChainError);
    expect((err as Error).message).toMatch(message);
  }

  test("a leaf directly under the root verifies (cabundle of one)", () => {
    const direct = pki.issue("direct-leaf", root, "leaf");
    verifyAttestation(chainDocument([root], direct), trust);
  });
  test("leaf without digitalSignature", () => expectChainError([root, inter], pki.issue("leaf-no-ds", inter, "leaf_no_digitalsignature"), /digitalSignature/));
  test("leaf that is a CA", () => expectChainError([root, inter], pki.issue("leaf-ca", inter, "leaf_ca"), /CA certificate|allows 0/));
  test("leaf with an unknown critical extension", () => expectChainError([root, inter], pki.issue("leaf-crit", inter, "leaf_unknown_critical"), /critical extension/));
  test("intermediate without keyCertSign", () => {
    const bad = pki.issue("inter-no-certsign", root, "inter_no_certsign");
    expectChainError([root, bad], pki.issue("leaf-under-no-certsign", bad, "leaf"), /keyCertSign/);
  });
  test("intermediate that is not a CA", () => {
    const bad = pki.issue("inter-not-ca", root, "inter_not_ca");
    expectChainError([root, bad], pki.issue("leaf-under-not-ca", bad, "leaf"), /not a CA/);
  });
  test("a path longer than the root's pathLen allows", () => {
    const shortRoot = pki.root("short-root", "root_pathlen0");
    const i = pki.issue("inter-under-short", shortRoot, "inter");
    expectChainError([shortRoot, i], pki.issue("leaf-under-short", i, "leaf"), /allows 0/);
  });
  test("an intermediate's pathLen 0 forbids another CA below it", () => {
    const i2 = pki.issue("inter2", inter, "inter");
    expectChainError([root, inter, i2], pki.issue("leaf-under-i2", i2, "leaf"), /allows 0/);
  });
  test("a certificate signed by an impostor CA with the issuer's name", () => {
    const impostorRoot = pki.root("root"); // same subject name, other key (overwrites the files, not `root`)
    const impostor = pki.issue("inter", impostorRoot, "inter");
    expectChainError([root, impostor], pki.issue("leaf-under-impostor", impostor, "leaf"), /not signed by|not issued by/);
  });
  test("a leaf whose key is not P-384", () => {
    const p256 = pki.issue("leaf-p256", inter, "leaf", "P-256");
    const payload = encodePayload(realisticPayload([root, inter], p256));
    const cose = cbor([Buffer.from("a1013822", "hex"), new Map(), payload, Buffer.alloc(96, 1)]);
    const err = thrown(() => verifyAttestation(cose, trust));
    expect(err).toBeInstanceOf(CertificateChainError);
    expect((err as Error).message).toMatch(/P-384/);
  });
  test("a document signed by a key other than the leaf's", () => {
    const other = pki.issue("other-leaf", inter, "leaf");
    const doc = coseSign1(encodePayload(realisticPayload([root, inter], leaf)), other.key);
    expect(thrown(() => verifyAttestation(doc, trust))).toBeInstanceOf(AttestationSignatureError);
  });
});
