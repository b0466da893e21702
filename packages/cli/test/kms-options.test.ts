// The KMS commands' shared options: kmstool_enclave_cli's flags and defaults (us-east-1; vsock-proxy on CID
// 3, port 8000), where requests go (vsock, HTTPS_PROXY, an endpoint), where credentials come from, and the
// mistakes that are usage errors. The enumerations are KMS's, compared with the generated client's.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataKeyPairSpec, EncryptionAlgorithmSpec } from "@nitro-enclaves-sdk/client-kms";
import { parseCommandLine } from "../src/args";
import { UsageError } from "../src/errors";
import { KMS_OPTIONS, readKmsOptions } from "../src/kms-options";
import { DATA_KEY_PAIR_SPECS, ENCRYPTION_ALGORITHMS } from "../src/kms-values";

const read = (...argv: string[]) => readKmsOptions(parseCommandLine(argv, KMS_OPTIONS).values);
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(PROXY_VARIABLES.map((n) => [n, process.env[n]]));
  for (const n of PROXY_VARIABLES) delete process.env[n];
});
afterEach(() => {
  for (const [n, v] of Object.entries(saved)) if (v === undefined) delete process.env[n];
  else process.env[n] = v;
});

test("kmstool's defaults: us-east-1, vsock-proxy on CID 3 port 8000, the standard credential chain, /dev/nsm", () => {
  expect(read()).toEqual({
    region: "us-east-1",
    endpoint: undefined,
    egress: { kind: "vsock", cid: 3, port: 8000 },
    credentials: { kind: "chain" },
    ca: undefined,
    nsm: { simulate: false, simulatorCa: undefined, pcrs: new Map() },
  });
});

test("kmstool's short forms: -r -x -k -s -t", () => {
  const s = read("-r", "eu-west-1", "-x", "8001", "-k", "AKIAEXAMPLE", "-s", "secret", "-t", "token");
  expect(s.region).toBe("eu-west-1");
  expect(s.egress).toEqual({ kind: "vsock", cid: 3, port: 8001 });
  expect(s.credentials).toEqual({ kind: "given", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" });
});

test("long-term keys need no session token (kmstool wants all three; so does STS's, not IAM's)", () => {
  expect(read("--aws-access-key-id", "AKIA1", "--aws-secret-access-key", "s").credentials).toEqual({ kind: "given", accessKeyId: "AKIA1", secretAccessKey: "s" });
});

test("--credentials-stdin", () => {
  expect(read("--credentials-stdin").credentials).toEqual({ kind: "stdin" });
});

test("HTTPS_PROXY (or an endpoint) takes requests off the default vsock-proxy; --proxy-port / --proxy-cid put them back", () => {
  process.env.HTTPS_PROXY = "http://127.0.0.1:3128";
  expect(read().egress).toEqual({ kind: "environment" });
  expect(read("--proxy-port", "8000").egress).toEqual({ kind: "vsock", cid: 3, port: 8000 });
  delete process.env.HTTPS_PROXY;
  expect(read("--endpoint", "https://kms.example.test").egress).toEqual({ kind: "environment" });
  expect(read("--endpoint", "https://kms.example.test", "--proxy-cid", "1").egress).toEqual({ kind: "vsock", cid: 1, port: 8000 });
});

test("an http endpoint only with --simulate", () => {
  expect(() => read("--endpoint", "http://127.0.0.1:4000")).toThrow("--endpoint must be https: TLS to KMS ends in the enclave");
  expect(read("--endpoint", "http://127.0.0.1:4000", "--simulate").endpoint).toBe("http://127.0.0.1:4000");
});

test("--ca-bundle is read as PEM text", () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-options-"));
  try {
    const pem = join(dir, "ca.pem");
    writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    expect(read("--ca-bundle", pem).ca).toContain("BEGIN CERTIFICATE");
    writeFileSync(pem, "nothing");
    expect(() => read("--ca-bundle", pem)).toThrow(`${pem}: holds no PEM certificate`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  [["-r", "US East"], "--region must be a region name such as us-east-1, got 'US East'"],
  [["-x", "0"], "--proxy-port must be a whole number from 1 to 4294967294, got '0'"],
  [["-x", "4294967295"], "--proxy-port must be a whole number from 1 to 4294967294"],
  [["-x", "80a"], "--proxy-port must be a whole number"],
  [["--proxy-cid", "0"], "--proxy-cid must be a whole number from 1"],
  [["-s", "secret"], "--aws-access-key-id must be set with --aws-secret-access-key or --aws-session-token"],
  [["-k", "AKIA1"], "--aws-secret-access-key must be set with --aws-access-key-id"],
  [["-t", "token"], "--aws-access-key-id must be set"],
  [["-k", "AKIA 1", "-s", "x"], "--aws-access-key-id must be printable ASCII without spaces"],
  [["--credentials-stdin", "-k", "AKIA1", "-s", "x"], "--credentials-stdin cannot go with --aws-access-key-id"],
  [["--endpoint", "kms.example.test"], "--endpoint must be a URL"],
  [["--endpoint", "ftp://kms.example.test"], "--endpoint must be an https URL"],
  [["--pcr", "0=00"], "--pcr goes with --simulate"],
])("%j: %s", (argv, message) => {
  expect(() => read(...argv)).toThrow(UsageError);
  expect(() => read(...argv)).toThrow(message);
});

test("a secret given wrongly is never echoed", () => {
  let message = "";
  try {
    read("-k", "AKIA1", "-s", "my secret value");
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBe("--aws-secret-access-key must be printable ASCII without spaces");
});

test("the enumerations are KMS's, as the generated client has them", () => {
  expect([...ENCRYPTION_ALGORITHMS].sort()).toEqual(Object.values(EncryptionAlgorithmSpec).sort());
  expect([...DATA_KEY_PAIR_SPECS].sort()).toEqual(Object.values(DataKeyPairSpec).sort());
});
