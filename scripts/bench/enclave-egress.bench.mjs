// `pnpm bench enclave-egress`: what leaving the enclave through an HTTP CONNECT proxy costs. One process
// of the `kms-local` command serving TLS (a test CA made by the openssl CLI), one process of proxy-chain (a
// real CONNECT proxy), and in this process an enclave (SimulatedNsm + EnclaveHandle) with two clients from
// createEnclaveKmsClient: one connecting directly (TLS to kms-local), one through the proxy (TLS inside the
// CONNECT tunnel); both keep their connection alive, as an enclave app does. The same attested Decrypt of a
// 32-byte data key, sequential calls (one in flight), timed rounds interleaved and alternated; median
// calls/s, this process's CPU per call beside it. Goal: through the proxy / direct >= 0.8.
// Run after `pnpm build`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const load = (pkg, entry = "index.js") => {
  try {
    return require(join(root, "packages", pkg, "dist/cjs", entry));
  } catch (e) {
    console.error(`cannot load packages/${pkg}/dist: run \`pnpm build\` first (${e.message})`);
    process.exit(1);
  }
};
const { EnclaveHandle, parseAttestation } = load("nsm");
const { SimulatedNsm, createSimulatorCa } = load("nsm", "simulator/index.js");
const { CreateKeyCommand, EncryptCommand, DecryptCommand } = load("client-kms");
const { createEnclaveKmsClient } = load("enclave");
const { createTestCa } = require(join(root, "test/test-ca.cjs"));

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 800);
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Starts a child process and resolves with its first stdout line matching `pattern`. */
function startChild(args, pattern) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`${args[0]} exited (${code})`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolve({ child, match: m[1] });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "bench-enclave-egress-"));
const tls = createTestCa(["localhost"]);
const ca = createSimulatorCa();
writeFileSync(join(work, "root.pem"), ca.certificatePem);
writeFileSync(join(work, "tls-cert.pem"), tls.certPem);
writeFileSync(join(work, "tls-key.pem"), tls.keyPem, { mode: 0o600 });
const children = [];
try {
  const kms = await startChild([join(root, "packages/kms-local/bin/kms-local.js"), "--port", "0", "--trust-root", join(work, "root.pem"),
    "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`, "--tls-cert", join(work, "tls-cert.pem"), "--tls-key", join(work, "tls-key.pem")],
    /listening on https:\/\/127\.0\.0\.1:(\d+)/);
  children.push(kms.child);
  const proxy = await startChild(["--input-type=module", "-e",
    `import { Server } from "proxy-chain"; const s = new Server({ port: 0, host: "127.0.0.1" }); await s.listen(); console.log("proxy on " + s.port);`],
    /proxy on (\d+)/);
  children.push(proxy.child);
  const endpoint = `https://localhost:${kms.match}`;

  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const pcr0 = Buffer.from(parseAttestation(await handle.attest()).pcrs.get(0)).toString("hex");
  const newClient = (egress) => createEnclaveKmsClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, handle, ca: [tls.caPem], egress });
  const direct = newClient("direct");
  const proxied = newClient({ proxy: `http://127.0.0.1:${proxy.match}` });
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["kms:Encrypt", "kms:Describe*", "kms:Put*", "kms:Get*"], Resource: "*" },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:Decrypt", Resource: "*",
        Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0 } } },
    ],
  });
  // The plugin passes CreateKey and Encrypt through untouched: the direct client does the setup.
  const { KeyMetadata } = await direct.send(new CreateKeyCommand({ Policy: policy }));
  const dataKey = Buffer.alloc(32, 7);
  const { CiphertextBlob } = await direct.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: dataKey }));
  const check = (plaintext) => {
    if (!dataKey.equals(Buffer.from(plaintext))) throw new Error("wrong plaintext");
  };
  const candidates = [
    { label: "direct TLS", call: async () => check((await direct.send(new DecryptCommand({ CiphertextBlob }))).Plaintext) },
    { label: "through the CONNECT proxy", call: async () => check((await proxied.send(new DecryptCommand({ CiphertextBlob }))).Plaintext) },
  ];
  for (const c of candidates) {
    c.rates = [];
    c.cpuUs = [];
    for (let i = 0; i < 30; i++) await c.call(); // warm-up: JIT, the kept-alive connection, kms-local's document cache
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(round + k) % candidates.length];
      let n = 0;
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const end = Date.now() + ROUND_MS;
      while (Date.now() < end) {
        await c.call();
        n++;
      }
      c.rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
      const { user, system } = process.cpuUsage(cpu);
      c.cpuUs.push((user + system) / n);
    }
  }
  console.log(`Attested Decrypt against kms-local over TLS (separate process), keep-alive, sequential calls, ${ROUNDS} rounds x 2 x ${ROUND_MS} ms`);
  for (const c of candidates) {
    console.log(`  ${c.label.padEnd(26)} ${median(c.rates).toFixed(1).padStart(8)} calls/s (median; rounds ${Math.min(...c.rates).toFixed(0)}-${Math.max(...c.rates).toFixed(0)})` +
      `  ${median(c.cpuUs).toFixed(0).padStart(6)} µs CPU per call in this process`);
  }
  const [d, p] = candidates;
  const ratio = median(p.rates.map((x, i) => x / d.rates[i]));
  const cpu = median(d.cpuUs.map((x, i) => x / p.cpuUs[i]));
  console.log(`  through the proxy / direct: calls/s ${ratio.toFixed(3)}, CPU (direct / proxied) ${cpu.toFixed(3)}  (goal >= 0.8: ${ratio >= 0.8 ? "met" : "NOT met"})`);
  direct.destroy();
  proxied.destroy();
  handle.close();
} finally {
  for (const child of children) {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  }
  rmSync(work, { recursive: true, force: true });
}
