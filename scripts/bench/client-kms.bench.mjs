// `pnpm bench client-kms`: our generated client against the official @aws-sdk/client-kms, side by side
// in one run. Measures
//   - cold import: a fresh node process per round loads the package (require for CJS, import() for ESM),
//     rounds interleaved between the two clients; median time, and the heap the import adds (after gc);
//     then, in the same process, the first send(DecryptCommand) (client construction, config resolution
//     and anything a client defers to first use) and the heap after it;
//   - send(DecryptCommand) ops/s through the whole middleware stack (serde, endpoint, SigV4 signing,
//     retries) against an in-process requestHandler that answers a canned response; timed batches
//     interleaved between the two clients; median.
// CPU-time figures ride along: on a shared, loaded machine they move less than wall-clock ones.
// Prints the figures and the ratios ours/official (goal: import time <= 1.0, ops/s >= 1.0).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

// Both clients warn once that future SDK releases need Node 22; that is not a figure, keep it out of the table.
process.removeAllListeners("warning");
process.on("warning", (w) => !`${w.name} ${w.message}`.includes("NodeVersionSupportWarning") && console.error(`${w.name}: ${w.message}`));

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
// Both clients are dependencies of the workspace's test package; resolve them from there.
const fromTests = createRequire(join(root, "test/package.json"));
const CANDIDATES = [
  // BENCH_CLIENT_KMS_OURS=official-client-kms runs an A/A control: the spread of its ratios around 1.0
  // is the noise floor of this machine at that moment.
  { label: "ours", specifier: process.env.BENCH_CLIENT_KMS_OURS ?? "@nitro-enclaves-sdk/client-kms" },
  { label: "official", specifier: "official-client-kms" },
];
const IMPORT_ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 9);
const SEND_ROUNDS = Number(process.env.BENCH_SEND_ROUNDS ?? 15);
const SEND_BATCH_MS = Number(process.env.BENCH_SEND_BATCH_MS ?? 300);

