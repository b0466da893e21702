// Region, credentials and other settings from the standard chains (environment variables, the shared
// config and credentials files, profiles), with no explicit configuration: our client must pick up the
// same values as the official one and put the same request on the wire, or fail with the same error.
// Instance metadata is switched off, so no chain ever reaches past this machine.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaptureHandler, isolateFromAwsEnvironment, ok, type WireRequest } from "./capture";
import { official, ours, type KmsModule } from "./clients";

let restoreEnv: () => void;
let dir: string;
beforeAll(() => {
  restoreEnv = isolateFromAwsEnvironment();
  dir = mkdtempSync(join(tmpdir(), "client-kms-chains-"));
});
afterAll(() => {
  restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
  process.env.AWS_CONFIG_FILE = join(dir, "absent-config");
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "absent-credentials");
  process.env.AWS_EC2_METADATA_DISABLED = "true";
});

interface Outcome {
  requests?: WireRequest[];
  error?: { name: string; message: string };
}

/** A client with only a requestHandler (everything else from the chains) sends `ListKeys`. */
async function sendWithChains(mod: KmsModule, config: Record<string, unknown> = {}): Promise<Outcome> {
  const handler = new CaptureHandler((_, i) => (i === 0 && process.env.FAIL_FIRST ? { statusCode: 500, body: '{"__type":"KMSInternalException"}' } : ok({ Keys: [] })));
  try {
    const client = new mod.KMSClient({ requestHandler: handler, ...config });
    await client.send(new mod.ListKeysCommand({}));
    return { requests: handler.wire };
  } catch (e) {
    return { error: { name: (e as Error).name, message: (e as Error).message }, requests: handler.wire };
  }
}

async function expectSame(config: Record<string, unknown> = {}): Promise<Outcome> {
  const theirs = await sendWithChains(official, config);
  expect(await sendWithChains(ours, config)).toStrictEqual(theirs);
  return theirs;
}

test("region and credentials (with session token) from environment variables", async () => {
  Object.assign(process.env, { AWS_REGION: "eu-west-3", AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env-secret", AWS_SESSION_TOKEN: "env-token" });
  const theirs = await expectSame();
  expect(theirs.requests![0]).toMatchObject({ hostname: "kms.eu-west-3.amazonaws.com", headers: { "x-amz-security-token": "env-token" } });
  expect(theirs.requests![0].headers.authorization).toContain("Credential=AKIDENV/<date>/eu-west-3/kms/aws4_request");
});

test("region and credentials of a named profile from the shared files", async () => {
  writeFileSync(join(dir, "config"), "[default]\nregion = us-east-2\n\n[profile enclave]\nregion = ap-southeast-2\nuse_fips_endpoint = true\n");
  writeFileSync(join(dir, "credentials"), "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n\n[enclave]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s2\n");
  Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_PROFILE: "enclave" });
  const theirs = await expectSame();
  expect(theirs.requests![0].hostname).toBe("kms-fips.ap-southeast-2.amazonaws.com");
  expect(theirs.requests![0].headers.authorization).toContain("Credential=AKIDPROFILE/");
  // The profile can also be chosen in the client configuration.
  delete process.env.AWS_PROFILE;
  const byConfig = await expectSame({ profile: "enclave" });
  expect(byConfig.requests![0].headers.authorization).toContain("Credential=AKIDPROFILE/");
});

test("FIPS, dual-stack and max attempts from environment variables", async () => {
  Object.assign(process.env, {
    AWS_REGION: "us-west-2", AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S",
    AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true", AWS_MAX_ATTEMPTS: "2", FAIL_FIRST: "1",
  });
  try {
    const theirs = await expectSame();
    expect(theirs.requests!.map((r) => r.hostname)).toEqual(["kms-fips.us-west-2.api.aws", "kms-fips.us-west-2.api.aws"]);
  } finally {
    delete process.env.FAIL_FIRST;
  }
});

test("no region anywhere: the same error", async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S" });
  const theirs = await expectSame();
  expect(theirs.error).toBeDefined();
  expect(theirs.requests).toEqual([]);
});

test("no credentials anywhere: the same error, and no request sent", async () => {
  process.env.AWS_REGION = "us-west-2";
  const theirs = await expectSame();
  expect(theirs.error?.name).toBe("CredentialsProviderError");
  expect(theirs.requests).toEqual([]);
});
