// Shared by the nsm benchmarks: loading the built package, its main entry and ./simulator (building it first when dist/ is missing or
// older than any source file, so that `pnpm bench nsm` always measures the current code), and timing
// candidates side by side.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../packages/nsm");
/** The nsm package and the workspace package it depends on, in the order they build. */
const buildOrder = [join(pkg, "../native"), pkg];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds packages/native and packages/nsm when nsm's dist is missing or older than a source file of either. */
export function buildNsm() {
  const built = join(pkg, "dist/cjs/index.js");
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...buildOrder.map((dir) => newestSource(join(dir, "src"))))) return;
  console.error("building packages/native and packages/nsm (dist is missing or stale)...");
  for (const dir of buildOrder) execFileSync(process.execPath, [join(pkg, "../../scripts/build-package.mjs")], { cwd: dir, stdio: "inherit" });
}

export function loadNsm() {
  buildNsm();
  const built = join(pkg, "dist/cjs/index.js");
  const load = createRequire(import.meta.url);
  return { ...load(built), ...load(join(pkg, "dist/cjs/simulator/index.js")) };
}

/**
 * Another build of the package to compare with in the same run, when BENCH_NSM_BASELINE names a
 * folder holding its package.json and dist/ (e.g. a copy of packages/nsm built from an earlier
 * commit): { dir, nsm } with its main entry and, where it has one, its ./simulator entry.
 */
export function loadBaseline() {
  const dir = process.env.BENCH_NSM_BASELINE;
  if (!dir) return undefined;
  const load = createRequire(join(dir, "package.json"));
  const simulator = join(dir, "dist/cjs/simulator/index.js");
  return { dir, nsm: { ...load(join(dir, "dist/cjs/index.js")), ...(existsSync(simulator) ? load(simulator) : {}) } };
}

/** Runs `c.run` (awaited when `c.async`) for `ms` milliseconds; returns operations per second. */
export async function timedBatch(c, ms) {
  const t0 = performance.now();
  const end = t0 + ms;
  let n = 0;
  while (performance.now() < end) {
    if (c.async) await c.run();
    else c.run();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Warms every candidate up, then times `rounds` rounds of one batch per candidate (order reversed
 * every other round, so no candidate always runs first). Returns the ops/s of every batch, by
 * candidate then round.
 */
export async function sideBySide(candidates, rounds, ms) {
  for (const c of candidates) await timedBatch(c, ms);
  const rates = candidates.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = candidates.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) rates[i][r] = await timedBatch(candidates[i], ms);
  }
  return rates;
}

/**
 * Candidate i's speed relative to candidate `reference`: the median of their ratios round by round.
 * Paired batches run moments apart, so this holds up on a machine whose load changes from one second
 * to the next better than a ratio of medians does.
 */
export function pairedRatio(rates, i, reference) {
  return median(rates[i].map((rate, r) => rate / rates[reference][r]));
}
