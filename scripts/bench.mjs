#!/usr/bin/env node
// `pnpm bench [name...]`: runs each benchmark in scripts/bench/ (or only the named ones) in its own
// process, one after another, so that one benchmark's heap and JIT state do not colour the next.
// Each benchmark compares the candidates side by side in one run and prints its own table.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "bench");
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${wanted.join(" ")}; have: ${readdirSync(dir).join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const file of benches) {
  console.log(`\n## ${file.replace(".bench.mjs", "")}`);
  const r = spawnSync(process.execPath, ["--expose-gc", join(dir, file)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
