// The differential tests' oracle: the official @aws-sdk/client-kms installed under the alias
// `official-client-kms` (a devDependency in test/package.json), so that overrides that swap ours in for
// @aws-sdk/client-kms leave it alone. Its version moves with codegen/config.json's officialClientVersion.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { ConfigError } from "../errors";

export const ORACLE_ALIAS = "official-client-kms";
const SPEC_PREFIX = "npm:@aws-sdk/client-kms@";

/** The version the alias installs, read from `packageJson`'s devDependencies. */
export function oracleVersion(packageJson: string): string {
  return oracleSpec(readManifest(packageJson), packageJson).slice(SPEC_PREFIX.length);
}

/** Points the alias at `version`, changing nothing else in the file (written whole through a rename). */
export function moveOracle(packageJson: string, version: string): void {
  const manifest = readManifest(packageJson);
  oracleSpec(manifest, packageJson);
  (manifest.devDependencies as Record<string, string>)[ORACLE_ALIAS] = SPEC_PREFIX + version;
  const temp = `${packageJson}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(manifest, null, 2) + "\n");
    renameSync(temp, packageJson);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new ConfigError(`cannot write ${packageJson}: ${(err as Error).message}`);
  }
}

function readManifest(packageJson: string): Record<string, unknown> {
  try {
    const manifest = JSON.parse(readFileSync(packageJson, "utf8"));
    if (typeof manifest === "object" && manifest !== null && !Array.isArray(manifest)) return manifest;
  } catch (err) {
    throw new ConfigError(`cannot read ${packageJson}: ${(err as Error).message}`);
  }
  throw new ConfigError(`${packageJson} must hold a JSON object`);
}

function oracleSpec(manifest: Record<string, unknown>, packageJson: string): string {
  const own = (o: unknown, k: string) => typeof o === "object" && o !== null && Object.prototype.hasOwnProperty.call(o, k);
  const deps = own(manifest, "devDependencies") ? manifest.devDependencies : undefined;
  const spec = own(deps, ORACLE_ALIAS) ? (deps as Record<string, unknown>)[ORACLE_ALIAS] : undefined;
  if (typeof spec !== "string" || !spec.startsWith(SPEC_PREFIX)) {
    throw new ConfigError(`${packageJson}: devDependencies["${ORACLE_ALIAS}"] must be "${SPEC_PREFIX}<version>", not ${JSON.stringify(spec)}`);
  }
  return spec;
}
