// kms-local over TLS: the certificate it serves is the one given (checked by the openssl CLI's s_client
// against the test CA, and by the official client through Node's TLS), the endpoint says https, and a
// certificate with the wrong key stops the start with a KmsLocalConfigError.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KMSClient, CreateKeyCommand, EncryptCommand, GenerateRandomCommand } from "official-client-kms";
import { KmsLocal, KmsLocalConfigError } from "@nitro-enclaves-sdk/kms-local";
import { createTestCa } from "../test-ca.cjs";

test("KmsLocal.start({ tls }) serves HTTPS with that certificate; clients that trust the CA call it", async () => {
  const ca = createTestCa(["localhost", "127.0.0.1"]);
  const local = await KmsLocal.start({ tls: { cert: ca.certPem, key: ca.keyPem } });
  const dir = mkdtempSync(join(tmpdir(), "kms-local-tls-"));
  try {
    expect(local.endpoint).toBe(`https://127.0.0.1:${local.port}`);
    writeFileSync(join(dir, "ca.pem"), ca.caPem);
    // Asynchronously: the server answers from this process's event loop.
    const child = promisify(execFile)("openssl", ["s_client", "-connect", `127.0.0.1:${local.port}`, "-CAfile", join(dir, "ca.pem"), "-verify_return_error", "-verify_ip", "127.0.0.1"]);
    child.child.stdin!.end();
    const { stdout: out } = await child;
    expect(out).toMatch(/Verify return code: 0 \(ok\)/);
    const client = new KMSClient({
      endpoint: local.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "kms-local", secretAccessKey: "kms-local" },
      requestHandler: { httpsAgent: new Agent({ ca: ca.caPem }) },
    });
    expect((await client.send(new GenerateRandomCommand({ NumberOfBytes: 16 }))).Plaintext).toHaveLength(16);
    client.destroy();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await local.close();
  }
});

test("aws:SecureTransport is true over TLS and false over plain HTTP, as a key policy sees it", async () => {
  const ca = createTestCa(["localhost", "127.0.0.1"]);
  const servers = { tls: await KmsLocal.start({ tls: { cert: ca.certPem, key: ca.keyPem } }), plain: await KmsLocal.start() };
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
      { Effect: "Deny", Principal: "*", Action: "kms:Encrypt", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
  });
  try {
    const outcomes: Record<string, string> = {};
    for (const [name, local] of Object.entries(servers)) {
      const client = new KMSClient({
        endpoint: local.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "kms-local", secretAccessKey: "kms-local" },
        requestHandler: { httpsAgent: new Agent({ ca: ca.caPem }) },
        maxAttempts: 1,
      });
      const { KeyMetadata } = await client.send(new CreateKeyCommand({ Policy: policy }));
      outcomes[name] = await client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from("x") })).then(
        () => "allowed",
        (e: Error) => e.name,
      );
      client.destroy();
    }
    expect(outcomes).toEqual({ tls: "allowed", plain: "AccessDeniedException" });
  } finally {
    await servers.tls.close();
    await servers.plain.close();
  }
});

test("a certificate and a key that do not belong together: KmsLocalConfigError", async () => {
  const a = createTestCa();
  const b = createTestCa();
  await expect(KmsLocal.start({ tls: { cert: a.certPem, key: b.keyPem } })).rejects.toBeInstanceOf(KmsLocalConfigError);
  await expect(KmsLocal.start({ tls: { cert: a.certPem } as never })).rejects.toBeInstanceOf(KmsLocalConfigError);
});
