// Bad arguments to public functions get the package's typed errors (never a TypeError from deep
// inside, never a document that later fails to parse), options are read through own properties
// only, and no function hands out internal state.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format, inspect } from "node:util";
import {
  EnclaveHandle,
  EnvelopeDecryptionError,
  NsmArgumentError,
  NsmClient,
  NsmInternalError,
  NsmNotInEnclaveError,
  SimulatorCaError,
  decryptEnvelopedKey,
  getOrInitializeHandle,
  isDebugMode,
  parseAttestation,
  subjectKeyIdentifierOf,
  verifyAttestation,
} from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa, loadOrCreateSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { openssl } from "./cms/openssl";

const CMS = join(__dirname, "../../../test/vectors/cms/kms-sample-1");
const sample = readFileSync(join(CMS, "ciphertext_for_recipient.der"));
const samplePem = join(CMS, "private_key_pkcs8.pem");
const sampleKey = createPrivateKey(readFileSync(samplePem));
const ca = createSimulatorCa();
const trust = { trustedRoots: [ca.certificate] };
const fakeBytes = () => new Proxy(new Uint8Array(32), {});

async function rejection(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

describe("own properties only", () => {
  const names = ["publicKey", "nonce", "noPublicKey", "transport", "debug", "userData", "0"];
  afterEach(() => {
    for (const name of names) delete (Object.prototype as Record<string, unknown>)[name];
  });
  const pollute = (name: string, value: unknown) => Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });

  test("attest() and recipient() put the handle's key in the document, not an inherited publicKey or nonce", async () => {
    const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
    const attacker = new Uint8Array(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }));
    pollute("publicKey", attacker);
    pollute("nonce", Uint8Array.of(1, 2, 3));
    for (const doc of [await handle.attest(), await handle.attest({}), (await handle.recipient()).AttestationDocument]) {
      const parsed = verifyAttestation(doc, trust);
      expect(parsed.publicKey).toEqual(handle.publicKey);
      expect(parsed.nonce).toBeNull();
    }
    const client = new NsmClient(new SimulatedNsm({ ca }));
    expect(parseAttestation(await client.attestation({})).publicKey).toBeNull();
  });

  test("getOrInitializeHandle() does not run over an inherited transport", async () => {
    pollute("transport", new SimulatedNsm({ ca }));
    await expect(getOrInitializeHandle()).rejects.toBeInstanceOf(NsmNotInEnclaveError);
  });

  test("SimulatedNsm does not read an inherited debug flag or PCR", async () => {
    pollute("debug", true);
    pollute("0", "00".repeat(48));
    const nsm = new SimulatedNsm({ ca, pcrs: {} });
    expect(nsm.debug).toBe(false);
    const doc = verifyAttestation(await new NsmClient(nsm).attestation(), trust);
    expect(isDebugMode(doc)).toBe(false);
    expect(doc.pcrs.get(0)!.some((b) => b !== 0)).toBe(true);
  });
});

test("subjectKeyIdentifierOf: copies, public keys too, typed errors for anything else", () => {
  const fromOpenssl = createHash("sha256").update(openssl(["pkey", "-in", samplePem, "-pubout", "-outform", "DER"])).digest();
  const first = subjectKeyIdentifierOf(sampleKey);
  expect(first).toEqual(fromOpenssl);
  first.fill(0); // a caller writing into the result
  expect(subjectKeyIdentifierOf(sampleKey)).toEqual(fromOpenssl);
  expect(decryptEnvelopedKey(sample, sampleKey)).toHaveLength(32);
  expect(subjectKeyIdentifierOf(createPrivateKey(readFileSync(samplePem)))).toEqual(fromOpenssl);
  const forged = Buffer.from(sample);
  forged.fill(0, forged.indexOf(fromOpenssl), forged.indexOf(fromOpenssl) + 32); // an all-zero identifier
  expect(() => decryptEnvelopedKey(forged, sampleKey)).toThrow(EnvelopeDecryptionError);
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  expect(subjectKeyIdentifierOf(publicKey)).toEqual(createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest());
  for (const bad of [null, "pem", {}, undefined, 7]) expect(() => subjectKeyIdentifierOf(bad as never)).toThrow(NsmArgumentError);
});

test("isDebugMode takes a parsed document", () => {
  for (const bad of [null, {}, { pcrs: {} }, { pcrs: new Map([[0, "00"]]) }, "doc"]) expect(() => isDebugMode(bad as never)).toThrow(NsmArgumentError);
  expect(isDebugMode({ pcrs: new Map([0, 1, 2].map((i) => [i, new Uint8Array(48)])) })).toBe(true);
});

