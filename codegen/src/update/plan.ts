// What moving the generated package to a new model and version would change, worked out without writing
// anything: the new config, the API difference between the current model and the new one (both after the
// transforms), and which files of the package would be added, removed or rewritten.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { VERSION, type CodegenConfig } from "../config";
import { ConfigError } from "../errors";
import { buildContext } from "../emit/context";
import { loadTransformedModel, renderFiles } from "../pipeline";
import { PRESERVED } from "../write/swapDirectory";
import { diffApi, formatApiDiff, type ApiDiff } from "./apiDiff";

export interface UpdatePlan {
  /** The config after the update: the new model, and `version` as both the package's and the oracle's. */
  config: CodegenConfig;
  diff: ApiDiff;
  files: { added: string[]; removed: string[]; changed: string[]; total: number };
}

export function planUpdate(current: CodegenConfig, modelPath: string, version: string): UpdatePlan {
  if (!VERSION.test(version)) throw new ConfigError(`not a version: ${JSON.stringify(version)} (expected one such as 3.1157.0)`);
  const config: CodegenConfig = {
    ...current,
    model: resolve(modelPath),
    package: { ...current.package, version, officialClientVersion: version },
  };
  const before = buildContext(loadTransformedModel(current.model).model, current.model, current.package);
  const after = buildContext(loadTransformedModel(config.model).model, config.model, config.package);
  const next = new Map(renderFiles(after));
  const existing = existsSync(current.outDir) ? generatedFilesIn(current.outDir) : [];
  return {
    config,
    diff: diffApi(before, after),
    files: {
      added: [...next.keys()].filter((f) => !existing.includes(f)),
      removed: existing.filter((f) => !next.has(f)),
      changed: existing.filter((f) => next.has(f) && readFileSync(join(current.outDir, f), "utf8") !== next.get(f)),
      total: next.size,
    },
  };
}

/** The plan as a reader wants it: what moves, the API difference, the files. */
export function formatPlan(current: CodegenConfig, plan: UpdatePlan, oracleFrom: string, root: string): string {
  const rel = (p: string) => relative(root, p);
  const { added, removed, changed, total } = plan.files;
  const list = (files: string[]) => (files.length ? `: ${files.join(", ")}` : "");
  return [
    `model: ${rel(current.model)} -> ${rel(plan.config.model)}`,
    `${current.package.name}: ${current.package.version} -> ${plan.config.package.version}`,
    `oracle (official-client-kms): @aws-sdk/client-kms@${oracleFrom} -> ${plan.config.package.officialClientVersion}`,
    `API difference, ${basename(current.model)} -> ${basename(plan.config.model)}:`,
    formatApiDiff(plan.diff).trimEnd(),
    `${rel(current.outDir)}: ${total} files; ${added.length} added${list(added)}; ${removed.length} removed${list(removed)}; ${changed.length} rewritten`,
    "",
  ].join("\n");
}

/** Files under `dir` (relative, sorted), leaving out build and install output. */
function generatedFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      if (at === dir && PRESERVED.includes(name)) continue;
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}
