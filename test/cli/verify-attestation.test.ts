// verify-attestation as users run it, on the real NSM documents in test/vectors/attestation at their own
// time, their fields compared with an independent CBOR decoder (cbor-x) and the vectors' README; and the
// checks it is asked to make (PCRs, nonce, age, debug mode, trust roots), each failure exit 2 with one line.
// Needs `pnpm build`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decoder } from "cbor-x";
import { spawnNitroKms } from "./helpers";

const VECTORS = join(__dirname, "../vectors");
const cbor = new Decoder({ mapsAsObjects: false, int64AsNumber: true } as never);
function payloadOf(document: Uint8Array): Map<string, unknown> {
  const [, , payload] = cbor.decode(document) as [Uint8Array, unknown, Uint8Array, Uint8Array];
  return cbor.decode(payload) as Map<string, unknown>;
}
const b64OrNull = (v: unknown) => (v === null || (v as Uint8Array).length === 0 ? null : Buffer.from(v as Uint8Array).toString("base64"));

// From test/vectors/README.md.
const DOCUMENTS = [
  { file: "blocky_nitro_attestation.cose", timestamp: "2024-09-07T14:37:39.545Z", debug: false },
  { file: "blocky_nitro_attestation_debug.cose", timestamp: "2024-09-07T14:38:06.508Z", debug: true },
  { file: "capeprivacy_cape-js_isomorphic_attestation_2022-07-14.cose", timestamp: "2022-07-14T20:46:07.740Z", debug: true },
  { file: "evervault_beta_valid-attestation-doc_2022-10-13.cose", timestamp: "2022-10-13T08:58:02.136Z", debug: false },
  { file: "real-nsm-attestation-2026-01-03-indefinite-map.cose", timestamp: "2026-01-03T20:41:07.402Z", debug: false },
].map((d) => ({ ...d, path: join(VECTORS, "attestation", d.file) }));
const BLOCKY = DOCUMENTS[0];
const AWS_ROOT = join(VECTORS, "aws-root", "AWS_NitroEnclaves_Root-G1.pem");

