// The KMS commands as users run them (the built bin, spawned) against kms-local, which trusts a simulated
// NSM's CA and verifies the attestation document each command sends as Recipient. Independent truth: the
// official @aws-sdk/client-kms (genkey's and genkeypair's CIPHERTEXT decrypt to their PLAINTEXT, decrypt
// opens what Encrypt made, encrypt's CIPHERTEXT decrypts), node:crypto (the key pair's halves match; ECDH
// gives the same shared secret), key policies that release keys only to one PCR0, and kmstool_enclave_cli's
// output lines, flags and exit codes (0, 1 usage, 255 failure) as aws-nitro-enclaves-sdk-c documents them.
// Needs `pnpm build`.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GetPublicKeyCommand, type KMSClient } from "official-client-kms";
import { startKmsLocal } from "../kms-local/helpers";
import { measurement, runNitroKms, type Run } from "./helpers";

const ACCOUNT_ROOT = "arn:aws:iam::111122223333:root";
const IMAGE = measurement("kmstool image");
const OTHER_IMAGE = measurement("another image");
const B64 = "[A-Za-z0-9+/]+={0,2}";

let dir: string;
let caFile: string;
let kms: Awaited<ReturnType<typeof startKmsLocal>>;
let official: KMSClient;
let requests: string[];
let openKey: string;
let enclaveKey: string;
let agreementKey: string;

/** A policy that lets the account use the key only with an attestation document of IMAGE (and encrypt). */
const enclaveOnly = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "Admin", Effect: "Allow", Principal: { AWS: ACCOUNT_ROOT }, Action: ["kms:Encrypt", "kms:Describe*", "kms:Get*", "kms:PutKeyPolicy"], Resource: "*" },
    {
      Sid: "EnclaveOnly",
      Effect: "Allow",
      Principal: { AWS: ACCOUNT_ROOT },
      Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateRandom"],
      Resource: "*",
      Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": IMAGE } },
    },
  ],
});

