// readConfig: the environment the README documents, its defaults and its refusals.
import { readConfig } from "../src/config";
import { ConfigError } from "../src/errors";

const BASE = { AWS_REGION: "eu-west-1", KMS_KEY_ID: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", DATA_DIR: "/var/lib/enclave-app" };

test("the three required variables and the defaults", () => {
  expect(readConfig({ ...BASE })).toEqual({
    region: "eu-west-1", keyId: BASE.KMS_KEY_ID, dataDir: "/var/lib/enclave-app", listenHost: "127.0.0.1", listenPort: 8080,
    kmsEndpoint: undefined, vsock: undefined, credentialsFromStdin: false, simulator: undefined,
  });
});

test("a relative DATA_DIR or NSM_SIMULATOR_CA is taken from the working directory", () => {
  const config = readConfig({ ...BASE, DATA_DIR: "data", NSM_SIMULATOR_CA: ".local/ca.pem" }, "/home/dev/app");
  expect(config.dataDir).toBe("/home/dev/app/data");
  expect(config.simulator).toEqual({ caFile: "/home/dev/app/.local/ca.pem", pcr0: undefined });
});

test("the optional variables", () => {
  const pcr0 = "AB".repeat(48);
  expect(readConfig({
    ...BASE, LISTEN_HOST: "::1", LISTEN_PORT: "0", KMS_ENDPOINT: "https://localhost:4600", KMS_VSOCK_PORT: "8000", PARENT_CREDENTIALS: "stdin",
    NSM_SIMULATOR_CA: "/ca.pem", NSM_SIMULATOR_PCR0: pcr0,
  })).toMatchObject({
    listenHost: "::1", listenPort: 0, kmsEndpoint: "https://localhost:4600", vsock: { cid: 3, port: 8000 }, credentialsFromStdin: true,
    simulator: { caFile: "/ca.pem", pcr0: pcr0.toLowerCase() },
  });
  expect(readConfig({ ...BASE, KMS_VSOCK_PORT: "8000", KMS_VSOCK_CID: "16" }).vsock).toEqual({ cid: 16, port: 8000 });
});

test("an empty variable counts as unset", () => {
  expect(readConfig({ ...BASE, LISTEN_PORT: "", KMS_ENDPOINT: "" })).toMatchObject({ listenPort: 8080, kmsEndpoint: undefined });
});

test.each([
  [{ AWS_REGION: undefined }, "AWS_REGION is not set"],
  [{ KMS_KEY_ID: undefined }, "KMS_KEY_ID is not set"],
  [{ DATA_DIR: undefined }, "DATA_DIR is not set"],
  [{ AWS_REGION: "US-EAST-1" }, "AWS_REGION is not a region name"],
  [{ AWS_REGION: "us-east-1; rm" }, "AWS_REGION is not a region name"],
  [{ KMS_KEY_ID: "alias/with space" }, "KMS_KEY_ID must be"],
  [{ LISTEN_HOST: "0.0.0.0" }, "LISTEN_HOST must be a loopback address"],
  [{ LISTEN_PORT: "65536" }, "LISTEN_PORT must be a whole number from 0 to 65535"],
  [{ LISTEN_PORT: "8080x" }, "LISTEN_PORT must be a whole number"],
  [{ LISTEN_PORT: "-1" }, "LISTEN_PORT must be a whole number"],
  [{ KMS_ENDPOINT: "http://127.0.0.1:4600" }, "KMS_ENDPOINT must be an https:// URL"],
  [{ KMS_ENDPOINT: "not a url" }, "KMS_ENDPOINT is not a URL"],
  [{ KMS_VSOCK_PORT: "0" }, "KMS_VSOCK_PORT must be a whole number from 1"],
  [{ KMS_VSOCK_CID: "3" }, "KMS_VSOCK_CID is set without KMS_VSOCK_PORT"],
  [{ PARENT_CREDENTIALS: "file" }, 'PARENT_CREDENTIALS must be "stdin"'],
  [{ NSM_SIMULATOR_PCR0: "00".repeat(48) }, "NSM_SIMULATOR_PCR0 is set without NSM_SIMULATOR_CA"],
  [{ NSM_SIMULATOR_CA: "/ca.pem", NSM_SIMULATOR_PCR0: "abc" }, "NSM_SIMULATOR_PCR0 must be 96 hex digits"],
])("%j: a ConfigError naming the variable", (change, message) => {
  const env: Record<string, string | undefined> = { ...BASE, ...change };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  let error: unknown;
  try {
    readConfig(env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(error).toMatchObject({ code: "APP_BAD_CONFIG" });
  expect((error as Error).message).toContain(message);
});

test("only the environment's own properties count: a polluted Object.prototype configures nothing", () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.KMS_ENDPOINT = "https://attacker.example";
  proto.NSM_SIMULATOR_CA = "/tmp/attacker-ca.pem";
  proto.KMS_KEY_ID = "arn:aws:kms:eu-west-1:999999999999:key/attacker";
  try {
    expect(readConfig({ ...BASE })).toMatchObject({ kmsEndpoint: undefined, simulator: undefined, keyId: BASE.KMS_KEY_ID });
    expect(() => readConfig({ AWS_REGION: "eu-west-1", DATA_DIR: "/d" })).toThrow("KMS_KEY_ID is not set");
  } finally {
    delete proto.KMS_ENDPOINT;
    delete proto.NSM_SIMULATOR_CA;
    delete proto.KMS_KEY_ID;
  }
});
