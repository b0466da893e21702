// `pnpm bench kms-local`: how fast kms-local answers on loopback, and where a request's time goes.
//   - the floor: the bare RSA + CMS work of a Recipient answer (encryptForRecipient: AES-256-CBC of a
//     32-byte data key, RSA-OAEP-SHA256 of the content key to an RSA-2048 public key, the BER envelope),
//     in this process, ops/s;
//   - kms-local (the `kms-local` command, its own process) under a minimal keep-alive loopback client that
//     replays requests the generated client signed (SigV4 allows replays within 5 minutes), 16 in flight:
//     Decrypt, Decrypt with Recipient, GenerateDataKey with Recipient, requests/s; rounds interleaved,
//     median taken;
//     besides requests/s (which on a shared 2-core machine also depends on the client's share of the CPU),
//     the server's own CPU time per request (from /proc/<pid>/stat), and from it the requests/s one server
//     core sustains;
//   - the split of one GenerateDataKey-with-Recipient request: RSA/CMS and the attestation check (every
//     request's document is verified), measured alone in this process, against the server CPU time per
//     request; the rest is HTTP, JSON, SigV4 and policy;
//   - two reference servers, same client, same rounds: the transport alone (a no-op node:http server), and
//     the transport plus the RSA/CMS work alone (a node:http server that only runs encryptForRecipient per
//     request): the best any node:http server doing this work could reach, i.e. the ceiling of the ratio;
//   - with BENCH_KMS_LOCAL_BASELINE=<a kms-local dist directory> (e.g. one built from an older commit, copied
//     to packages/kms-local/dist-before), that build's server too, in the same rounds: before/after side by side.
// kms-local has no speed goal: the figures say where the time goes.
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const load = (pkg, file = "dist/cjs/index.js") => {
  try {
    return require(join(root, "packages", pkg, file));
  } catch (e) {
    console.error(`cannot load packages/${pkg}/${file}: run \`pnpm build\` first (${e.message})`);
    process.exit(1);
  }
};
const { NsmClient } = load("nsm");
const { SimulatedNsm, createSimulatorCa } = load("nsm", "dist/cjs/simulator/index.js");
const { KMSClient, CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand } = load("client-kms");
const { encryptForRecipient } = load("kms-local");
const { RecipientVerifier } = load("kms-local", "dist/cjs/recipient.js");
const { Input } = load("kms-local", "dist/cjs/input.js");
const { nsmAttestationVerifier } = load("kms-local", "dist/cjs/attestation.js");

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench-secret" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
/** CPU seconds (user + system) a process has used so far, or NaN where /proc is not available. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** ops/s of a synchronous function, median of rounds. */
function opsPerSecond(fn, rounds = ROUNDS, ms = 400) {
  for (const end = Date.now() + 100; Date.now() < end; ) fn();
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (let i = 0; i < 20; i++) fn();
      n += 20;
    }
    rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return median(rates);
}

async function opsPerSecondAsync(fn, rounds = ROUNDS, ms = 400) {
  for (let i = 0; i < 200; i++) await fn();
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const end = Date.now() + ms;
    while (Date.now() < end) {
      await fn();
      n++;
    }
    rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return median(rates);
}

/** Starts a server process that prints "listening on <endpoint>"; resolves with the child and its endpoint. */
function startProcess(args) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`server exited (${code})`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1] });
    });
  });
}

const serverArgs = (trustRoot) => ["--port", "0", "--trust-root", trustRoot, "--credential", `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}`];
const startServer = (trustRoot) => startProcess([join(root, "packages/kms-local/bin/kms-local.js"), ...serverArgs(trustRoot)]);
/** Another build of kms-local (a dist directory with cjs/cli.js), for a side-by-side comparison. */
const BASELINE = process.env.BENCH_KMS_LOCAL_BASELINE;
const startBaseline = (trustRoot) =>
  startProcess(["-e", `require(${JSON.stringify(join(BASELINE, "cjs/cli.js"))}).main(process.argv.slice(1))`, "--", ...serverArgs(trustRoot)]);

