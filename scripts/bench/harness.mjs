// The bench harness. A bench (scripts/bench/*.bench.mjs) states its candidates, workload and goals;
// this module loads the packages it measures and runs the comparison:
//   - packages are loaded only through their public entry points ("exports"), resolved from where the
//     workspace installs them (the root's and test/'s node_modules), as an application would load the
//     published package; a workspace package that is not built, or whose dist/ is older than its src/,
//     is refused with a message saying to run `pnpm build`;
//   - candidates run side by side in interleaved rounds (the order rotated each round), and the report
//     gives each candidate's medians and, against a named baseline, the median of the per-round paired
//     ratios with their interquartile range, so that the noise is visible; goals are printed met or NOT met.
// Environment: BENCH_CONTROL=1 adds an A/A control (the baseline against itself: the noise floor) to
// every comparison; BENCH_QUICK=1 runs 3 short rounds (a smoke test of the benches, not a measurement);
// BENCH_BEFORE=<another checkout, installed and built> makes `before` load that checkout's packages, for
// before/after figures from one run. See README.md in this folder.
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { goalMet, median, pairedRatios, quantile, ratioSummary } from "./stats.cjs";

export { median, quantile };

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CONTROL = process.env.BENCH_CONTROL === "1";
const QUICK = process.env.BENCH_QUICK === "1";

/** Stops the bench with a message (no stack trace: the message says what to do). */
function refuse(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

/** The newest file under a folder: { path, mtimeMs }. */
function newestFile(dir) {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? newestFile(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (found.mtimeMs > newest.mtimeMs) newest = found;
  }
  return newest;
}

/**
 * The packages of one checkout of this repository (installed and built): load(specifier) requires a
 * public entry point; entryPath(specifier) and importUrl(specifier) give the file `require` and `import`
 * resolve it to (for child processes); bin(name) the package's command.
 */
function checkout(dir) {
  const resolvers = [createRequire(join(dir, "package.json")), createRequire(join(dir, "test/package.json"))];
  const workspace = new Map(); // package name -> its folder
  for (const entry of readdirSync(join(dir, "packages"))) {
    const manifest = join(dir, "packages", entry, "package.json");
    if (existsSync(manifest)) workspace.set(JSON.parse(readFileSync(manifest, "utf8")).name, join(dir, "packages", entry));
  }
  const manifestOf = (name) => JSON.parse(readFileSync(join(workspace.get(name), "package.json"), "utf8"));
  const checked = new Set();
  /** Refuses a workspace package (and its workspace dependencies) that is not built or older than its source. */
  function requireBuilt(name) {
    if (!workspace.has(name) || checked.has(name)) return;
    checked.add(name);
    const folder = relative(process.cwd(), workspace.get(name)) || ".";
    const manifest = manifestOf(name);
    const main = join(workspace.get(name), manifest.main);
    if (!existsSync(main)) refuse(`${name} is not built (no ${relative(process.cwd(), main)}): run \`pnpm build\` first`);
    const newest = newestFile(join(workspace.get(name), "src"));
    if (newest.mtimeMs > statSync(main).mtimeMs) {
      refuse(`${folder}/dist is older than ${relative(process.cwd(), newest.path)}: run \`pnpm build\` first`);
    }
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) if (range.startsWith("workspace:")) requireBuilt(dependency);
  }
  const packageOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

  function entryPath(specifier) {
    requireBuilt(packageOf(specifier));
    const failures = [];
    for (const resolver of resolvers) {
      try {
        return resolver.resolve(specifier);
      } catch (e) {
        failures.push(e.message.split("\n")[0]);
      }
    }
    refuse(`cannot load ${specifier} from ${dir} (or its test/ package): ${failures.join("; ")}. Run \`pnpm install && pnpm build\`; only public entry points load`);
  }

  function importUrl(specifier) {
    entryPath(specifier); // the same checks; then ask Node which file `import` picks from the same folders
    for (const cwd of [dir, join(dir, "test")]) {
      try {
        return execFileSync(process.execPath, ["--input-type=module", "-e", `process.stdout.write(import.meta.resolve(${JSON.stringify(specifier)}))`], {
          cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
        });
      } catch {
        // not installed in this folder: try the next
      }
    }
    refuse(`cannot resolve ${specifier} as an ES module from ${dir}`);
  }

  return {
    dir,
    entryPath,
    importUrl,
    /** require() of a public entry point; with `from`, a dependency of that package, resolved where it is installed. */
    load: (specifier, { from } = {}) => (from ? createRequire(entryPath(from))(specifier) : createRequire(import.meta.url)(entryPath(specifier))),
    bin(name) {
      if (!workspace.has(name)) refuse(`${name} is not a package of ${dir}`);
      requireBuilt(name);
      const { bin } = manifestOf(name);
      return join(workspace.get(name), typeof bin === "string" ? bin : Object.values(bin)[0]);
    },
  };
}

