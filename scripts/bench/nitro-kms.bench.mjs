// `pnpm bench nitro-kms`: what a shell script pays per call of `nitro-kms genrandom --length 32`, start-up
// included, against kms-local (the `kms-local` command on loopback, trusting a simulated NSM's CA). Each
// candidate is a fresh `node` process timed from spawn to exit:
//   - nitro-kms: the built bin, `genrandom --length 32 --simulate --simulator-ca CA --endpoint URL -k -s`;
//   - node -e, the same request: a script that requires the official @aws-sdk/client-kms, the nsm package's
//     simulator and the enclave package's plugin, makes the same enclave (a SimulatedNsm with the same CA, an
//     EnclaveHandle) and sends GenerateRandom of 32 bytes with its attestation document as Recipient;
//   - for reference, node -e with the official client alone, without a Recipient (what a caller outside an
//     enclave pays: no enclave key, no attestation).
// Goal: nitro-kms takes at most 1.2x the time of node -e with the same request (a ratio >= 1/1.2 below).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bin, compare, entryPath, load, startProcess } from "./harness.mjs";

const { loadOrCreateSimulatorCa } = load("@nitro-enclaves-sdk/nsm/simulator");
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };

/** Runs `node argv` to its exit, which must be 0 with one PLAINTEXT line of 32 bytes; the wall time as one sample. */
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
      const seconds = (performance.now() - t0) / 1000;
      const m = /^PLAINTEXT: (\S+)\n$/.exec(out);
      if (code !== 0 || !m || Buffer.from(m[1], "base64").length !== 32) reject(new Error(`${argv.slice(0, 3).join(" ")}: exit ${code}: ${out}${err}`));
      else resolve({ ops: 1, seconds });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "bench-nitro-kms-"));
const caFile = join(work, "simulator-ca.pem");
loadOrCreateSimulatorCa(caFile);
const server = await startProcess([bin("@nitro-enclaves-sdk/kms-local"), "--port", "0", "--trust-root", caFile,
  "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`]);
const endpoint = server.match[1];
try {
  const json = JSON.stringify;
  const sendGenerateRandom = `
  const { Plaintext } = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
  process.stdout.write("PLAINTEXT: " + Buffer.from(Plaintext).toString("base64") + "\\n");
  kms.destroy();`;
  const sameRequest = `
const { KMSClient, GenerateRandomCommand } = require(${json(entryPath("official-client-kms"))});
const { EnclaveHandle } = require(${json(entryPath("@nitro-enclaves-sdk/nsm"))});
const { SimulatedNsm, loadOrCreateSimulatorCa } = require(${json(entryPath("@nitro-enclaves-sdk/nsm/simulator"))});
const { enclaveRecipient } = require(${json(entryPath("@nitro-enclaves-sdk/enclave"))});
(async () => {
  const handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca: loadOrCreateSimulatorCa(${json(caFile)}) }) });
  const kms = new KMSClient({ endpoint: ${json(endpoint)}, region: "us-east-1", credentials: ${json(CREDENTIALS)} });
  kms.middlewareStack.use(enclaveRecipient(handle));${sendGenerateRandom}
})();`;
  const withoutRecipient = `
const { KMSClient, GenerateRandomCommand } = require(${json(entryPath("official-client-kms"))});
(async () => {
  const kms = new KMSClient({ endpoint: ${json(endpoint)}, region: "us-east-1", credentials: ${json(CREDENTIALS)} });${sendGenerateRandom}
})();`;
  const nitroKms = [bin("@nitro-enclaves-sdk/cli"), "genrandom", "--length", "32", "--simulate", "--simulator-ca", caFile,
    "--endpoint", endpoint, "-k", CREDENTIALS.accessKeyId, "-s", CREDENTIALS.secretAccessKey];

  await compare("GenerateRandom of 32 bytes with Recipient against kms-local, one process per call, spawn to exit", [
    { label: "node -e, official client, same request", sample: () => timed(["-e", sameRequest]) },
    { label: "nitro-kms genrandom --length 32", sample: () => timed(nitroKms) },
    { label: "node -e, official client, no Recipient", sample: () => timed(["-e", withoutRecipient]) },
  ], {
    baseline: "node -e, official client, same request",
    rounds: 15,
    goals: [{ candidate: "nitro-kms genrandom --length 32", atLeast: 1 / 1.2 }],
  });
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true });
}
