#!/usr/bin/env node
// `pnpm bench [name...]`: runs each benchmark in scripts/bench/ (or only those whose names start with a
// given name) in its own process, one after another, so that one benchmark's heap and JIT state do not
// colour the next; then repeats every goal line they printed, met or NOT met. The benchmarks are
// written on scripts/bench/harness.mjs (see scripts/bench/README.md).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "bench");
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${wanted.join(" ")}; have: ${readdirSync(dir).filter((f) => f.endsWith(".bench.mjs")).join(", ")}`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "bench-goals-"));
const goals = join(work, "goals.txt");
let failed = 0;
for (const file of benches) {
  console.log(`\n## ${file.replace(".bench.mjs", "")}`);
  const r = spawnSync(process.execPath, ["--expose-gc", join(dir, file)], { stdio: "inherit", env: { ...process.env, BENCH_GOALS_FILE: goals } });
  if (r.status !== 0) failed++;
}
let lines = "";
try {
  lines = readFileSync(goals, "utf8");
} catch {
  // no benchmark stated a goal
}
rmSync(work, { recursive: true, force: true });
if (lines) console.log(`\n## goals\n${lines.trimEnd()}`);
process.exit(failed ? 1 : 0);