for (const c of CANDIDATES) {
  try {
    c.cjs = fromTests.resolve(c.specifier);
    c.name = fromTests(`${c.specifier}/package.json`).name;
    c.version = fromTests(`${c.specifier}/package.json`).version;
  } catch (e) {
    console.error(`cannot resolve ${c.specifier} from test/: ${e.message}\n(run \`pnpm install && pnpm build\` first)`);
    process.exit(1);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 1) => x.toFixed(digits);

// ---- cold import -------------------------------------------------------------------------------
// The child measures only the load itself; its own start-up and a gc'd baseline heap are subtracted.
const CHILD = `
const { performance } = require("node:perf_hooks");
const { Readable } = require("node:stream");
const [mode, target] = process.argv.slice(1);
global.gc(); const before = process.memoryUsage().heapUsed;
const t0 = performance.now();
const c0 = process.cpuUsage();
const loaded = mode === "cjs" ? Promise.resolve(require(target)) : import(target);
loaded.then(async (m) => {
  const ms = performance.now() - t0;
  const { user, system } = process.cpuUsage(c0);
  const cpuMs = (user + system) / 1000;
  if (typeof m.KMSClient !== "function") throw new Error("no KMSClient in " + target);
  global.gc(); const heap = process.memoryUsage().heapUsed - before;
  // Then the first call: client construction, config resolution and whatever was deferred to it.
  const body = Buffer.from(JSON.stringify({ KeyId: "k", Plaintext: "AAECAw==", EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }));
  const requestHandler = { handle: async () => ({ response: { statusCode: 200, headers: {}, body: Readable.from([body]) } }) };
  const t1 = performance.now();
  const client = new m.KMSClient({ region: "us-west-2", credentials: { accessKeyId: "A", secretAccessKey: "S" }, requestHandler });
  await client.send(new m.DecryptCommand({ CiphertextBlob: new Uint8Array(8) }));
  const firstSend = performance.now() - t1;
  global.gc(); const heapAfterSend = process.memoryUsage().heapUsed - before;
  process.stdout.write(JSON.stringify({ ms, cpuMs, heap, firstSend, heapAfterSend }));
});
`;

function coldImport(mode, c) {
  const target = mode === "cjs" ? c.cjs : esmEntry(c);
  const r = spawnSync(process.execPath, ["--expose-gc", "--no-warnings", "-e", CHILD, mode, target], { encoding: "utf8", cwd: root });
  if (r.status !== 0) throw new Error(`import of ${c.specifier} (${mode}) failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function esmEntry(c) {
  // The ESM entry is what `import` resolves to from the test package; resolve it as Node would.
  const r = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `process.stdout.write(import.meta.resolve(${JSON.stringify(c.specifier)}))`],
    { cwd: join(root, "test"), encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`cannot resolve ESM entry of ${c.specifier}:\n${r.stderr}`);
  return r.stdout;
}

const importResults = {};
for (const mode of ["cjs", "esm"]) {
  for (const c of CANDIDATES) importResults[`${mode}:${c.label}`] = { ms: [], cpuMs: [], heap: [], firstSend: [], heapAfterSend: [] };
  for (let round = 0; round < IMPORT_ROUNDS; round++) {
    // Alternate which client goes first, so neither always gets the warmer page cache.
    const order = round % 2 ? [...CANDIDATES].reverse() : CANDIDATES;
    for (const c of order) {
      const sample = coldImport(mode, c);
      for (const [k, v] of Object.entries(sample)) importResults[`${mode}:${c.label}`][k].push(v);
    }
  }
}

// ---- send(DecryptCommand) ------------------------------------------------------------------------
const DECRYPT_RESPONSE = Buffer.from(
  JSON.stringify({
    KeyId: "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    Plaintext: Buffer.alloc(32, 7).toString("base64"),
    EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
  }),
);
const handler = {
  async handle() {
    return {
      response: {
        statusCode: 200,
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "bench" },
        body: Readable.from([DECRYPT_RESPONSE]),
      },
    };
  },
};
const decryptInput = {
  CiphertextBlob: Buffer.alloc(184, 1),
  EncryptionContext: { purpose: "bench", tenant: "t-1" },
  Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: Buffer.alloc(4500, 2) },
};

for (const c of CANDIDATES) {
  const mod = fromTests(c.specifier);
  c.client = new mod.KMSClient({
    region: "us-west-2",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    requestHandler: handler,
    maxAttempts: 1,
  });
  c.Decrypt = mod.DecryptCommand;
  const out = await c.client.send(new c.Decrypt(decryptInput));
  if (out.Plaintext?.length !== 32) throw new Error(`${c.label}: unexpected Decrypt output`);
}

/** Sends for `ms` of wall time; returns ops per wall second and ops per CPU second of this process. */
async function batch(c, ms) {
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() < end) {
    // 20 sends per clock check, so reading the clock costs nothing measurable.
    for (let i = 0; i < 20; i++) await c.client.send(new c.Decrypt(decryptInput));
    n += 20;
  }
  const { user, system } = process.cpuUsage(c0);
  return { wall: n / ((performance.now() - t0) / 1000), cpu: n / ((user + system) / 1e6) };
}

for (const c of CANDIDATES) await batch(c, 500); // warm up the JIT for both before timing either
const sendResults = Object.fromEntries(CANDIDATES.map((c) => [c.label, { wall: [], cpu: [] }]));
for (let round = 0; round < SEND_ROUNDS; round++) {
  const order = round % 2 ? [...CANDIDATES].reverse() : CANDIDATES;
  for (const c of order) {
    global.gc?.();
    const { wall, cpu } = await batch(c, SEND_BATCH_MS);
    sendResults[c.label].wall.push(wall);
    sendResults[c.label].cpu.push(cpu);
  }
}

// ---- report --------------------------------------------------------------------------------------
const [ours, official] = CANDIDATES;
console.log(`ours     = ${ours.name}@${ours.version}\nofficial = ${official.name}@${official.version} (as ${official.specifier})`);
console.log(`node ${process.version}; cold import: ${IMPORT_ROUNDS} fresh processes each, medians; send: ${SEND_ROUNDS} x ${SEND_BATCH_MS} ms batches each, median\n`);
// Each row: the medians of both, and the median of the per-round ratios (each round measured ours and the
// official back to back, so a ratio within a round shares the machine's load of that moment).
const pairedRatio = (o, a) => median(o.map((x, i) => x / a[i]));
const rows = [];
const row = (label, o, a, digits, scale = 1) => rows.push([label, median(o) / scale, median(a) / scale, pairedRatio(o, a), digits]);
for (const mode of ["cjs", "esm"]) {
  const o = importResults[`${mode}:ours`];
  const a = importResults[`${mode}:official`];
  row(`cold import time, ${mode} (ms)`, o.ms, a.ms, 1);
  row(`  CPU time of it (ms)`, o.cpuMs, a.cpuMs, 1);
  row(`heap after import, ${mode} (MiB)`, o.heap, a.heap, 2, 2 ** 20);
  row(`then first send, ${mode} (ms)`, o.firstSend, a.firstSend, 1);
  row(`heap after first send, ${mode} (MiB)`, o.heapAfterSend, a.heapAfterSend, 2, 2 ** 20);
}
row("send(DecryptCommand) (ops/s)", sendResults.ours.wall, sendResults.official.wall, 0);
row("  per CPU second (ops/CPU-s)", sendResults.ours.cpu, sendResults.official.cpu, 0);
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${"".padEnd(w)}  ${"ours".padStart(10)}  ${"official".padStart(10)}  ours/official (median of paired rounds)`);
for (const [label, o, a, ratio, digits] of rows) {
  console.log(`${label.padEnd(w)}  ${fmt(o, digits).padStart(10)}  ${fmt(a, digits).padStart(10)}  ${fmt(ratio, 3).padStart(13)}`);
}
for (const c of CANDIDATES) c.client.destroy();
