// The simulator CA can be saved and shared: a CA loaded from PEM signs documents that chain to the
// same root; bad PEM is refused with a typed error; the private key never shows in JSON or inspect.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { createSimulatorCa, loadOrCreateSimulatorCa, SimulatorCa } from "../../src/simulator/ca";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { NsmClient } from "../../src/nsm/client";
import { SimulatorCaError } from "../../src/errors";
import { children, content, cose } from "./cbor-skeleton";
import { REQUIRE_TYPESCRIPT } from "../source-in-child";

const ca = createSimulatorCa();

test("the root is a self-signed P-384 CA that openssl accepts", () => {
  const text = execFileSync("openssl", ["x509", "-noout", "-text"], { input: ca.certificatePem, encoding: "utf8" });
  expect(text).toMatch(/NIST CURVE: P-384/);
  expect(text).toMatch(/CA:TRUE/);
  const x = new X509Certificate(ca.certificate);
  expect(x.verify(x.publicKey)).toBe(true);
  expect(x.subject).toBe(x.issuer);
  // default validity: from a day ago for 30 years
  expect(Date.parse(x.validTo) - Date.parse(x.validFrom)).toBe(30 * 365 * 86400000);
});

test("a CA saved with toPem and loaded with fromPem issues chains to the same root", async () => {
  const loaded = SimulatorCa.fromPem(ca.toPem());
  expect(loaded.certificate).toEqual(ca.certificate);
  const doc = await new NsmClient(new SimulatedNsm({ ca: loaded, pcrs: { 0: "11".repeat(48) } })).attestation();
  const other = await new NsmClient(new SimulatedNsm({ ca, pcrs: { 0: "22".repeat(48) } })).attestation();
  for (const d of [doc, other]) {
    const s = cose(d);
    const bundle = children(s.payload, s.fields.get("cabundle")!.item).map((i) => content(s.payload, i));
    expect(bundle[0]).toEqual(ca.certificate);
    // the regional certificate is signed by the shared root's key
    expect(new X509Certificate(bundle[1]!).verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
  }
});

test("loadOrCreateSimulatorCa creates a private file once, then loads it", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-ca-"));
  try {
    const file = join(dir, "ca.pem");
    const a = loadOrCreateSimulatorCa(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = loadOrCreateSimulatorCa(file);
    expect(b.certificate).toEqual(a.certificate);
    expect(readFileSync(file, "utf8")).toMatch(/BEGIN PRIVATE KEY/);
    expect(readdirSync(dir)).toEqual(["ca.pem"]); // no temporary file left behind
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadOrCreateSimulatorCa creates the file's missing folder, private to its owner", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-ca-dir-"));
  try {
    const file = join(dir, ".nitro", "simulator-ca.pem");
    const a = loadOrCreateSimulatorCa(file);
    expect(statSync(join(dir, ".nitro")).mode & 0o777).toBe(0o700);
    expect(loadOrCreateSimulatorCa(file).certificate).toEqual(a.certificate);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("processes starting together end up with one shared CA", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-ca-race-"));
  try {
    const file = join(dir, "ca.pem");
    const src = join(__dirname, "../../src/simulator/index.ts");
    // Four node processes race to create the file; each loads the TypeScript source through @swc/core.
    const script = `${REQUIRE_TYPESCRIPT}
      const { loadOrCreateSimulatorCa } = require(${JSON.stringify(src)});
      process.stdout.write(loadOrCreateSimulatorCa(${JSON.stringify(file)}).certificatePem);
    `;
    const { spawn } = await import("node:child_process");
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", script], { cwd: join(__dirname, "../../../.."), stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
      });
    const roots = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(roots).size).toBe(1);
    expect(roots[0]).toBe(SimulatorCa.fromPem(readFileSync(file, "utf8")).certificatePem);
    expect(readdirSync(dir)).toEqual(["ca.pem"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad PEM is refused with SimulatorCaError", () => {
  const other = createSimulatorCa();
  const certOnly = ca.certificatePem;
  const keyOf = (c: SimulatorCa) => c.toPem().slice(c.certificatePem.length);
  const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  for (const bad of ["", "garbage", certOnly, keyOf(ca), certOnly + keyOf(other), certOnly + p256, ca.toPem() + ca.toPem(), 42 as unknown as string]) {
    expect(() => SimulatorCa.fromPem(bad)).toThrow(SimulatorCaError);
  }
  const corrupted = ca.toPem().replace(/(BEGIN CERTIFICATE-----\n)(.{10})/, "$1AAAAAAAAAA");
  expect(() => SimulatorCa.fromPem(corrupted)).toThrow(SimulatorCaError);
});

test("the CA's private key shows in neither JSON nor util.inspect", () => {
  const pkcs8 = ca.toPem().split("-----BEGIN PRIVATE KEY-----")[1]!.split("-----END")[0]!.replace(/\s+/g, "");
  for (const shown of [JSON.stringify(ca), inspect(ca, { depth: 10, showHidden: true }), JSON.stringify(new SimulatedNsm({ ca })), inspect(new SimulatedNsm({ ca }), { depth: 10 })]) {
    expect(shown).not.toContain(pkcs8.slice(20, 60));
    expect(shown).not.toMatch(/PRIVATE KEY/);
  }
});