const ours = checkout(root);
export const { load, entryPath, importUrl, bin } = ours;
/** The packages of BENCH_BEFORE's checkout, or undefined. */
export const before = process.env.BENCH_BEFORE ? checkout(resolve(process.env.BENCH_BEFORE)) : undefined;

/** Starts `node <args>` and waits for a line matching `ready` on its stdout; { child, match, stop() }. */
export function startProcess(args, ready = /listening on (\S+)/) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const stop = () => {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  };
  return new Promise((resolveStarted, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`node ${args.join(" ")} exited (${code}) before it was ready`)));
    child.stdout.on("data", (d) => {
      out += d;
      const match = ready.exec(out);
      if (match) resolveStarted({ child, match, stop });
    });
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
/** CPU seconds (user + system) another process has used so far, from /proc; NaN where there is no /proc. */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

function cpuSecondsSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

/** One timed batch of a candidate: { ops, seconds, cpuSeconds?, extra? }. */
async function batch(candidate, batchMs, cpu) {
  if (candidate.prepare) await candidate.prepare();
  if (candidate.sample) return candidate.sample(batchMs);
  const cpuStart = cpu ? process.cpuUsage() : undefined;
  const start = performance.now();
  const end = start + batchMs;
  let ops = 0;
  let now;
  do {
    if (candidate.async) await candidate.run();
    else candidate.run();
    ops++;
    now = performance.now();
  } while (now < end);
  return { ops, seconds: (now - start) / 1000, cpuSeconds: cpuStart && cpuSecondsSince(cpuStart) };
}

async function warmUp(candidate, ms) {
  if (candidate.sample) {
    if (candidate.prepare) await candidate.prepare();
    await candidate.sample(ms);
    return;
  }
  const first = candidate.run();
  candidate.async = typeof first?.then === "function"; // await only what returns a promise
  await first;
  if (ms > 0) await batch(candidate, ms, false);
}

/** Warms every candidate up, then runs the rounds, the order rotated each round; the batches by candidate. */
async function measure(list, { rounds, batchMs, warmupMs, cpu, gc }) {
  for (const c of list) await warmUp(c, warmupMs);
  const samples = new Map(list.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < list.length; k++) {
      const c = list[(round + k) % list.length];
      if (gc) globalThis.gc?.();
      samples.get(c).push(await batch(c, batchMs, cpu));
    }
  }
  return samples;
}

/** Per candidate: medians of time and CPU per op and of each extra figure, and the per-round times. */
function summarise(samples) {
  const results = {};
  for (const [c, s] of samples) {
    const times = s.map((x) => x.seconds / x.ops);
    const cpuTimes = s.map((x) => x.cpuSeconds / x.ops);
    const extra = Object.keys(s[0].extra ?? {}).map((name) => [name, median(s.map((x) => x.extra[name]))]);
    results[c.label] = { timePerOp: median(times), opsPerSecond: 1 / median(times), cpuPerOp: median(cpuTimes), extra: Object.fromEntries(extra), times, cpuTimes };
  }
  return results;
}

/** Three significant digits in the smallest unit that keeps the number under 1000 once rounded. */
const formatTime = (seconds) => {
  if (!Number.isFinite(seconds)) return "–";
  for (const [scale, unit] of [[1e9, "ns"], [1e6, "µs"], [1e3, "ms"]]) {
    const digits = (seconds * scale).toPrecision(3);
    if (Number(digits) < 1000) return `${digits} ${unit}`;
  }
  return `${seconds.toPrecision(3)} s`;
};
const formatRate = (perSecond) => (perSecond >= 100 ? Math.round(perSecond).toLocaleString("en-US") : perSecond.toPrecision(3));
const formatRatio = (r) => (!Number.isFinite(r.median) ? "–" : `${r.median.toPrecision(3)}× [${r.p25.toPrecision(3)}–${r.p75.toPrecision(3)}]`);