beforeAll(async () => {
  if (!existsSync(join(__dirname, "../../packages/cli/dist/cjs/cli.js"))) throw new Error("packages/cli is not built: run `pnpm build`");
  dir = mkdtempSync(join(tmpdir(), "nitro-kms-kms-"));
  caFile = join(dir, "simulator-ca.pem");
  const ca = loadOrCreateSimulatorCa(caFile);
  requests = [];
  kms = await startKmsLocal({
    trustedRoots: [ca.certificatePem],
    credentials: [
      { accessKeyId: "kms-local", secretAccessKey: "kms-local", arn: "arn:aws:iam::111122223333:user/kms-local" },
      { accessKeyId: "ASIATEMPORARY", secretAccessKey: "temporary-secret", sessionToken: "the-session-token", arn: "arn:aws:iam::111122223333:user/kms-local" },
    ],
    log: (line) => requests.push(line),
  });
  official = kms.client;
  openKey = (await official.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  enclaveKey = (await official.send(new CreateKeyCommand({ Policy: enclaveOnly }))).KeyMetadata!.KeyId!;
  agreementKey = (await official.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" }))).KeyMetadata!.KeyId!;
});
afterAll(async () => {
  await kms.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

/** The environment without proxies or AWS credentials of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$)/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}
const LOCAL = () => ["--simulate", "--simulator-ca", caFile, "--pcr", `0=${IMAGE}`, "--endpoint", kms.local.endpoint];
/** The same simulated NSM (its CA trusted by kms-local), running another image. */
const otherImage = () => ["--simulate", "--simulator-ca", caFile, "--pcr", `0=${OTHER_IMAGE}`, "--endpoint", kms.local.endpoint];
const CREDENTIALS = ["-k", "kms-local", "-s", "kms-local"];
const nitroKms = (argv: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
  runNitroKms([...argv, ...LOCAL()], { env: cleanEnv(options.env), input: options.input });

/** The `NAME: value` lines of kmstool_enclave_cli's output, exactly these names in this order, values base64. */
function fields(r: Run, ...names: string[]): Buffer[] {
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(r.stdout).toMatch(new RegExp(`^${names.map((n) => `${n}: ${B64}\\n`).join("")}$`));
  return r.stdout.split("\n").filter(Boolean).map((line) => Buffer.from(line.slice(line.indexOf(": ") + 2), "base64"));
}
const officialDecrypt = async (blob: Uint8Array, extra: object = {}) =>
  Buffer.from((await official.send(new DecryptCommand({ CiphertextBlob: blob, ...extra }))).Plaintext!);
/** A failure: nothing on stdout, this one line on stderr, exit 255. */
const failed = (r: Run, line: string | RegExp) => {
  expect(r.code).toBe(255);
  expect(r.stdout).toBe("");
  if (typeof line === "string") expect(r.stderr).toBe(`${line}\n`);
  else expect(r.stderr).toMatch(line);
  expect(r.stderr.split("\n")).toHaveLength(2);
};

describe("genrandom", () => {
  test.each([["-l", "32", 32], ["--length", "1", 1], ["--length=1024", undefined, 1024]])("%s %s: PLAINTEXT: <%d random bytes>", async (flag, value, n) => {
    const [random] = fields(await nitroKms(["genrandom", flag, ...(value ? [value] : []), ...CREDENTIALS]), "PLAINTEXT");
    expect(random).toHaveLength(n);
    expect(requests).toEqual([expect.stringMatching(/^GenerateRandom OK /)]);
  });

  test("two calls give different bytes; --json gives {Plaintext}", async () => {
    const [a] = fields(await nitroKms(["genrandom", "-l", "32", ...CREDENTIALS]), "PLAINTEXT");
    const r = await nitroKms(["genrandom", "-l", "32", "--json", ...CREDENTIALS]);
    const b = Buffer.from(JSON.parse(r.stdout).Plaintext, "base64");
    expect(b).toHaveLength(32);
    expect(b.equals(a)).toBe(false);
  });
});

describe("genkey", () => {
  test.each([["AES-256", 32], ["AES-128", 16]])("-p %s: CIPHERTEXT then PLAINTEXT; the official client decrypts CIPHERTEXT to PLAINTEXT", async (spec, n) => {
    const [ciphertext, plaintext] = fields(await nitroKms(["genkey", "-K", openKey, "-p", spec, ...CREDENTIALS]), "CIPHERTEXT", "PLAINTEXT");
    expect(plaintext).toHaveLength(n);
    expect(await officialDecrypt(ciphertext)).toEqual(plaintext);
  });

  test("--encryption-context binds the data key: the official client needs the same context", async () => {
    const [ciphertext, plaintext] = fields(
      await nitroKms(["genkey", "--key-id", openKey, "--key-spec", "AES-256", "--encryption-context", "app=ledger", "--encryption-context", "tenant=t=1", ...CREDENTIALS]),
      "CIPHERTEXT",
      "PLAINTEXT",
    );
    expect(await officialDecrypt(ciphertext, { EncryptionContext: { app: "ledger", tenant: "t=1" } })).toEqual(plaintext);
    await expect(officialDecrypt(ciphertext)).rejects.toMatchObject({ name: "InvalidCiphertextException" });
  });

  test("a key released only to IMAGE: this enclave gets it, the official client without attestation does not", async () => {
    const [ciphertext, plaintext] = fields(await nitroKms(["genkey", "-K", enclaveKey, "-p", "AES-256", ...CREDENTIALS]), "CIPHERTEXT", "PLAINTEXT");
    await expect(officialDecrypt(ciphertext)).rejects.toMatchObject({ name: "AccessDeniedException" });
    const [again] = fields(await nitroKms(["decrypt", "-c", ciphertext.toString("base64"), ...CREDENTIALS]), "PLAINTEXT");
    expect(again).toEqual(plaintext);
  });

  test("--json: {CiphertextBlob, Plaintext, KeyId}", async () => {
    const out = JSON.parse((await nitroKms(["genkey", "-K", openKey, "-p", "AES-256", "--json", ...CREDENTIALS])).stdout);
    expect(out.KeyId).toMatch(new RegExp(`:key/${openKey}$`));
    expect(await officialDecrypt(Buffer.from(out.CiphertextBlob, "base64"))).toEqual(Buffer.from(out.Plaintext, "base64"));
  });
});

describe("decrypt", () => {
  const secret = Buffer.from("what Encrypt was given");

  test("of an Encrypt result: PLAINTEXT is what Encrypt took, with or without -K and -a", async () => {
    const { CiphertextBlob } = await official.send(new EncryptCommand({ KeyId: openKey, Plaintext: secret }));
    const c = Buffer.from(CiphertextBlob!).toString("base64");
    expect(fields(await nitroKms(["decrypt", "-c", c, ...CREDENTIALS]), "PLAINTEXT")).toEqual([secret]);
    expect(fields(await nitroKms(["decrypt", "--ciphertext", c, "-K", openKey, "-a", "SYMMETRIC_DEFAULT", ...CREDENTIALS]), "PLAINTEXT")).toEqual([secret]);
    const json = JSON.parse((await nitroKms(["decrypt", "-c", c, "--json", ...CREDENTIALS])).stdout);
    expect(json).toEqual({ Plaintext: secret.toString("base64"), KeyId: expect.stringMatching(new RegExp(`:key/${openKey}$`)), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
  });

  test("--encryption-context: the one Encrypt took opens it; without it, KMS's InvalidCiphertextException, exit 255", async () => {
    const { CiphertextBlob } = await official.send(new EncryptCommand({ KeyId: openKey, Plaintext: secret, EncryptionContext: { purpose: "test" } }));
    const c = Buffer.from(CiphertextBlob!).toString("base64");
    expect(fields(await nitroKms(["decrypt", "-c", c, "--encryption-context", "purpose=test", ...CREDENTIALS]), "PLAINTEXT")).toEqual([secret]);
    failed(await nitroKms(["decrypt", "-c", c, ...CREDENTIALS]), /^nitro-kms decrypt: InvalidCiphertextException: /);
  });

  test("an enclave with another PCR0: KMS's AccessDeniedException with its message, exit 255", async () => {
    const { CiphertextBlob } = await official.send(new EncryptCommand({ KeyId: enclaveKey, Plaintext: secret }));
    const c = Buffer.from(CiphertextBlob!).toString("base64");
    expect(fields(await nitroKms(["decrypt", "-c", c, ...CREDENTIALS]), "PLAINTEXT")).toEqual([secret]);
    const r = await runNitroKms(["decrypt", "-c", c, ...CREDENTIALS, ...otherImage()], { env: cleanEnv() });
    failed(r, new RegExp(`^nitro-kms decrypt: AccessDeniedException: User: arn:aws:iam::111122223333:user/kms-local is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/${enclaveKey} `));
  });
});

describe("genkeypair, derive-shared-secret, encrypt", () => {
  test("genkeypair: PUBLICKEY is the public half of PLAINTEXT, and CIPHERTEXT decrypts to PLAINTEXT", async () => {
    const [ciphertext, privateKey, publicKey] = fields(
      await nitroKms(["genkeypair", "-K", openKey, "--key-pair-spec", "ECC_NIST_P256", ...CREDENTIALS]),
      "CIPHERTEXT",
      "PLAINTEXT",
      "PUBLICKEY",
    );
    const key = createPrivateKey({ key: privateKey, format: "der", type: "pkcs8" });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(createPublicKey(key).export({ type: "spki", format: "der" })).toEqual(publicKey);
    expect(await officialDecrypt(ciphertext)).toEqual(privateKey);
  });

  test("derive-shared-secret: the secret node:crypto derives from our key and KMS's public key", async () => {
    const peer = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const peerSpki = peer.publicKey.export({ type: "spki", format: "der" });
    const [secret] = fields(await nitroKms(["derive-shared-secret", "-K", agreementKey, "--public-key", peerSpki.toString("base64"), ...CREDENTIALS]), "PLAINTEXT");
    const kmsPublic = createPublicKey({ key: Buffer.from((await official.send(new GetPublicKeyCommand({ KeyId: agreementKey }))).PublicKey!), format: "der", type: "spki" });
    expect(secret).toEqual(diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic }));
  });

  test("encrypt: CIPHERTEXT decrypts (official client) to what --plaintext or --plaintext-file held", async () => {
    const data = Buffer.from("sealed in the enclave");
    const [a] = fields(await nitroKms(["encrypt", "-K", openKey, "--plaintext", data.toString("base64"), ...CREDENTIALS]), "CIPHERTEXT");
    expect(await officialDecrypt(a)).toEqual(data);
    const file = join(dir, "plaintext.bin");
    writeFileSync(file, data);
    const [b] = fields(await nitroKms(["encrypt", "-K", openKey, "--plaintext-file", file, "--encryption-context", "k=v", ...CREDENTIALS]), "CIPHERTEXT");
    expect(await officialDecrypt(b, { EncryptionContext: { k: "v" } })).toEqual(data);
    // and back through nitro-kms decrypt, attested
    expect(fields(await nitroKms(["decrypt", "-c", b.toString("base64"), "--encryption-context", "k=v", ...CREDENTIALS]), "PLAINTEXT")).toEqual([data]);
  });
});

describe("credentials", () => {
  const credentialsJson = (o: object) => `${JSON.stringify(o)}\n`;

  test("--credentials-stdin: the JSON instance metadata writes, temporary credentials with their token", async () => {
    const input = credentialsJson({ AccessKeyId: "ASIATEMPORARY", SecretAccessKey: "temporary-secret", Token: "the-session-token", Expiration: new Date(Date.now() + 3_600_000).toISOString() });
    fields(await nitroKms(["genrandom", "-l", "8", "--credentials-stdin"], { input }), "PLAINTEXT");
  });

  test("-k -s -t, kmstool's way, with a session token", async () => {
    fields(await nitroKms(["genrandom", "-l", "8", "-k", "ASIATEMPORARY", "-s", "temporary-secret", "-t", "the-session-token"]), "PLAINTEXT");
  });

  test("from the environment (the standard chain), with nothing on the command line", async () => {
    fields(await nitroKms(["genrandom", "-l", "8"], { env: { AWS_ACCESS_KEY_ID: "kms-local", AWS_SECRET_ACCESS_KEY: "kms-local" } }), "PLAINTEXT");
  });

  test("a wrong secret: KMS's error, exit 255", async () => {
    failed(await nitroKms(["genrandom", "-l", "8", "-k", "kms-local", "-s", "not-the-secret"]), /^nitro-kms genrandom: (InvalidSignatureException|UnrecognizedClientException): /);
  });

  test("--credentials-stdin with something that is not credentials: exit 255, the value not echoed", async () => {
    const r = await nitroKms(["genrandom", "-l", "8", "--credentials-stdin"], { input: credentialsJson({ AccessKeyId: "kms-local", SecretAccessKey: "a secret with spaces" }) });
    expect(r.code).toBe(255);
    expect(r.stderr).not.toContain("a secret with spaces");
    expect(requests).toEqual([]);
  });
});

describe("kmstool_enclave_cli's usage errors: exit 1, one line, nothing sent", () => {
  test.each([
    [["decrypt", ...CREDENTIALS], "--ciphertext must be set"],
    [["decrypt", "-c", "not base64", ...CREDENTIALS], "--ciphertext must be base64"],
    [["decrypt", "-c", "AAAA", "-a", "AES", ...CREDENTIALS], "--encryption-algorithm must be one of SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE, got 'AES'"],
    [["genkey", "-p", "AES-256", ...CREDENTIALS], "--key-id must be set"],
    [["genkey", "-K", "k", ...CREDENTIALS], "--key-spec must be set"],
    [["genkey", "-K", "k", "-p", "AES-512", ...CREDENTIALS], "--key-spec must be one of AES-256, AES-128, got 'AES-512'"],
    [["genrandom", ...CREDENTIALS], "--length must be set"],
    [["genrandom", "-l", "0", ...CREDENTIALS], "--length must be a whole number from 1 to 1024, got '0'"],
    [["genrandom", "-l", "1025", ...CREDENTIALS], "--length must be a whole number from 1 to 1024, got '1025'"],
    [["genrandom", "-l", "32abc", ...CREDENTIALS], "--length must be a whole number from 1 to 1024, got '32abc'"],
    [["genrandom", "-l", "32", "--number-of-bytes", "32", ...CREDENTIALS], "unknown option '--number-of-bytes'"],
    [["genrandom", "-l", "32", "-k", "kms-local"], "--aws-secret-access-key must be set with --aws-access-key-id"],
    [["genrandom", "-l", "32", "-x", "eighty", ...CREDENTIALS], "--proxy-port must be a whole number from 1 to 4294967294, got 'eighty'"],
    [["genkeypair", "-K", "k", "--key-pair-spec", "RSA_1024", ...CREDENTIALS], "--key-pair-spec must be one of"],
    [["derive-shared-secret", "-K", "k", ...CREDENTIALS], "--public-key must be set"],
    [["encrypt", "-K", "k", ...CREDENTIALS], "give --plaintext or --plaintext-file (one of them)"],
  ])("%j: %s", async (argv, message) => {
    const r = await nitroKms(argv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith(`nitro-kms ${argv[0]}: ${message}`)).toBe(true);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(requests).toEqual([]);
  });

  test.each([["decrypt"], ["genkey"], ["genrandom"], ["genkeypair"], ["derive-shared-secret"], ["encrypt"], ["doctor"]])("%s --help: usage on stdout with kmstool's options, exit 0", async (name) => {
    const r = await runNitroKms([name, "--help"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^usage: nitro-kms ${name} `));
    for (const flag of ["-r, --region REGION", "-x, --proxy-port PORT", "-k, --aws-access-key-id ID", "-s, --aws-secret-access-key KEY", "-t, --aws-session-token TOKEN"]) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/Exit codes: 0 /);
  });
});

describe("runtime failures: exit 255, one line", () => {
  test("a key that does not exist: KMS's NotFoundException", async () => {
    failed(await nitroKms(["genkey", "-K", "alias/absent", "-p", "AES-256", ...CREDENTIALS]), /^nitro-kms genkey: NotFoundException: Alias arn:aws:kms:us-east-1:111122223333:alias\/absent is not found\.$/m);
  });

  test("nothing listening at the endpoint", async () => {
    const port = await closedPort();
    const r = await runNitroKms(["genrandom", "-l", "8", ...CREDENTIALS, "--simulate", "--endpoint", `http://127.0.0.1:${port}`], { env: cleanEnv() });
    failed(r, /^nitro-kms genrandom: .*ECONNREFUSED/);
  });

  (existsSync("/dev/nsm") ? test.skip : test)("outside an enclave, without --simulate: says so", async () => {
    const r = await runNitroKms(["genrandom", "-l", "8", ...CREDENTIALS, "--endpoint", "https://127.0.0.1:1"], { env: cleanEnv() });
    failed(r, "nitro-kms genrandom: not running inside a Nitro Enclave: there is no /dev/nsm (--simulate runs the command on a simulated NSM)");
  });
});

describe("doctor", () => {
  test("everything in order: one ok line per check, entropy skipped with --simulate, exit 0", async () => {
    const r = await nitroKms(["doctor", "-K", enclaveKey, ...CREDENTIALS]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines.map((l) => l.slice(0, 6) + l.slice(6).split(":")[0])).toEqual(["ok    nsm", "skip  entropy", "ok    egress", "ok    credentials", "ok    key"]);
    expect(lines[4]).toBe(`ok    key: KMS would allow kms:GenerateDataKey on ${enclaveKey} to this enclave (DryRun)`);
  });

  test("another image: the key check fails with KMS's AccessDeniedException, exit 2", async () => {
    const r = await runNitroKms(["doctor", "-K", enclaveKey, ...CREDENTIALS, ...otherImage()], { env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`\\nFAIL  key: kms:GenerateDataKey on ${enclaveKey}: AccessDeniedException: User: .* is not authorized`));
  });

  test("with --ciphertext, a Decrypt DryRun of it: allowed to IMAGE, refused to another image", async () => {
    const { CiphertextBlob } = await official.send(new EncryptCommand({ KeyId: enclaveKey, Plaintext: Buffer.from("x"), EncryptionContext: { a: "b" } }));
    const c = Buffer.from(CiphertextBlob!).toString("base64");
    const ok = await nitroKms(["doctor", "-K", enclaveKey, "-c", c, "--encryption-context", "a=b", ...CREDENTIALS]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`ok    key: KMS would allow kms:Decrypt on ${enclaveKey} to this enclave (DryRun)\n`);
    const other = await runNitroKms(["doctor", "-K", enclaveKey, "-c", c, "--encryption-context", "a=b", ...CREDENTIALS, ...otherImage()], { env: cleanEnv() });
    expect(other.code).toBe(2);
    expect(other.stdout).toContain(`FAIL  key: kms:Decrypt on ${enclaveKey}: AccessDeniedException: `);
  });

  test("no KMS at the endpoint and no credentials: the egress and credentials checks fail, the key check is skipped; --json", async () => {
    const port = await closedPort();
    const r = await runNitroKms(["doctor", "--json", "-K", enclaveKey, "--simulate", "--endpoint", `http://127.0.0.1:${port}`], { env: cleanEnv({ AWS_EC2_METADATA_DISABLED: "true" }) });
    expect(r.code).toBe(2);
    const checks = JSON.parse(r.stdout) as { check: string; status: string; message: string }[];
    expect(checks.map((c) => [c.check, c.status])).toEqual([["nsm", "ok"], ["entropy", "skip"], ["egress", "FAIL"], ["credentials", "FAIL"], ["key", "skip"]]);
    expect(checks[2].message).toMatch(new RegExp(`^KMS at http://127.0.0.1:${port} through a direct connection: .*ECONNREFUSED`));
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
