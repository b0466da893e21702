// The codegen config, codegen/config.json: which model the generated package comes from, where it is
// written, its npm name and version, and the version of the official @aws-sdk/client-kms built from the
// same model (the oracle the differential tests compare against). The generator, `pnpm codegen`,
// scripts/update-model.sh and the tests read it; update-model.sh changes it through writeConfig.
// Paths in the file are relative to the file's own folder.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ConfigError } from "./errors";

export const CONFIG_FILE = join(__dirname, "..", "config.json");

/** The generated package's npm identity, and the official client version whose API it has. */
export interface PackageIdentity {
  name: string;
  version: string;
  officialClientVersion: string;
}

export interface CodegenConfig {
  /** The file it was read from (absolute). */
  file: string;
  /** Absolute path of the Smithy JSON AST model. */
  model: string;
  /** Absolute path of the generated package's folder. */
  outDir: string;
  package: PackageIdentity;
}

/** The file's keys, in the order writeConfig writes them. */
const KEYS = ["model", "outDir", "packageName", "packageVersion", "officialClientVersion"] as const;
type ConfigFile = Record<(typeof KEYS)[number], string>;

/** A semantic version without build metadata, as npm publishes them (3.1156.0, 4.0.0-beta.1). */
export const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
/** An npm package name, scoped or not. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export function loadConfig(file: string = CONFIG_FILE): CodegenConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConfig(json, resolve(file));
}

/** Checks the file's content (own keys only, each known and well formed) and resolves its paths. */
function parseConfig(json: unknown, file: string): CodegenConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ConfigError(`${file} must hold a JSON object`);
  const unknown = Object.keys(json).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new ConfigError(`${file}: unknown key ${unknown.map((k) => JSON.stringify(k)).join(", ")} (known: ${KEYS.join(", ")})`);
  }
  const value = (key: (typeof KEYS)[number], pattern?: RegExp, what?: string): string => {
    const v = Object.prototype.hasOwnProperty.call(json, key) ? (json as Record<string, unknown>)[key] : undefined;
    if (typeof v !== "string" || v === "") throw new ConfigError(`${file}: "${key}" must be a non-empty string`);
    if (pattern && !pattern.test(v)) throw new ConfigError(`${file}: "${key}" ${JSON.stringify(v)} is not ${what}`);
    return v;
  };
  const base = dirname(file);
  return {
    file,
    model: resolve(base, value("model")),
    outDir: resolve(base, value("outDir")),
    package: {
      name: value("packageName", PACKAGE_NAME, "an npm package name"),
      version: value("packageVersion", VERSION, "a version such as 3.1156.0"),
      officialClientVersion: value("officialClientVersion", VERSION, "a version such as 3.1156.0"),
    },
  };
}

/**
 * Writes `config` to its file, paths relative to the file's folder. The content is checked first, and
 * written to a temporary file renamed over the old one: the file is the old config or the new, never a mix.
 */
export function writeConfig(config: CodegenConfig): void {
  const rel = (path: string) => relative(dirname(config.file), path).split(sep).join("/");
  const data: ConfigFile = {
    model: rel(config.model),
    outDir: rel(config.outDir),
    packageName: config.package.name,
    packageVersion: config.package.version,
    officialClientVersion: config.package.officialClientVersion,
  };
  parseConfig(data, config.file);
  const temp = `${config.file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(data, null, 2) + "\n");
    renameSync(temp, config.file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new ConfigError(`cannot write ${config.file}: ${(err as Error).message}`);
  }
}
