// nitro-kms as users run it: the built bin spawned with node, its stdout, stderr and exit code. The exit
// codes are kmstool_enclave_cli's (0 success, 1 usage error, 255 failure) plus 2 for an answer of "no".
// Needs `pnpm build` (pnpm test runs it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultKeyPolicy } from "@nitro-enclaves-sdk/kms-local";
import { parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { imagePcrs, nitroKms, spawnNitroKms, writeNitroCliMeasurements } from "./helpers";

const ROLE = "arn:aws:iam::111122223333:role/enclave-parent";
const ADMIN = "arn:aws:iam::111122223333:role/key-admin";
const PCRS = imagePcrs("command line");
let dir: string;

const lines = (text: string) => text.split("\n").filter(Boolean);
/** A usage error or failure: nothing on stdout, one line on stderr. */
const oneLineError = (r: { stdout: string; stderr: string }, prefix: string) => {
  expect(r.stdout).toBe("");
  expect(lines(r.stderr)).toHaveLength(1);
  expect(r.stderr.startsWith(prefix)).toBe(true);
};

beforeAll(() => {
  if (!existsSync(join(__dirname, "../../packages/cli/dist/cjs/cli.js"))) throw new Error("packages/cli is not built: run `pnpm build`");
  dir = mkdtempSync(join(tmpdir(), "nitro-kms-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the dispatcher", () => {
  test("no arguments: the usage on stderr, exit 1", () => {
    const r = spawnNitroKms([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^usage: nitro-kms <command>/);
  });

  test("--help lists every command and the exit codes, exit 0", () => {
    const r = spawnNitroKms(["--help"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const commands = ["decrypt", "genkey", "genrandom", "genkeypair", "derive-shared-secret", "encrypt", "attest", "describe-nsm", "describe-pcr", "extend-pcr", "lock-pcr", "verify-attestation", "doctor", "policy generate", "policy lint", "policy simulate"];
    for (const name of commands) expect(r.stdout).toContain(`\n  ${name} `);
    expect(r.stdout).toMatch(/Exit codes: 0 success; 1 usage error.*\n.*255/);
  });

  test("a group without its subcommand: the group's commands on stderr, exit 1; with --help on stdout, exit 0", () => {
    const bare = spawnNitroKms(["policy"]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("policy lint");
    const help = spawnNitroKms(["policy", "--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("policy simulate");
  });

  test.each([
    [["frobnicate"], "nitro-kms: unknown command 'frobnicate' (see 'nitro-kms --help')"],
    [["policy", "frobnicate"], "nitro-kms policy: unknown command 'frobnicate' (see 'nitro-kms policy --help')"],
  ])("%j: one line on stderr, exit 1", (argv, message) => {
    const r = spawnNitroKms(argv);
    expect(r.code).toBe(1);
    oneLineError(r, message);
  });

  test.each([
    ["policy generate"], ["policy lint"], ["policy simulate"], ["decrypt"], ["genkey"], ["genrandom"], ["genkeypair"], ["derive-shared-secret"], ["encrypt"],
    ["attest"], ["describe-nsm"], ["describe-pcr"], ["extend-pcr"], ["lock-pcr"], ["verify-attestation"], ["doctor"],
  ])("%s --help (and -h): its usage and exit codes on stdout, exit 0", (name) => {
    for (const flag of ["--help", "-h"]) {
      const r = spawnNitroKms([...name.split(" "), flag]);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(r.stdout).toMatch(new RegExp(`^usage: nitro-kms ${name} `));
      expect(r.stdout).toMatch(/Exit codes: 0 /);
    }
  });

  test.each([
    [["genrandom", "-l", "8", "-k", "a", "-s", "b", "--endpoint", "https://127.0.0.1:1"], ["client-kms"], ["simulator", "pkijs", "asn1js", "kms-local"]],
    [["genrandom", "-l", "8", "-k", "a", "-s", "b", "--endpoint", "http://127.0.0.1:1", "--simulate"], ["client-kms", "simulator", "pkijs"], ["kms-local"]],
    [["verify-attestation", join(__dirname, "../vectors/attestation/blocky_nitro_attestation.cose"), "--at", "document"], ["nsm"], ["client-kms", "enclave", "simulator", "pkijs", "kms-local"]],
    [["policy", "lint", "--help"], ["kms-local"], ["client-kms", "enclave", "simulator"]],
  ])("start-up loads only what the command uses: %j", (argv, loaded, notLoaded) => {
    const script = `const cli = require(${JSON.stringify(join(__dirname, "../../packages/cli/dist/cjs/cli.js"))});
cli.main(${JSON.stringify(argv)}, { out() {}, err() {} }).then(() => process.stdout.write(JSON.stringify(Object.keys(require.cache))));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, HTTPS_PROXY: "" } });
    const modules = (JSON.parse(r.stdout) as string[]).map((m) => m.replace(/\\/g, "/"));
    const has = (name: string) => modules.some((m) => m.includes(`/${name}/`) || m.includes(`/packages/${name}/dist/`));
    for (const name of loaded) expect([name, has(name)]).toEqual([name, true]);
    for (const name of notLoaded) expect([name, has(name)]).toEqual([name, false]);
  });

  test("an unexpected failure inside a command exits 255 with one line", async () => {
    let stderr = "";
    const code = await (await import("@nitro-enclaves-sdk/cli")).main(["policy", "generate", "--help"], {
      out: () => {
        throw new Error("stdout is gone");
      },
      err: (t) => void (stderr += t),
    });
    expect(code).toBe(255);
    expect(stderr).toBe("nitro-kms policy generate: unexpected failure: stdout is gone\n");
  });
});

describe("policy generate", () => {
  test("writes the policy on stdout, nothing on stderr, exit 0", () => {
    const r = spawnNitroKms(["policy", "generate", "--pcr0", PCRS[0], "--enclave-role", ROLE, "--admin", ADMIN, "--json"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(r.stdout).Statement.map((s: { Sid: string }) => s.Sid)).toContain("EnclaveUseImage");
  });

  test.each([
    [["--pcr0", "abc"], "nitro-kms policy generate: --pcr0 must be 96 hex digits (a SHA-384 measurement), got 3 hex digits"],
    [["--pcr0", PCRS[0].replace(/.$/, "z")], "nitro-kms policy generate: --pcr0 must be 96 hex digits"],
    [["--pcr0", PCRS[0], "--pcr", "9=" + PCRS[1]], "nitro-kms policy generate: image 1 (Image): PCR9 is never set by the NSM"],
    [["--pcr0", PCRS[0], "--pcr", "1"], "nitro-kms policy generate: --pcr must be N=HEX"],
    [["--pcr0", PCRS[0], "--account", "12"], "nitro-kms policy generate: --account must be a 12-digit account id"],
    [["--pcr0", PCRS[0], "--encryption-context", "novalue"], "nitro-kms policy generate: --encryption-context must be KEY=VALUE"],
    [["--measurements", "/nonexistent/x86.json"], "nitro-kms policy generate: /nonexistent/x86.json: cannot read it (ENOENT)"],
    [["--pcr0", PCRS[0], "--pcr0", PCRS[1]], "nitro-kms policy generate: --pcr0 was given more than once (see 'nitro-kms policy generate --help')"],
    [["--pcr0"], "nitro-kms policy generate: --pcr0 needs a value"],
  ])("%j with the role and an admin: one line on stderr, exit 1", (args, message) => {
    const r = spawnNitroKms(["policy", "generate", "--enclave-role", ROLE, "--admin", ADMIN, ...args]);
    expect(r.code).toBe(1);
    oneLineError(r, message);
  });

  test.each([
    [["--admin", ADMIN, "--pcr0", PCRS[0]], "nitro-kms policy generate: --enclave-role is required"],
    [["--enclave-role", ROLE, "--pcr0", PCRS[0]], "nitro-kms policy generate: at least one --admin is required"],
    [["--enclave-role", ROLE, "--admin", ADMIN], "nitro-kms policy generate: give the image's PCR0"],
    [["--enclave-role", "arn:aws:iam::111122223333:user/me", "--admin", ADMIN, "--pcr0", PCRS[0]], "nitro-kms policy generate: the enclave role must be an IAM role ARN"],
  ])("%j: one line on stderr, exit 1", (args, message) => {
    const r = spawnNitroKms(["policy", "generate", ...args]);
    expect(r.code).toBe(1);
    oneLineError(r, message);
  });

  test("from measurement files, piped into lint: no findings, exit 0", () => {
    const generated = spawnNitroKms([
      "policy", "generate", "--enclave-role", ROLE, "--admin", ADMIN, "--admin", "arn:aws:iam::111122223333:user/alice",
      "--measurements", writeNitroCliMeasurements(dir, "x86_64", PCRS), "--measurements", writeNitroCliMeasurements(dir, "aarch64", imagePcrs("arm")),
      "--pcr", `3=${imagePcrs("role")[0]}`, "--encryption-context", "app=ledger",
    ]);
    expect(generated).toMatchObject({ code: 0, stderr: "" });
    const file = join(dir, "generated.json");
    writeFileSync(file, generated.stdout);
    const linted = spawnNitroKms(["policy", "lint", file]);
    expect(linted).toEqual({ code: 0, stdout: `${file}: no findings\n`, stderr: "" });
  });
});

describe("policy lint", () => {
  let defaultPolicy: string;
  let warningsOnly: string;
  beforeAll(async () => {
    defaultPolicy = join(dir, "default.json");
    writeFileSync(defaultPolicy, defaultKeyPolicy("111122223333"));
    // A generated policy reduced to PCR0 alone and no account binding: one warning, no error.
    const { stdout } = await nitroKms("policy", "generate", "--pcr0", PCRS[0], "--enclave-role", ROLE, "--admin", ADMIN);
    const policy = JSON.parse(stdout);
    delete policy.Statement.at(-1).Condition.StringEquals;
    warningsOnly = join(dir, "warnings.json");
    writeFileSync(warningsOnly, JSON.stringify(policy));
  });

  test("KMS's default key policy: findings on stdout, nothing on stderr, exit 2", () => {
    const r = spawnNitroKms(["policy", "lint", defaultPolicy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${defaultPolicy}: statement 0 (Enable IAM User Permissions): error unattested-release\n`);
    expect(r.stdout).toMatch(/\n {2}why: /);
    expect(lines(r.stdout).at(-1)).toBe(`${defaultPolicy}: 2 error(s), 0 warning(s)`);
  });

  test("--json: the findings as JSON", () => {
    const r = spawnNitroKms(["policy", "lint", defaultPolicy, "--json"]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ file: defaultPolicy, severity: "warning", counts: { error: 2, warning: 0 } });
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(["unattested-release", "admin-can-decrypt"]);
    expect(report.findings[0].statement).toEqual({ index: 0, sid: "Enable IAM User Permissions" });
  });

  test("--severity: warnings fail at warning (the default) and pass at error", () => {
    expect(spawnNitroKms(["policy", "lint", warningsOnly]).code).toBe(2);
    const atError = spawnNitroKms(["policy", "lint", warningsOnly, "--severity", "error"]);
    expect(atError.code).toBe(0);
    expect(atError.stdout).toContain("warning single-measurement");
    expect(lines(atError.stdout).at(-1)).toBe(`${warningsOnly}: 0 error(s), 1 warning(s) (none at or above error)`);
    expect(spawnNitroKms(["policy", "lint", defaultPolicy, "--severity", "error"]).code).toBe(2);
  });

  test.each([
    [["--severity", "fatal"], "nitro-kms policy lint: --severity must be error or warning, got 'fatal'"],
    [[], "nitro-kms policy lint: FILE is missing"],
  ])("%j: one line on stderr, exit 1", (args, message) => {
    const r = spawnNitroKms(["policy", "lint", ...(args.length ? [defaultPolicy] : []), ...args]);
    expect(r.code).toBe(1);
    oneLineError(r, message);
  });

  test("an unreadable file: one line on stderr, exit 1", () => {
    const r = spawnNitroKms(["policy", "lint", join(dir, "absent.json")]);
    expect(r.code).toBe(1);
    oneLineError(r, `nitro-kms policy lint: ${join(dir, "absent.json")}: cannot read it (ENOENT)`);
  });
});

describe("policy simulate", () => {
  let policyFile: string;
  beforeAll(async () => {
    const { stdout } = await nitroKms("policy", "generate", "--pcr0", PCRS[0], "--enclave-role", ROLE, "--admin", ADMIN);
    policyFile = join(dir, "simulate.json");
    writeFileSync(policyFile, stdout);
  });

  test("allowed: exit 0, the deciding statement named", () => {
    const r = spawnNitroKms(["policy", "simulate", policyFile, "--as", ROLE, "--action", "kms:Decrypt", "--pcr", `0=${PCRS[0]}`]);
    expect(r).toEqual({ code: 0, stdout: `allowed: kms:Decrypt by ${ROLE}, by statement 5 (EnclaveUseImage)\n`, stderr: "" });
  });

  test("denied: exit 2, explicitly or because nothing allows it", () => {
    const explicit = spawnNitroKms(["policy", "simulate", policyFile, "--as", ROLE, "--action", "decrypt"]);
    expect(explicit).toEqual({ code: 2, stdout: `denied: kms:Decrypt by ${ROLE}, explicitly by statement 1 (DenyUseWithoutAttestation)\n`, stderr: "" });
    const implicit = spawnNitroKms(["policy", "simulate", policyFile, "--as", ADMIN, "--action", "kms:Encrypt", "--json"]);
    expect(implicit.code).toBe(2);
    expect(JSON.parse(implicit.stdout)).toEqual({ allowed: false, decision: "ImplicitDeny", caller: ADMIN, action: "kms:Encrypt" });
  });

  test.each([
    [["--as", ROLE], "nitro-kms policy simulate: --action ACTION is required"],
    [["--as", ROLE, "--action", "kms:Frobnicate"], "nitro-kms policy simulate: 'kms:Frobnicate' is not a KMS action"],
    [["--as", "bob", "--action", "kms:Decrypt"], "nitro-kms policy simulate: the caller must be"],
    [["--as", ROLE, "--action", "kms:Decrypt", "--pcr", `0=${PCRS[0]}`, "--attestation", "doc.cose"], "nitro-kms policy simulate: give --attestation or --pcr, not both"],
    [["--as", ROLE, "--action", "kms:Decrypt", "--pcr", `0=${PCRS[0]}`, "--pcr", `0=${PCRS[1]}`], "nitro-kms policy simulate: --pcr 0 is given more than once"],
    [["--as", ROLE, "--action", "kms:Decrypt", "--key-arn", "arn:aws:kms:us-east-1:1:key/x"], "nitro-kms policy simulate: the key ARN must be"],
  ])("%j: one line on stderr, exit 1", (args, message) => {
    const r = spawnNitroKms(["policy", "simulate", policyFile, ...args]);
    expect(r.code).toBe(1);
    oneLineError(r, message);
  });

  test("a policy KMS would refuse, or a file that is not an attestation document: one line on stderr, exit 1", () => {
    const bad = join(dir, "bad-policy.json");
    writeFileSync(bad, '{"Statement": [{"Effect": "Allow"}]}');
    const refused = spawnNitroKms(["policy", "simulate", bad, "--as", ROLE, "--action", "kms:Decrypt"]);
    expect(refused.code).toBe(1);
    oneLineError(refused, `nitro-kms policy simulate: ${bad}: not a key policy KMS would accept (MalformedPolicyDocumentException: `);
    const notDoc = join(dir, "not-a-document.cose");
    writeFileSync(notDoc, Buffer.from([0x84, 0x40, 0xa0, 0x40, 0x40]));
    const r = spawnNitroKms(["policy", "simulate", policyFile, "--as", ROLE, "--action", "kms:Decrypt", "--attestation", notDoc]);
    expect(r.code).toBe(1);
    oneLineError(r, `nitro-kms policy simulate: ${notDoc}: not an NSM attestation document (`);
  });

  test("real NSM documents (test/vectors), as COSE bytes and as base64 text, are read for their PCRs", async () => {
    const vectors = join(__dirname, "../vectors/attestation");
    const signed = join(vectors, "evervault_beta_valid-attestation-doc_2022-10-13.cose");
    const pcrs = parseAttestation(readFileSync(signed)).pcrs;
    const hexOf = (i: number) => Buffer.from(pcrs.get(i)!).toString("hex");
    const { stdout } = await nitroKms("policy", "generate", "--pcr0", hexOf(0), "--pcr", `8=${hexOf(8)}`, "--enclave-role", ROLE, "--admin", ADMIN);
    const file = join(dir, "evervault.json");
    writeFileSync(file, stdout);
    const base64 = join(dir, "evervault.b64");
    writeFileSync(base64, `${readFileSync(signed).toString("base64")}\n`);
    const simulate = (doc: string) => spawnNitroKms(["policy", "simulate", file, "--as", ROLE, "--action", "kms:GenerateDataKey", "--attestation", doc, "--json"]);
    for (const doc of [signed, base64]) expect(JSON.parse(simulate(doc).stdout)).toMatchObject({ allowed: true, statement: { sid: "EnclaveUseImage" } });
    const debug = simulate(join(vectors, "blocky_nitro_attestation_debug.cose"));
    expect(debug.code).toBe(2);
    expect(JSON.parse(debug.stdout)).toMatchObject({ decision: "ExplicitDeny", statement: { sid: "DenyUseByOtherImages" } });
  });
});
