// The NSM commands as users run them (the built bin, spawned) on a simulated NSM: describe-nsm,
// describe-pcr, extend-pcr, lock-pcr and attest, checked against the NSM's documented behaviour
// (ExtendPCR is SHA-384 of the old value and the data, computed here by node:crypto; PCRs 0-15 are
// locked at boot) and an independent CBOR decoder (cbor-x) for the documents. Outside an enclave, the
// commands without --simulate say so in one line. Needs `pnpm build`.
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decoder } from "cbor-x";
import { spawnNitroKms } from "./helpers";

const cbor = new Decoder({ mapsAsObjects: false, int64AsNumber: true } as never);
/** The payload of a COSE_Sign1 attestation document, by cbor-x. */
function payloadOf(document: Uint8Array): Map<string, unknown> {
  const [, , payload] = cbor.decode(document) as [Uint8Array, unknown, Uint8Array, Uint8Array];
  return cbor.decode(payload) as Map<string, unknown>;
}
const hex = (b: unknown) => Buffer.from(b as Uint8Array).toString("hex");
const sha384 = (...parts: Uint8Array[]) => createHash("sha384").update(Buffer.concat(parts)).digest();
const IMAGE = createHash("sha384").update("an enclave image").digest("hex");

let dir: string;
let caFile: string;
beforeAll(() => {
  if (!existsSync(join(__dirname, "../../packages/cli/dist/cjs/cli.js"))) throw new Error("packages/cli is not built: run `pnpm build`");
  dir = mkdtempSync(join(tmpdir(), "nitro-kms-nsm-"));
  caFile = join(dir, "simulator-ca.pem");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sim = (...argv: string[]) => spawnNitroKms([...argv, "--simulate"]);

describe("describe-nsm", () => {
  test("the simulated NSM: 32 PCRs, 0-15 locked at boot, SHA384", () => {
    const r = sim("describe-nsm");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^module id: i-[0-9a-f]{17}-enc[0-9a-f]{16}\nversion: 1\.0\.0\ndigest: SHA384\nPCRs: 32\nlocked PCRs: 0-15\n$/);
    const json = JSON.parse(sim("describe-nsm", "--json").stdout);
    expect(json).toMatchObject({ maxPcrs: 32, digest: "SHA384", lockedPcrs: [...Array(16).keys()] });
  });
});

describe("describe-pcr, extend-pcr, lock-pcr", () => {
  test("a boot PCR given with --pcr reads back, locked", () => {
    const r = sim("describe-pcr", "3", "--pcr", `3=${IMAGE.toUpperCase()}`);
    expect(r).toEqual({ code: 0, stdout: `PCR3: ${IMAGE} (locked)\n`, stderr: "" });
  });

  test("PCR16 starts at zero and is not locked", () => {
    expect(JSON.parse(sim("describe-pcr", "16", "--json").stdout)).toEqual({ index: 16, value: "0".repeat(96), locked: false });
  });

  test("extend-pcr: the new value is SHA-384(old || data)", () => {
    const data = Buffer.from("configuration v1");
    const r = sim("extend-pcr", "16", "--data", data.toString("base64"));
    expect(r).toEqual({ code: 0, stdout: `PCR16: ${sha384(Buffer.alloc(48), data).toString("hex")}\n`, stderr: "" });
  });

  test("extend-pcr on a PCR locked at boot: the NSM's ReadOnlyIndex, exit 255", () => {
    const r = sim("extend-pcr", "2", "--data", "AA==");
    expect(r.code).toBe(255);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("nitro-kms extend-pcr: the PCR is locked and cannot be changed (ReadOnlyIndex)\n");
  });

  test("lock-pcr says so", () => {
    expect(sim("lock-pcr", "20")).toEqual({ code: 0, stdout: "PCR20: locked\n", stderr: "" });
    expect(JSON.parse(sim("lock-pcr", "20", "--json").stdout)).toEqual({ index: 20, locked: true });
  });

  test.each([
    [["describe-pcr", "32"], "nitro-kms describe-pcr: N must be a PCR index from 0 to 31, got '32'"],
    [["describe-pcr", "03"], "nitro-kms describe-pcr: N must be a PCR index from 0 to 31, got '03'"],
    [["describe-pcr"], "nitro-kms describe-pcr: N is missing"],
    [["extend-pcr", "16"], "nitro-kms extend-pcr: --data must be set"],
    [["extend-pcr", "16", "--data", "not base64!"], "nitro-kms extend-pcr: --data must be base64"],
    [["extend-pcr", "16", "--data", ""], "nitro-kms extend-pcr: --data must hold 1 to 4000 bytes, got 0"],
    [["describe-pcr", "1", "--pcr", `16=${IMAGE}`], "nitro-kms describe-pcr: --pcr 16: only PCRs 0-15 are set at boot"],
    [["describe-pcr", "1", "--pcr", `1=${IMAGE}`, "--pcr", `1=${IMAGE}`], "nitro-kms describe-pcr: --pcr 1 is given more than once"],
  ])("%j: one line on stderr, exit 1", (argv, message) => {
    const r = sim(...argv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr.startsWith(message)).toBe(true);
  });

  test("--pcr and --simulator-ca without --simulate are usage errors", () => {
    expect(spawnNitroKms(["describe-pcr", "1", "--pcr", `1=${IMAGE}`])).toMatchObject({ code: 1, stderr: expect.stringContaining("--pcr goes with --simulate") });
    expect(spawnNitroKms(["describe-nsm", "--simulator-ca", caFile])).toMatchObject({ code: 1, stderr: expect.stringContaining("--simulator-ca goes with --simulate") });
  });
});

describe("attest", () => {
  test("the document carries the nonce, user data and public key given, and the --pcr values", () => {
    const nonce = Buffer.from("a fresh nonce");
    const userData = Buffer.from(JSON.stringify({ app: "ledger" }));
    const publicKey = createPublicKey(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey).export({ type: "spki", format: "der" });
    const r = sim("attest", "--nonce", nonce.toString("base64"), "--user-data", userData.toString("base64"), "--public-key", publicKey.toString("base64"), "--pcr", `0=${IMAGE}`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^[A-Za-z0-9+/]+=*\n$/);
    const payload = payloadOf(Buffer.from(r.stdout, "base64"));
    expect(hex(payload.get("nonce"))).toBe(nonce.toString("hex"));
    expect(hex(payload.get("user_data"))).toBe(userData.toString("hex"));
    expect(hex(payload.get("public_key"))).toBe(publicKey.toString("hex"));
    expect(hex((payload.get("pcrs") as Map<number, Uint8Array>).get(0))).toBe(IMAGE);
    expect(payload.get("digest")).toBe("SHA384");
  });

  test("--out writes the document's bytes (the same --simulator-ca signs every time); verify-attestation trusts that CA", () => {
    const out = join(dir, "document.cose");
    const r = sim("attest", "--out", out, "--simulator-ca", caFile, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: out, bytes: statSync(out).size });
    const payload = payloadOf(readFileSync(out));
    expect(payload.get("public_key")).toBeNull();
    expect(readFileSync(caFile, "utf8")).toContain("-----BEGIN PRIVATE KEY-----");
    expect(statSync(caFile).mode & 0o777).toBe(0o600);
    expect(spawnNitroKms(["verify-attestation", out, "--trust-root", caFile, "--max-age", "5m"]).code).toBe(0);
    const again = join(dir, "document.b64");
    writeFileSync(again, sim("attest", "--simulator-ca", caFile).stdout);
    expect(spawnNitroKms(["verify-attestation", again, "--trust-root", caFile]).code).toBe(0);
  });

  test("--out to a folder that does not exist: exit 255, nothing written", () => {
    const r = sim("attest", "--out", join(dir, "absent", "document.cose"));
    expect(r.code).toBe(255);
    expect(r.stderr).toBe(`nitro-kms attest: cannot write ${join(dir, "absent", "document.cose")} (ENOENT)\n`);
  });

  test("a nonce over the NSM's 1024 bytes is a usage error", () => {
    const r = sim("attest", "--nonce", Buffer.alloc(1025).toString("base64"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nitro-kms attest: --nonce must hold 1 to 1024 bytes, got 1025/);
  });
});

(existsSync("/dev/nsm") ? describe.skip : describe)("outside an enclave (no /dev/nsm)", () => {
  test.each([["describe-nsm"], ["describe-pcr", "0"], ["extend-pcr", "16", "--data", "AA=="], ["lock-pcr", "16"], ["attest"]])("%s: one line that says so, exit 255", (...argv) => {
    const r = spawnNitroKms(argv);
    expect(r).toEqual({
      code: 255,
      stdout: "",
      stderr: `nitro-kms ${argv[0]}: not running inside a Nitro Enclave: there is no /dev/nsm (--simulate runs the command on a simulated NSM)\n`,
    });
  });
});