let dir: string;
beforeAll(() => {
  if (!existsSync(join(__dirname, "../../packages/cli/dist/cjs/cli.js"))) throw new Error("packages/cli is not built: run `pnpm build`");
  dir = mkdtempSync(join(tmpdir(), "nitro-kms-verify-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verify = (...argv: string[]) => spawnNitroKms(["verify-attestation", ...argv]);
const failure = (r: { code: number; stdout: string; stderr: string }, message: string) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe(`nitro-kms verify-attestation: not verified: ${message}\n`);
};

describe.each(DOCUMENTS)("$file at its own time", (doc) => {
  const debug = doc.debug ? ["--allow-debug"] : [];

  test("verifies; the fields are the document's (cbor-x) and the timestamp the README's", () => {
    const r = verify(doc.path, "--at", "document", "--json", ...debug);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const printed = JSON.parse(r.stdout);
    const payload = payloadOf(readFileSync(doc.path));
    expect(printed.verified).toBe(true);
    expect(printed.timestamp).toBe(doc.timestamp);
    expect(printed.moduleId).toBe(payload.get("module_id"));
    const pcrs = payload.get("pcrs") as Map<number, Uint8Array>;
    expect(printed.pcrs).toEqual(Object.fromEntries([...pcrs].map(([i, v]) => [String(i), Buffer.from(v).toString("hex")])));
    expect(printed.publicKey).toBe(b64OrNull(payload.get("public_key")));
    expect(printed.userData).toBe(b64OrNull(payload.get("user_data")));
    expect(printed.nonce).toBe(b64OrNull(payload.get("nonce")));
    expect(printed.root).toContain("CN=aws.nitro-enclaves");
    // The leaf lives 3 hours from about the document's time.
    expect(Date.parse(printed.chainValidity.notBefore)).toBeLessThanOrEqual(Date.parse(doc.timestamp));
    expect(Date.parse(printed.chainValidity.notAfter)).toBeGreaterThan(Date.parse(doc.timestamp));
  });

  test("the same with the AWS root given as --trust-root, at an explicit time a minute later", () => {
    const later = new Date(Date.parse(doc.timestamp) + 60_000).toISOString();
    expect(verify(doc.path, "--trust-root", AWS_ROOT, "--at", later, "--max-age", "2m", ...debug).code).toBe(0);
    failure(
      verify(doc.path, "--at", later, "--max-age", "30s", ...debug),
      `the document's timestamp ${doc.timestamp} is 60000 ms from the verification time ${later}; at most 30000 ms allowed`,
    );
  });

  test("fails today: its certificates have expired (exit 2, with a hint)", () => {
    const r = verify(doc.path, ...debug);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nitro-kms verify-attestation: not verified: .*expired.* \(--at document checks an archived document at its own time\)\n$/);
  });

  if (doc.debug) {
    test("a debug-mode enclave is refused without --allow-debug", () => {
      failure(verify(doc.path, "--at", "document"), "the enclave runs in debug mode (PCR0, PCR1 and PCR2 are zero); --allow-debug accepts it");
    });
  }
});

describe("expectations", () => {
  const pcrs = () => payloadOf(readFileSync(BLOCKY.path)).get("pcrs") as Map<number, Uint8Array>;
  const hexOf = (i: number) => Buffer.from(pcrs().get(i)!).toString("hex");

  test("--pcr: matching values pass, the text output lists them", () => {
    const r = verify(BLOCKY.path, "--at", "document", "--pcr", `0=${hexOf(0)}`, "--pcr", `4=${hexOf(4).toUpperCase()}`);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain(`\nPCR0: ${hexOf(0)}\n`);
    expect(r.stdout).toMatch(/^verified: signature, certificate chain to .*CN=aws\.nitro-enclaves, validity\n/);
    expect(r.stdout).toContain(`\ntimestamp: ${BLOCKY.timestamp}\n`);
  });

  test("--pcr: a different value fails, naming the PCR", () => {
    const r = verify(BLOCKY.path, "--at", "document", "--pcr", `2=${"ab".repeat(48)}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nitro-kms verify-attestation: not verified: .*PCR2/);
  });

  test("--nonce: the document's passes, another fails", () => {
    const nonce = Buffer.from(payloadOf(readFileSync(BLOCKY.path)).get("nonce") as Uint8Array).toString("base64");
    expect(verify(BLOCKY.path, "--at", "document", "--nonce", nonce).code).toBe(0);
    failure(verify(BLOCKY.path, "--at", "document", "--nonce", "AAAA"), "the attestation document's nonce does not match the expected nonce");
  });

  test("the base64 text of a document verifies as its bytes do", () => {
    const file = join(dir, "blocky.b64");
    writeFileSync(file, `${readFileSync(BLOCKY.path).toString("base64")}\n`);
    expect(verify(file, "--at", "document").code).toBe(0);
  });

  test("a root that did not issue the document: untrusted", () => {
    const other = join(dir, "other-root.pem");
    const ca = spawnNitroKms(["attest", "--simulate", "--simulator-ca", other]);
    expect(ca.code).toBe(0);
    failure(verify(BLOCKY.path, "--at", "document", "--trust-root", other), "the document's root certificate (cabundle[0]) is not a trusted root");
  });

  test("a changed byte in the signed payload: not verified", () => {
    const bytes = Buffer.from(readFileSync(BLOCKY.path));
    const at = bytes.indexOf(Buffer.from("module_id")) + 12;
    bytes[at] ^= 1;
    const file = join(dir, "tampered.cose");
    writeFileSync(file, bytes);
    const r = verify(file, "--at", "document");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nitro-kms verify-attestation: not verified: /);
  });
});

describe("usage errors and unreadable files: exit 1", () => {
  test.each([
    [["--at", "yesterday"], "--at must be document, now or a time such as 2024-09-07T15:00:00Z, got 'yesterday'"],
    [["--max-age", "5"], "--max-age must be a whole number with a unit (ms, s, m, h or d), such as 5m, got '5'"],
    [["--at", "document", "--max-age", "5m"], "--max-age cannot go with --at document"],
    [["--pcr", "0=abc"], "--pcr 0=... must be 96 hex digits"],
    [["--nonce", "%%"], "--nonce must be base64"],
    [["--trust-root", "/nonexistent.pem"], "/nonexistent.pem: cannot read it (ENOENT)"],
  ])("%j", (args, message) => {
    const r = verify(BLOCKY.path, ...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith(`nitro-kms verify-attestation: ${message}`)).toBe(true);
  });

  test("a file that is not an attestation document", () => {
    const file = join(dir, "not-a-document.bin");
    writeFileSync(file, Buffer.from([0xa0, 0x01, 0x02]));
    const r = verify(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^nitro-kms verify-attestation: ${file}: not an NSM attestation document \\(`));
  });

  test("a trust root file without a certificate", () => {
    const file = join(dir, "not-a-root.pem");
    writeFileSync(file, "hello\n");
    expect(verify(BLOCKY.path, "--trust-root", file).stderr).toBe(`nitro-kms verify-attestation: ${file}: holds no PEM certificate and is not a DER certificate\n`);
  });
});
