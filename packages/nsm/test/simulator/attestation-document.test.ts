// Simulated attestation documents against the real ones in test/vectors/attestation: same COSE
// framing byte for byte, same payload key order and encodings, and a signature and certificate chain
// that the openssl CLI accepts under the simulator root (and refuses under the AWS root).
import { execFileSync, spawnSync } from "node:child_process";
import { createVerify, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NsmClient } from "../../src/nsm/client";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";
import { content, cose, readItem, children } from "./cbor-skeleton";

const VECTORS = join(__dirname, "../../../../test/vectors");
const real = (name: string) => new Uint8Array(readFileSync(join(VECTORS, "attestation", name)));
const newest = real("real-nsm-attestation-2026-01-03-indefinite-map.cose");
const older = real("evervault_beta_valid-attestation-doc_2022-10-13.cose");
const ca = createSimulatorCa({ notBefore: new Date("2020-01-01T00:00:00Z") });
const T = Date.parse("2026-03-01T12:00:00.123Z");

function simulate(options: ConstructorParameters<typeof SimulatedNsm>[0] = {}) {
  return new NsmClient(new SimulatedNsm({ ca, clock: () => T, ...options }));
}

/** The header bytes of each payload value, with byte-string lengths erased where they vary. */
function payloadShape(doc: Uint8Array) {
  const c = cose(doc);
  return c.keys.map((k) => {
    const { item } = c.fields.get(k)!;
    // byte-string lengths and integer values vary; the header's first byte (major type and size class) must not
    return [k, item.major, item.major === 2 ? "bytes" : item.major === 0 ? item.header.slice(0, 2) : item.header];
  });
}

describe("framing and payload layout match real documents", () => {
  test("COSE_Sign1 untagged, protected a1 01 38 22, unprotected {}, 96-byte raw signature", async () => {
    const doc = await simulate().attestation({ nonce: Uint8Array.of(1, 2, 3) });
    const s = cose(doc);
    const r = cose(newest);
    expect(doc[0]).toBe(0x84);
    expect(doc[0]).toBe(newest[0]);
    expect(Buffer.from(s.protectedBytes).toString("hex")).toBe("a1013822");
    expect(s.protectedBytes).toEqual(r.protectedBytes);
    expect(s.unprotectedHeader).toBe("a0");
    expect(s.unprotectedHeader).toBe(r.unprotectedHeader);
    expect(s.signatureHeader).toBe("5860");
    expect(s.signatureHeader).toBe(r.signatureHeader);
  });

  test("payload: indefinite-length map by default, like the newest real NSM", async () => {
    const doc = await simulate().attestation({ userData: new Uint8Array(20).fill(1) });
    const s = cose(doc);
    expect(s.payload[0]).toBe(0xbf);
    expect(s.payload[s.payload.length - 1]).toBe(0xff);
    expect(s.payloadTop.header).toBe(cose(newest).payloadTop.header);
    // same keys, same order, same value encodings as the real document (which also has only user_data set)
    expect(payloadShape(doc)).toEqual(payloadShape(newest));
  });

  test("payload: definite-length map as an option, like older real NSMs", async () => {
    const doc = await simulate({ indefiniteLengthPayload: false }).attestation({ nonce: new Uint8Array(256) });
    const s = cose(doc);
    expect(s.payloadTop.header).toBe("a9");
    expect(s.payloadTop.header).toBe(cose(older).payloadTop.header);
    expect(payloadShape(doc)).toEqual(payloadShape(older)); // public_key and user_data null, nonce set
  });

  test("every real vector has the key order the simulator writes", async () => {
    const keys = cose(await simulate().attestation()).keys;
    expect(keys).toEqual(["module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle", "public_key", "user_data", "nonce"]);
    for (const f of readdirSync(join(VECTORS, "attestation"))) expect(cose(real(f)).keys).toEqual(keys);
  });

  test("fields: timestamp in ms as an 8-byte integer, pcrs 0-15 of 48 bytes, four CA certificates, nulls", async () => {
    const pcr0 = new Uint8Array(48).fill(0x42);
    const doc = await simulate({ pcrs: { 0: pcr0 }, moduleId: "i-0123456789abcdef0-enc0123456789abcdef" }).attestation();
    const s = cose(doc);
    const p = s.payload;
    const f = (k: string) => s.fields.get(k)!.item;
    expect(Buffer.from(content(p, f("module_id"))).toString()).toBe("i-0123456789abcdef0-enc0123456789abcdef");
    expect(Buffer.from(content(p, f("digest"))).toString()).toBe("SHA384");
    expect(f("timestamp").header).toBe("1b" + T.toString(16).padStart(16, "0"));
    expect(f("timestamp").header.slice(0, 2)).toBe(cose(newest).fields.get("timestamp")!.item.header.slice(0, 2));
    const pcrs = children(p, f("pcrs"));
    expect(f("pcrs").header).toBe("b0");
    expect(pcrs.filter((_, i) => i % 2 === 0).map((k) => k.arg)).toEqual([...Array(16).keys()]);
    expect(pcrs.filter((_, i) => i % 2 === 1).every((v) => v.header === "5830")).toBe(true);
    expect(content(p, pcrs[1]!)).toEqual(pcr0);
    expect(f("cabundle").header).toBe("84");
    for (const k of ["public_key", "user_data", "nonce"]) expect(f(k).header).toBe("f6");
  });

  test("locked PCRs beyond 15 are reported too", async () => {
    const c = simulate();
    await c.extendPcr(16, Uint8Array.of(1));
    await c.lockPcr(16);
    const s = cose(await c.attestation());
    expect(s.fields.get("pcrs")!.item.header).toBe("b1");
  });

  test("debug mode: PCR0-2 are zeros in the document", async () => {
    const s = cose(await simulate({ debug: true }).attestation());
    const pcrs = children(s.payload, s.fields.get("pcrs")!.item);
    for (const i of [0, 1, 2]) expect(content(s.payload, pcrs[2 * i + 1]!)).toEqual(new Uint8Array(48));
  });
});

