// Shared by the codegen tests: paths, model loading, temporary directories, file-tree listing.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadConfig } from "../src/config";
import type { Model } from "../src/model/types";

export const REPO = join(__dirname, "..", "..");
export const MODELS = join(REPO, "codegen", "models");
export const CURRENT_MODEL = join(MODELS, "kms-2026-06-19.json");
export const PRE_RECIPIENT_MODEL = join(MODELS, "kms-2023-04-25-pre-recipient.json");
export const FIRST_RECIPIENT_MODEL = join(MODELS, "kms-2023-05-first-recipient.json");
export const FIXTURES = join(__dirname, "fixtures");
export const CLIENT_PACKAGE = join(REPO, "packages", "client-kms");
/** codegen/config.json: the model, output folder, package name and version `pnpm codegen` uses. */
export const CONFIG = loadConfig();
/** The package identity every test generates with: the committed package's. */
export const PACKAGE = CONFIG.package;

export const readModel = (path: string): Model => JSON.parse(readFileSync(path, "utf8")) as Model;

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `nitro-codegen-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `root` (relative paths, sorted), skipping the given top-level entries. */
export function listFiles(root: string, skip: string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (dir === root && skip.includes(name)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}