/** The comparison as a markdown table, with a line saying how it was measured. */
function printTable(title, results, { baseline, rounds, batchMs, bySample, oneOpBatches }) {
  const labels = Object.keys(results);
  const withCpu = labels.some((label) => Number.isFinite(results[label].cpuPerOp));
  const extraNames = Object.keys(results[labels[0]].extra);
  const per = bySample ? "rounds" : batchMs === 0 ? "rounds of one operation" : `rounds × ${batchMs} ms batches`;
  const ratios = baseline === undefined ? "" : "; ratios: median [IQR] of the per-round paired ratios (above 1: faster)";
  console.log(`\n### ${title}\n${rounds} ${per}, order rotated each round; medians${ratios}; load average ${loadavg()[0].toFixed(2)}`);
  const header = ["candidate", ...(oneOpBatches ? [] : ["ops/s"]), "time/op", ...(withCpu ? ["CPU/op"] : []), ...extraNames];
  if (baseline !== undefined) header.push(`vs ${baseline}`, ...(withCpu ? [`CPU time vs ${baseline}`] : []));
  console.log(`| ${header.join(" | ")} |\n|---|${header.slice(1).map(() => "---:").join("|")}|`);
  for (const [label, r] of Object.entries(results)) {
    const cells = [label, ...(oneOpBatches ? [] : [formatRate(r.opsPerSecond)]), formatTime(r.timePerOp), ...(withCpu ? [formatTime(r.cpuPerOp)] : [])];
    cells.push(...extraNames.map((name) => r.extra[name].toPrecision(3)));
    if (baseline !== undefined) {
      cells.push(label === baseline ? "(baseline)" : formatRatio(r.ratio));
      if (withCpu) cells.push(label === baseline ? "" : formatRatio(r.cpuRatio));
    }
    console.log(`| ${cells.join(" | ")} |`);
  }
}

/**
 * Runs candidates side by side and prints a table: each candidate's median time per op, ops/s and CPU
 * time per op (where measured), and against `baseline` the median [interquartile range] of the per-round
 * paired ratios (baseline time / candidate time: above 1 is faster); then each goal, met or NOT met.
 *
 * A candidate is { label, run } (one operation, sync or returning a promise; timed in batches of
 * `batchMs`, at least one operation each) or { label, sample } (an async function that does its own
 * timing for about the `batchMs` it is given and returns { ops, seconds, cpuSeconds?, extra?: { "name
 * (unit)": number } }, for work done in another process). Its optional `prepare()` runs, untimed,
 * before each batch.
 * Options: baseline (a label), goals ([{ candidate, atLeast, vs = baseline }]), rounds, batchMs,
 * warmupMs, cpu (time this process's CPU too), gc (collect garbage before each batch; needs --expose-gc,
 * which `pnpm bench` passes), control (an A/A control row; default BENCH_CONTROL=1).
 * Returns { [label]: { timePerOp, opsPerSecond, cpuPerOp, extra, ratio, cpuRatio, times, cpuTimes } }.
 */
export async function compare(title, candidates, options = {}) {
  const { baseline, goals = [], cpu = false, gc = false, control = CONTROL } = options;
  let { rounds = 15, batchMs = 200, warmupMs = Math.max(batchMs, 200) } = options;
  if (QUICK) [rounds, batchMs, warmupMs] = [Math.min(rounds, 3), Math.min(batchMs, 20), Math.min(warmupMs, 20)];
  const list = [...candidates];
  const find = (label) => list.find((c) => c.label === label) ?? refuse(`${title}: no candidate labelled "${label}"`);
  if (baseline !== undefined && control) list.push({ ...find(baseline), label: `${baseline} (A/A control)` });
  for (const { candidate, vs = baseline } of goals) [candidate, vs].forEach(find);

  const samples = await measure(list, { rounds, batchMs, warmupMs, cpu, gc });
  const results = summarise(samples);
  const ratioOf = (label, vs, field = "times") => ratioSummary(pairedRatios(results[label][field], results[vs][field]));
  if (baseline !== undefined) {
    for (const [label, r] of Object.entries(results)) {
      r.ratio = ratioOf(label, baseline);
      r.cpuRatio = ratioOf(label, baseline, "cpuTimes");
    }
  }
  const oneOpBatches = [...samples.values()].every((s) => s.every((x) => x.ops === 1)); // then ops/s says nothing more
  printTable(title, results, { baseline, rounds, batchMs, bySample: list.every((c) => c.sample), oneOpBatches });
  for (const { candidate, atLeast, vs = baseline } of goals) {
    const ratio = ratioOf(candidate, vs);
    const line = `goal: ${candidate} ≥ ${Number(atLeast.toFixed(3))}× ${vs}: ${goalMet(ratio.median, atLeast) ? "met" : "NOT met"} (${formatRatio(ratio)})`;
    console.log(line);
    if (process.env.BENCH_GOALS_FILE) appendFileSync(process.env.BENCH_GOALS_FILE, `${line}  (${title})\n`);
  }
  return results;
}
