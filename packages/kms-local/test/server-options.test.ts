// KmsLocal.start checks the options a library caller gives before it listens.
import { existsSync } from "node:fs";
import { KMSClient, ListKeysCommand } from "official-client-kms";
import { KmsLocal } from "../src/server";
import { KmsLocalConfigError } from "../src/errors";

test("a body size limit that is not a positive integer is refused (NaN let any body through)", async () => {
  for (const maxBodyBytes of [Number.NaN, "1024" as unknown as number, 0, -1, 1.5, Infinity]) {
    await expect(KmsLocal.start({ maxBodyBytes })).rejects.toBeInstanceOf(KmsLocalConfigError);
  }
  const local = await KmsLocal.start({ maxBodyBytes: 1024 });
  await local.close();
});

test("options are read from the object itself: properties inherited from Object.prototype are not options", async () => {
  const proto = Object.prototype as Record<string, unknown>;
  const polluted = {
    dataDir: "/nonexistent/should-not-be-used",
    credentials: [{ accessKeyId: "attacker", secretAccessKey: "x", arn: "arn:aws:iam::999999999999:root" }],
    verifyAttestation: () => ({ pcrs: new Map(), publicKey: null }),
    maxBodyBytes: Number.NaN,
  };
  Object.assign(proto, polluted);
  let local: KmsLocal;
  try {
    local = await KmsLocal.start({});
  } finally {
    for (const name of Object.keys(polluted)) delete proto[name]; // before the SDK client below reads its own options
  }
  try {
    const send = (accessKeyId: string, secretAccessKey: string) => {
      const client = new KMSClient({ endpoint: local.endpoint, region: "us-east-1", credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
      return client.send(new ListKeysCommand({})).then(() => "accepted", (e: Error) => e.name).finally(() => client.destroy());
    };
    expect(await send("kms-local", "kms-local")).toBe("accepted");
    expect(await send("attacker", "x")).toBe("UnrecognizedClientException");
    expect(existsSync("/nonexistent/should-not-be-used")).toBe(false);
  } finally {
    await local.close();
  }
});

test("each error is a class of its own with a stable code, name and HTTP status", async () => {
  const errors = await import("../src/errors");
  const { KmsError } = errors;
  const classes = Object.entries(errors).filter(([name, value]) => typeof value === "function" && name !== "KmsError" && name !== "KmsLocalConfigError");
  expect(classes.length).toBeGreaterThan(20);
  for (const [name, Class] of classes) {
    const e = new (Class as new (message: string) => InstanceType<typeof KmsError>)("m");
    expect({ name, isKmsError: e instanceof KmsError, code: e.code, errorName: e.name, own: e.constructor === Class }).toEqual({ name, isKmsError: true, code: name, errorName: name, own: true });
    const expected = name === "KMSInternalException" ? 500 : name === "MissingAuthenticationTokenException" ? 403 : name === "DryRunOperationException" ? 412 : 400;
    expect({ name, status: e.status }).toEqual({ name, status: expected });
  }
});
