// `pnpm bench nitro-kms`: what a shell script pays per call of `nitro-kms genrandom --length 32`, start-up
// included, against kms-local (the `kms-local` command on loopback, trusting a simulated NSM's CA). Side by
// side, each a fresh `node` process timed from spawn to exit, rounds interleaved (order rotated each round),
// medians:
//   - nitro-kms: the built bin, `genrandom --length 32 --simulate --simulator-ca CA --endpoint URL -k -s`;
//   - node -e, the same request: a script that requires the official @aws-sdk/client-kms, the nsm package's
//     simulator and the enclave package's plugin, makes the same enclave (a SimulatedNsm with the same CA,
//     an EnclaveHandle) and sends GenerateRandom of 32 bytes with its attestation document as Recipient;
//   - for reference, node -e with the official client alone sending GenerateRandom without a Recipient (what
//     a caller outside an enclave pays: no enclave key, no attestation).
// Goal: nitro-kms / node -e (same request) <= 1.2. Run after `pnpm build`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startKmsLocalProcess } from "./kms-local-process.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const fromTests = createRequire(join(root, "test/package.json"));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GOAL = 1.2;
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const dist = (pkg, file = "index.js") => join(root, "packages", pkg, "dist/cjs", file);

let nsm;
try {
  nsm = require(dist("nsm", "simulator/index.js"));
  for (const pkg of ["cli", "enclave", "kms-local"]) require.resolve(dist(pkg));
} catch (e) {
  console.error(`cannot load the built packages: run \`pnpm build\` first (${e.message})`);
  process.exit(1);
}
const official = fromTests.resolve("official-client-kms");


/** Spawns `argv` under node, waits for it to exit 0 with one PLAINTEXT line of 32 bytes; resolves with the wall time in ms. */
function timed(argv) {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  for (const name of ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) delete env[name];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      const m = /^PLAINTEXT: (\S+)\n$/.exec(out);
      if (code !== 0 || !m || Buffer.from(m[1], "base64").length !== 32) reject(new Error(`${argv.slice(0, 3).join(" ")}: exit ${code}: ${out}${err}`));
      else resolve(ms);
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "bench-nitro-kms-"));
const caFile = join(work, "simulator-ca.pem");
nsm.loadOrCreateSimulatorCa(caFile);
const server = await startKmsLocalProcess(caFile, CREDENTIALS);
try {
  const sameRequest = `
const { KMSClient, GenerateRandomCommand } = require(${JSON.stringify(official)});
const { EnclaveHandle } = require(${JSON.stringify(dist("nsm"))});
const { SimulatedNsm, loadOrCreateSimulatorCa } = require(${JSON.stringify(dist("nsm", "simulator/index.js"))});
const { enclaveRecipient } = require(${JSON.stringify(dist("enclave"))});
(async () => {
  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca: loadOrCreateSimulatorCa(${JSON.stringify(caFile)}) }) });
  const kms = new KMSClient({ endpoint: ${JSON.stringify(server.endpoint)}, region: "us-east-1", credentials: ${JSON.stringify(CREDENTIALS)} });
  kms.middlewareStack.use(enclaveRecipient(handle));
  const { Plaintext } = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
  process.stdout.write("PLAINTEXT: " + Buffer.from(Plaintext).toString("base64") + "\\n");
  kms.destroy();
})();`;
  const withoutRecipient = `
const { KMSClient, GenerateRandomCommand } = require(${JSON.stringify(official)});
(async () => {
  const kms = new KMSClient({ endpoint: ${JSON.stringify(server.endpoint)}, region: "us-east-1", credentials: ${JSON.stringify(CREDENTIALS)} });
  const { Plaintext } = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
  process.stdout.write("PLAINTEXT: " + Buffer.from(Plaintext).toString("base64") + "\\n");
  kms.destroy();
})();`;
  const candidates = [
    { label: "nitro-kms genrandom --length 32", argv: [join(root, "packages/cli/bin/nitro-kms.js"), "genrandom", "--length", "32", "--simulate", "--simulator-ca", caFile,
      "--endpoint", server.endpoint, "-k", CREDENTIALS.accessKeyId, "-s", CREDENTIALS.secretAccessKey], times: [] },
    { label: "node -e, official client, same request", argv: ["-e", sameRequest], times: [] },
    { label: "node -e, official client, no Recipient", argv: ["-e", withoutRecipient], times: [] },
  ];
  for (const c of candidates) await timed(c.argv); // warm the file cache
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = candidates.map((_, i) => candidates[(i + round) % candidates.length]);
    for (const c of order) c.times.push(await timed(c.argv));
    ratios.push(candidates[0].times[round] / candidates[1].times[round]);
  }
  console.log(`${ROUNDS} rounds, one process per call, wall time from spawn to exit (median):`);
  for (const c of candidates) console.log(`  ${c.label.padEnd(42)} ${median(c.times).toFixed(0).padStart(5)} ms   (min ${Math.min(...c.times).toFixed(0)}, max ${Math.max(...c.times).toFixed(0)})`);
  const ratio = median(candidates[0].times) / median(candidates[1].times);
  console.log(`nitro-kms / node -e same request: ${ratio.toFixed(2)} (median of per-round ratios ${median(ratios).toFixed(2)}); goal <= ${GOAL}: ${ratio <= GOAL ? "met" : "NOT met"}`);
  console.log(`nitro-kms / node -e without Recipient: ${(median(candidates[0].times) / median(candidates[2].times)).toFixed(2)} (the enclave key and the attestation, for reference)`);
  process.exitCode = ratio <= GOAL ? 0 : 1;
} finally {
  server.child.kill();
  rmSync(work, { recursive: true, force: true });
}