describe("signature and chain, checked with node's X509 and the openssl CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-sim-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pem = (der: Uint8Array) => new X509Certificate(der).toString();

  function parts(doc: Uint8Array) {
    const s = cose(doc);
    const leaf = content(s.payload, s.fields.get("certificate")!.item);
    const bundle = children(s.payload, s.fields.get("cabundle")!.item).map((i) => content(s.payload, i));
    return { s, leaf, bundle };
  }

  function opensslVerify(rootPem: string, bundle: Uint8Array[], leaf: Uint8Array, atSeconds: number) {
    writeFileSync(join(dir, "root.pem"), rootPem);
    writeFileSync(join(dir, "untrusted.pem"), bundle.slice(1).map(pem).join(""));
    writeFileSync(join(dir, "leaf.pem"), pem(leaf));
    return spawnSync("openssl", ["verify", "-attime", String(atSeconds), "-CAfile", join(dir, "root.pem"), "-untrusted", join(dir, "untrusted.pem"), join(dir, "leaf.pem")], { encoding: "utf8" });
  }

  test("the signature is ES384 over Sig_structure [\"Signature1\", protected, h'', payload]", async () => {
    const doc = await simulate().attestation({ nonce: Uint8Array.of(7) });
    const { s, leaf } = parts(doc);
    // Sig_structure written out by hand: array(4), text(10) "Signature1", bytes(4) a1013822, bytes(0), bytes(payload)
    const payloadHeader = s.payload.length < 0x10000 ? Buffer.from([0x59, s.payload.length >> 8, s.payload.length & 0xff]) : Buffer.alloc(0);
    const toBeSigned = Buffer.concat([Buffer.from("846a" + Buffer.from("Signature1").toString("hex") + "44a1013822" + "40", "hex"), payloadHeader, s.payload]);
    const ok = createVerify("sha384").update(toBeSigned).verify({ key: new X509Certificate(leaf).publicKey, dsaEncoding: "ieee-p1363" }, s.signature);
    expect(ok).toBe(true);
  });

  test("the same openssl check accepts a real document's chain under the AWS root at its time", () => {
    const { leaf, bundle } = parts(newest);
    const r = opensslVerify(readFileSync(join(VECTORS, "aws-root/AWS_NitroEnclaves_Root-G1.pem"), "utf8"), bundle, leaf, 1767472867);
    expect(r.stdout + r.stderr).toMatch(/leaf\.pem: OK/);
  });

  test("openssl verifies the chain under the simulator root at the document's time, and not under the AWS root", async () => {
    const doc = await simulate().attestation();
    const { leaf, bundle } = parts(doc);
    expect(bundle[0]).toEqual(ca.certificate);
    const at = Math.floor(T / 1000);
    const good = opensslVerify(ca.certificatePem, bundle, leaf, at);
    expect(good.stdout + good.stderr).toMatch(/leaf\.pem: OK/);
    const aws = opensslVerify(readFileSync(join(VECTORS, "aws-root/AWS_NitroEnclaves_Root-G1.pem"), "utf8"), bundle, leaf, at);
    expect(aws.status).not.toBe(0);
    // the leaf lives 3 hours
    const late = opensslVerify(ca.certificatePem, bundle, leaf, at + 3 * 3600 + 5);
    expect(late.status).not.toBe(0);
    expect(late.stdout + late.stderr).toMatch(/expired/);
  });

  test("certificates look like AWS's: P-384, ecdsa-with-SHA384, pathLens 2/1/0, leaf CA:FALSE with digitalSignature", async () => {
    const { leaf, bundle } = parts(await simulate().attestation());
    const text = (der: Uint8Array) => execFileSync("openssl", ["x509", "-noout", "-text"], { input: pem(der), encoding: "utf8" });
    const [root, regional, zonal, instance] = bundle.map(text);
    const leafText = text(leaf);
    for (const t of [root!, regional!, zonal!, instance!, leafText]) {
      expect(t).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
      expect(t).toMatch(/NIST CURVE: P-384/);
    }
    expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE\s/);
    expect(root).not.toMatch(/pathlen/);
    expect(regional).toMatch(/CA:TRUE, pathlen:2/);
    expect(zonal).toMatch(/CA:TRUE, pathlen:1/);
    expect(instance).toMatch(/CA:TRUE, pathlen:0/);
    expect(instance).toMatch(/Key Usage: critical\s+Certificate Sign/);
    for (const t of [regional!, zonal!]) expect(t).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(leafText).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(leafText).toMatch(/Key Usage:\s+Digital Signature, Non Repudiation/);
    const validity = (t: string) => [/Not Before: (.*)/, /Not After : (.*)/].map((re) => Date.parse(re.exec(t)![1]!));
    const [nb, na] = validity(leafText);
    expect(na! - nb!).toBe(3 * 3600 * 1000);
    expect(nb!).toBeLessThanOrEqual(T);
    const lifetimes = [regional!, zonal!, instance!].map((t) => { const [a, b] = validity(t); return (b! - a!) / 86400000; });
    expect(lifetimes).toEqual([20, 6, 1]);
  });

  test("intermediates are re-issued as the clock moves on, so documents keep verifying", async () => {
    let now = T;
    const c = new NsmClient(new SimulatedNsm({ ca, clock: () => now }));
    const first = parts(await c.attestation());
    now = T + 30 * 86400000; // past the regional certificate's 20 days
    const later = parts(await c.attestation());
    expect(later.bundle[1]).not.toEqual(first.bundle[1]);
    expect(opensslVerify(ca.certificatePem, later.bundle, later.leaf, Math.floor(now / 1000)).status).toBe(0);
    // a clock that goes back is handled too
    now = T - 10 * 86400000;
    const earlier = parts(await c.attestation());
    expect(opensslVerify(ca.certificatePem, earlier.bundle, earlier.leaf, Math.floor(now / 1000)).status).toBe(0);
  });

  test("the document parses as CBOR to the end (no trailing bytes) and the walker agrees with the real vectors", () => {
    for (const f of readdirSync(join(VECTORS, "attestation"))) expect(readItem(real(f), 0).end).toBe(real(f).length);
  });
});
