// `pnpm bench enclave-egress`: what leaving the enclave through an HTTP CONNECT proxy costs. The `kms-local`
// command serving TLS (a test CA made by the openssl CLI) and proxy-chain (a real CONNECT proxy), each in its
// own process; in this process an enclave (simulated NSM + EnclaveHandle) with two clients from
// createEnclaveKmsClient: one connecting directly (TLS to kms-local), one through the proxy (TLS inside the
// CONNECT tunnel); both keep their connection alive, as an enclave app does. The same attested Decrypt of a
// 32-byte data key, one call in flight. Goal: through the proxy >= 0.8x direct.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, compare, load, root, startProcess } from "./harness.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { EnclaveHandle, parseAttestation } = load("@nitro-enclaves-sdk/nsm");
const { SimulatedNsm, createSimulatorCa } = load("@nitro-enclaves-sdk/nsm/simulator");
const { CreateKeyCommand, EncryptCommand, DecryptCommand } = load("@nitro-enclaves-sdk/client-kms");
const { createEnclaveKmsClient } = load("@nitro-enclaves-sdk/enclave");
const { createTestCa } = createRequire(import.meta.url)(join(root, "test/test-ca.cjs"));
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };

const work = mkdtempSync(join(tmpdir(), "bench-enclave-egress-"));
const tls = createTestCa(["localhost"]);
const ca = createSimulatorCa();
writeFileSync(join(work, "root.pem"), ca.certificatePem);
writeFileSync(join(work, "tls-cert.pem"), tls.certPem);
writeFileSync(join(work, "tls-key.pem"), tls.keyPem, { mode: 0o600 });
const servers = [];
try {
  const kms = await startProcess([bin("@nitro-enclaves-sdk/kms-local"), "--port", "0", "--trust-root", join(work, "root.pem"),
    "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`, "--tls-cert", join(work, "tls-cert.pem"), "--tls-key", join(work, "tls-key.pem")],
    /listening on https:\/\/127\.0\.0\.1:(\d+)/);
  servers.push(kms);
  const proxy = await startProcess(["--input-type=module", "-e",
    `import { Server } from "proxy-chain"; const s = new Server({ port: 0, host: "127.0.0.1" }); await s.listen(); console.log("proxy on " + s.port);`],
    /proxy on (\d+)/);
  servers.push(proxy);
  const endpoint = `https://localhost:${kms.match[1]}`;

  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const pcr0 = Buffer.from(parseAttestation(await handle.attest()).pcrs.get(0)).toString("hex");
  const newClient = (egress) => createEnclaveKmsClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, handle, ca: [tls.caPem], egress });
  const direct = newClient("direct");
  const proxied = newClient({ proxy: `http://127.0.0.1:${proxy.match[1]}` });
  const account = "arn:aws:iam::111122223333:root";
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: account }, Action: ["kms:Encrypt", "kms:Describe*", "kms:Put*", "kms:Get*"], Resource: "*" },
      { Effect: "Allow", Principal: { AWS: account }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0 } } },
    ],
  });
  // The plugin passes CreateKey and Encrypt through untouched: the direct client does the setup.
  const { KeyMetadata } = await direct.send(new CreateKeyCommand({ Policy: policy }));
  const dataKey = Buffer.alloc(32, 7);
  const { CiphertextBlob } = await direct.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: dataKey }));
  const decrypt = async (client) => {
    const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob }));
    if (!dataKey.equals(Buffer.from(Plaintext))) throw new Error("wrong plaintext");
  };

  await compare("Attested Decrypt against kms-local over TLS (its own process), keep-alive, one call in flight", [
    { label: "direct TLS", run: () => decrypt(direct) },
    { label: "through the CONNECT proxy", run: () => decrypt(proxied) },
  ], {
    baseline: "direct TLS",
    rounds: 21,
    batchMs: 800,
    warmupMs: 1000,
    cpu: true,
    goals: [{ candidate: "through the CONNECT proxy", atLeast: 0.8 }],
  });
  direct.destroy();
  proxied.destroy();
  handle.close();
} finally {
  for (const server of servers) server.stop();
  rmSync(work, { recursive: true, force: true });
}
