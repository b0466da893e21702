// Loads the built @nitro-enclaves-sdk/nsm for the nsm benchmarks, building it first when dist/ is
// missing or older than any source file, so that `pnpm bench nsm` always measures the current code.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../../packages/nsm");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function loadNsm() {
  const built = join(pkg, "dist/cjs/index.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource(join(pkg, "src"))) {
    console.error("building packages/nsm (dist is missing or stale)...");
    execFileSync(process.execPath, [join(pkg, "../../scripts/build-package.mjs")], { cwd: pkg, stdio: "inherit" });
  }
  return createRequire(import.meta.url)(built);
}
