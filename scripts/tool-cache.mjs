#!/usr/bin/env node
// The machine-wide cache for what the tests fetch (QEMU builds, Debian packages, Node releases and platform
// packages from the npm registry). It lives outside the repository, so every clone and worktree shares it:
// NSM_DEVICE_TEST_CACHE, else /var/cache/nitro-enclaves-sdk when writable, else ~/.cache/nitro-enclaves-sdk.
//   node scripts/tool-cache.mjs npm <name>@<version>   prints the directory of that package, unpacked
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export class ToolCacheError extends Error {}

export function cacheRoot() {
  const chosen = process.env.NSM_DEVICE_TEST_CACHE;
  if (chosen) return resolve(chosen);
  const machineWide = "/var/cache/nitro-enclaves-sdk";
  try {
    mkdirSync(machineWide, { recursive: true });
    accessSync(machineWide, constants.W_OK);
    return machineWide;
  } catch {
    return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "nitro-enclaves-sdk");
  }
}

const EXACT_SPEC = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)@(\d+\.\d+\.\d+(?:-[\w.]+)?)$/;

/**
 * The unpacked contents of an npm package at an exact version (`name@1.2.3`): `npm pack` fetches it from the
 * registry once (npm checks the tarball against the registry's integrity hash), later calls only look. Older
 * versions of the same package are removed. Two processes fetching at once both end with the same directory
 * (each unpacks into its own temporary directory and renames it into place).
 */
export function npmPackage(spec, root = cacheRoot()) {
  const m = EXACT_SPEC.exec(spec);
  if (!m) throw new ToolCacheError(`not an exact npm package version: ${JSON.stringify(spec)} (want name@1.2.3)`);
  const [, name, version] = m;
  const slot = name.replace("/", "+");
  const npmDir = join(root, "npm");
  const dir = join(npmDir, `${slot}@${version}`);
  if (existsSync(join(dir, "package.json"))) return dir;
  mkdirSync(npmDir, { recursive: true });
  const tmp = mkdtempSync(join(npmDir, ".fetch-"));
  try {
    let packed;
    try {
      const out = execFileSync("npm", ["pack", spec, "--json", "--pack-destination", tmp], {
        cwd: tmp,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 600_000,
      });
      packed = JSON.parse(out)[0];
    } catch (e) {
      const lines = `${e.stderr ?? ""}`.split("\n").filter((l) => l.trim() && !l.includes("complete log"));
      const why = lines.slice(0, 3).join(" / ") || e.message;
      throw new ToolCacheError(`could not fetch ${spec} from the npm registry: ${why}`);
    }
    if (packed?.name !== name || packed?.version !== version) {
      throw new ToolCacheError(`npm pack ${spec} gave ${packed?.name}@${packed?.version}`);
    }
    execFileSync("tar", ["-xzf", join(tmp, packed.filename), "-C", tmp]);
    try {
      renameSync(join(tmp, "package"), dir);
    } catch (e) {
      if (!existsSync(join(dir, "package.json"))) throw e; // another process got there first otherwise
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const e of readdirSync(npmDir)) {
    if (e.startsWith(`${slot}@`) && e !== `${slot}@${version}`) rmSync(join(npmDir, e), { recursive: true, force: true });
  }
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, spec] = process.argv.slice(2);
  if (command !== "npm" || !spec) {
    console.error("usage: node scripts/tool-cache.mjs npm <name>@<version>");
    process.exit(2);
  }
  try {
    console.log(npmPackage(spec));
  } catch (e) {
    if (!(e instanceof ToolCacheError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
