// Checks a folder of pinned public files against its SHA256SUMS (the `sha256sum` format), so that a pinned
// model or vector cannot change without the change being seen.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export function pinnedDigests(dir: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const line of readFileSync(join(dir, "SHA256SUMS"), "utf8").split("\n")) {
    if (line === "") continue;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`${dir}/SHA256SUMS: not a sha256sum line: ${JSON.stringify(line)}`);
    digests.set(m[2], m[1]);
  }
  return digests;
}

/** Every file under `dir` but the listed documentation, as paths relative to `dir`. */
export function filesUnder(dir: string, except: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.filter((f) => !except.includes(f)).sort();
}

export const sha256Of = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