// The transport alone: a node:http server that reads the request and answers a fixed small JSON body.
const NOOP_SERVER = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => {
  s.writeHead(200, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": require("node:crypto").randomUUID() });
  s.end('{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"}'); }); })
  .listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });`;

// The transport plus the RSA/CMS work alone: per request, encryptForRecipient of a 32-byte key to an
// RSA-2048 key (parsed once, as kms-local's cache holds it), answered with a body of the same shape.
const CMS_SERVER = `const { generateKeyPairSync, randomBytes, randomUUID } = require("node:crypto");
const { encryptForRecipient } = require(${JSON.stringify(join(root, "packages/kms-local/dist/cjs/index.js"))});
const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const spki = publicKey.export({ type: "spki", format: "der" });
require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => {
  const body = JSON.stringify({ CiphertextBlob: randomBytes(100).toString("base64"),
    KeyId: "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000",
    CiphertextForRecipient: encryptForRecipient(randomBytes(32), publicKey, spki).toString("base64") });
  s.writeHead(200, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": randomUUID() });
  s.end(body); }); })
  .listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });`;

/** The request the generated client sends for a command, signed, captured instead of sent. */
async function signed(endpoint, command) {
  let captured;
  const client = new KMSClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1, requestHandler: {
    handle: async (req) => {
      const b = req.body;
      captured = { headers: { ...req.headers }, body: typeof b === "string" ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength) };
      throw new Error("captured");
    },
  } });
  await client.send(command).catch(() => undefined);
  return captured;
}

/**
 * One pre-signed request replayed with IN_FLIGHT concurrent keep-alive connections for `ms`:
 * requests/s, and the server's CPU microseconds per request.
 */
function replay(endpoint, req, ms, serverPid) {
  const cpuBefore = cpuSeconds(serverPid);
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let done = 0;
  let errors = 0;
  let firstError;
  const end = Date.now() + ms;
  const start = process.hrtime.bigint();
  const one = () =>
    new Promise((resolve) => {
      const r = request({ host: url.hostname, port: url.port, method: "POST", path: "/", headers: req.headers, agent }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          if (res.statusCode === 200) done++;
          else {
            errors++;
            firstError ??= Buffer.concat(chunks).toString();
          }
          resolve();
        });
      });
      r.on("error", (e) => {
        errors++;
        firstError ??= e.message;
        resolve();
      });
      r.end(req.body);
    });
  const lane = async () => {
    while (Date.now() < end) await one();
  };
  return Promise.all(Array.from({ length: IN_FLIGHT }, lane)).then(() => {
    agent.destroy();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (errors) throw new Error(`${errors} failed requests, first: ${firstError}`);
    return { rate: done / seconds, cpuUs: ((cpuSeconds(serverPid) - cpuBefore) * 1e6) / done };
  });
}

const work = mkdtempSync(join(tmpdir(), "kms-local-bench-"));
let server;
let noop;
let cmsOnly;
let baseline;
try {
  const ca = createSimulatorCa();
  writeFileSync(join(work, "root.pem"), ca.certificatePem);
  server = await startServer(join(work, "root.pem"));
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const document = await new NsmClient(new SimulatedNsm({ ca })).attestation({ publicKey: spki });
  const recipient = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: document };

  /** A key on a kms-local, and the three requests for it, signed for that server. */
  async function requestsFor(endpoint) {
    const client = new KMSClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
    const keyId = (await client.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
    const blob = (await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(32, 7) }))).CiphertextBlob;
    client.destroy();
    return {
      "Decrypt": await signed(endpoint, new DecryptCommand({ CiphertextBlob: blob })),
      "Decrypt with Recipient": await signed(endpoint, new DecryptCommand({ CiphertextBlob: blob, Recipient: recipient })),
      "GenerateDataKey with Recipient": await signed(endpoint, new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", Recipient: recipient })),
    };
  }
  const requests = await requestsFor(server.endpoint);

  // Parts, in this process. The floor is measured again between the server rounds (the machine is shared:
  // its speed drifts), and the median of all its rounds is used.
  const dataKey = Buffer.alloc(32, 1);
  const floorRates = [opsPerSecond(() => encryptForRecipient(dataKey, publicKey, spki), 3, 300)];
  // The attestation check as a request makes it: read the Recipient member, verify the document.
  const verifier = new RecipientVerifier(nsmAttestationVerifier([ca.certificatePem], true));
  const recipientInput = Input.parse(Buffer.from(requests["GenerateDataKey with Recipient"].body));
  const attestationCheck = await opsPerSecondAsync(() => verifier.verified(verifier.read(recipientInput)), ROUNDS, 400);

  // Server, rounds interleaved across the three request kinds.
  noop = await startProcess(["-e", NOOP_SERVER]);
  cmsOnly = await startProcess(["-e", CMS_SERVER]);
  if (BASELINE) baseline = await startBaseline(join(work, "root.pem"));
  const baselineRequests = baseline ? await requestsFor(baseline.endpoint) : {};
  const NOOP = "(transport alone: no-op node:http server)";
  const CMS_ONLY = "(transport + RSA/CMS alone: node:http server)";
  const targets = [
    ...Object.entries(requests).map(([name, req]) => ({ name, req, server })),
    ...Object.entries(baselineRequests).map(([name, req]) => ({ name: `${name} [baseline]`, req, server: baseline })),
    { name: NOOP, req: requests["GenerateDataKey with Recipient"], server: noop },
    { name: CMS_ONLY, req: requests["GenerateDataKey with Recipient"], server: cmsOnly },
  ];
  const rates = Object.fromEntries(targets.map((t) => [t.name, []]));
  const cpu = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (const t of targets) await replay(t.server.endpoint, t.req, 300, t.server.child.pid); // warm up
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets) {
      const { rate, cpuUs } = await replay(t.server.endpoint, t.req, ROUND_MS, t.server.child.pid);
      rates[t.name].push(rate);
      cpu[t.name].push(cpuUs);
    }
    floorRates.push(opsPerSecond(() => encryptForRecipient(dataKey, publicKey, spki), 1, 300));
  }
  const floor = median(floorRates);

  const fmt = (n) => Math.round(n).toLocaleString("en-US").padStart(8);
  console.log(`bare RSA-OAEP-2048 + CMS (encryptForRecipient, 32 bytes)   ${fmt(floor)} ops/s   (the floor; rounds: ${floorRates.map((x) => Math.round(x)).join(", ")})`);
  console.log(`attestation check (Recipient read + verification of its ${document.length}-byte document) ${fmt(attestationCheck)} ops/s`);
  if (baseline) console.log(`[baseline] = the kms-local build in ${BASELINE}, its keys created the same way, same rounds`);
  console.log(`\nkms-local server process, ${IN_FLIGHT} in flight, keep-alive loopback, pre-signed requests (median of ${ROUNDS} x ${ROUND_MS} ms):`);
  console.log(`  ${"".padEnd(46)} measured    server CPU/request   = req/s per server core`);
  for (const [name, xs] of Object.entries(rates)) {
    const us = median(cpu[name]);
    console.log(`  ${name.padEnd(46)} ${fmt(median(xs))} req/s ${us.toFixed(1).padStart(8)} µs ${fmt(1e6 / us)} req/s   (rounds: ${xs.map((x) => Math.round(x)).join(", ")})`);
  }
  const measuredCpu = median(cpu["GenerateDataKey with Recipient"]);
  const gdk = Number.isFinite(measuredCpu) ? 1e6 / measuredCpu : median(rates["GenerateDataKey with Recipient"]);
  const perRequestUs = 1e6 / gdk;
  const rsaUs = 1e6 / floor;
  const attUs = 1e6 / attestationCheck;
  console.log(`\none GenerateDataKey with Recipient: ${perRequestUs.toFixed(1)} µs of server time`);
  console.log(`  RSA/CMS                      ${rsaUs.toFixed(1).padStart(6)} µs  ${(100 * rsaUs / perRequestUs).toFixed(0).padStart(3)}%`);
  console.log(`  attestation check            ${attUs.toFixed(1).padStart(6)} µs  ${(100 * attUs / perRequestUs).toFixed(0).padStart(3)}%`);
  const httpUs = median(cpu[NOOP]);
  const restUs = perRequestUs - rsaUs - attUs - httpUs;
  console.log(`  HTTP transport (no-op server) ${httpUs.toFixed(1).padStart(5)} µs  ${(100 * httpUs / perRequestUs).toFixed(0).padStart(3)}%`);
  console.log(`  JSON + SigV4 + policy + KMS  ${restUs.toFixed(1).padStart(6)} µs  ${(100 * restUs / perRequestUs).toFixed(0).padStart(3)}%`);
  console.log(`  (HTTP + JSON together: ${(httpUs + restUs).toFixed(1)} µs, ${(100 * (httpUs + restUs) / perRequestUs).toFixed(0)}%)`);
  // The no-op server's client never waits, so it never needs waking; kms-local's client does (the server is
  // the bottleneck), and the wake-up is charged to the server's write. The RSA/CMS-only server is in the
  // same regime as kms-local, so the difference to it is what kms-local itself adds.
  const cmsOnlyUs = median(cpu[CMS_ONLY]);
  console.log(`  the same request on the transport + RSA/CMS-only server: ${cmsOnlyUs.toFixed(1)} µs; kms-local adds ${(perRequestUs - cmsOnlyUs).toFixed(1)} µs (SigV4, JSON, attestation, policy, key, ciphertext blob)`);
  const addedUs = median(cpu["Decrypt with Recipient"]) - median(cpu["Decrypt"]);
  console.log(`\nwhat Recipient adds to a Decrypt: ${addedUs.toFixed(1)} µs of server time = ${(addedUs / rsaUs).toFixed(2)}x the bare RSA + CMS work`);
  const ratio = gdk / floor;
  const ceiling = 1e6 / median(cpu[CMS_ONLY]) / floor;
  console.log(`\nceiling: transport + RSA/CMS alone, per server core / bare RSA + CMS = ${ceiling.toFixed(2)}x (no SigV4, JSON, attestation, policy or key work at all)`);
  if (baseline) {
    const before = 1e6 / median(cpu["GenerateDataKey with Recipient [baseline]"]) / floor;
    console.log(`GenerateDataKey with Recipient per server core / bare RSA + CMS, baseline build = ${before.toFixed(2)}x`);
  }
  console.log(`GenerateDataKey with Recipient per server core / bare RSA + CMS = ${ratio.toFixed(2)}x`);
} finally {
  for (const p of [server, noop, cmsOnly, baseline]) {
    p?.child.removeAllListeners("exit");
    p?.child.kill("SIGTERM");
  }
  rmSync(work, { recursive: true, force: true });
}