test("createSimulatorCa refuses bad options with SimulatorCaError", () => {
  for (const bad of [{ notBefore: "x" }, null, { commonName: "\uD800" }, { commonName: "" }, { commonName: "a".repeat(65) }, { notBefore: new Date(NaN) }, { notAfter: new Date(Date.UTC(10000, 0, 1)) }, { notBefore: new Date(2030, 0, 1), notAfter: new Date(2029, 0, 1) }, { commonname: "x" }]) {
    expect(() => createSimulatorCa(bad as never)).toThrow(SimulatorCaError);
  }
  const nsm = new SimulatedNsm({ ca: createSimulatorCa({ commonName: "ünïcode root ✓" }) });
  expect(nsm.ca.commonName).toBe("ünïcode root ✓");
});

test("loadOrCreateSimulatorCa refuses a directory or a path under a file with SimulatorCaError", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-ca-path-"));
  try {
    writeFileSync(join(dir, "file"), "x");
    for (const path of [dir, join(dir, "file", "ca.pem"), join(dir, "file"), ""]) expect(() => loadOrCreateSimulatorCa(path)).toThrow(SimulatorCaError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("SimulatedNsm: its own options work and make documents that verify, or are refused", () => {
  test("module ids: a lone surrogate or more than 128 bytes is refused; 128 bytes of other text verifies", async () => {
    for (const moduleId of ["i-\uD800", "i-" + "a".repeat(254), "é".repeat(65), ""]) expect(() => new SimulatedNsm({ ca, moduleId })).toThrow(NsmArgumentError);
    for (const moduleId of ["i-" + "a".repeat(126), "é".repeat(64), "\uFEFFi-abc"]) {
      const doc = verifyAttestation(await new NsmClient(new SimulatedNsm({ ca, moduleId })).attestation(), trust);
      expect(doc.moduleId).toBe(moduleId);
    }
  });

  test.each(["", " 3", "03", "16", "-1", "1.5"])("PCR key %j is refused", (key) => {
    expect(() => new SimulatedNsm({ ca, pcrs: { [key]: "00".repeat(48) } })).toThrow(NsmArgumentError);
  });

  test("a clock that throws or leaves the certificates' range makes the NSM fail with InternalError", async () => {
    for (const clock of [() => 8.64e15, () => { throw new Error("clock broke"); }, () => new Date(NaN), () => -1, () => "now" as never]) {
      await expect(new NsmClient(new SimulatedNsm({ ca, clock })).attestation()).rejects.toBeInstanceOf(NsmInternalError);
    }
  });

  test("unknown and mistyped options are refused", () => {
    for (const bad of [{ debg: true }, { debug: "yes" }, { indefiniteLengthPayload: 1 }, null, 5]) expect(() => new SimulatedNsm(bad as never)).toThrow(NsmArgumentError);
  });
});

test("a Proxy posing as a Uint8Array gets a typed error everywhere", async () => {
  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const client = new NsmClient(new SimulatedNsm({ ca }));
  expect(() => decryptEnvelopedKey(fakeBytes(), sampleKey)).toThrow(EnvelopeDecryptionError);
  expect(() => handle.decryptKMSEnvelopedKey(fakeBytes())).toThrow(EnvelopeDecryptionError);
  for (const call of [() => handle.attest({ nonce: fakeBytes() }), () => handle.recipient({ userData: fakeBytes() }), () => handle.attest({ publicKey: fakeBytes() }), () => client.extendPcr(16, fakeBytes()), () => client.attestation({ nonce: fakeBytes() }), () => client.transport.request(fakeBytes())]) {
    expect(await rejection(call)).toBeInstanceOf(NsmArgumentError);
  }
  expect(() => new SimulatedNsm({ ca, pcrs: { 0: fakeBytes() } })).toThrow(NsmArgumentError);
});

test("the hidden reason of an envelope failure stays out of %o, showHidden and JSON", () => {
  let error: EnvelopeDecryptionError | undefined;
  try {
    decryptEnvelopedKey(Buffer.from("3003020103", "hex"), sampleKey); // a SEQUENCE holding one INTEGER
  } catch (e) {
    error = e as EnvelopeDecryptionError;
  }
  expect(error!.debug).toBe("ContentInfo: expected 2 elements, got 1"); // private logs can read it
  for (const shown of [format("%o", error), format("%O", error), inspect(error, { showHidden: true, depth: Infinity }), JSON.stringify(error), Object.getOwnPropertyNames(error).join()]) {
    expect(shown).not.toContain(error!.debug);
  }
});

test("randomBytes-sized garbage never escapes as an untyped error", () => {
  for (let i = 0; i < 200; i++) {
    const junk = randomBytes(1 + (i % 64));
    expect(() => decryptEnvelopedKey(junk, sampleKey)).toThrow(EnvelopeDecryptionError);
  }
});
