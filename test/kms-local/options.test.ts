// KmsLocal.start reads only the options object's own properties: with options planted on
// Object.prototype by other code in the process, it still starts in memory with its default credential.
import { existsSync } from "node:fs";
import { KMSClient, ListKeysCommand } from "official-client-kms";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";

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

