// load -> validate -> transforms -> emitters -> atomic write. Nothing is written unless every step succeeds.
// The package's name and version come from the codegen config (see config.ts); the caller passes them.
import type { PackageIdentity } from "./config";
import { CodegenError } from "./errors";
import { loadModel } from "./model/load";
import { validateModel } from "./model/validate";
import type { Model } from "./model/types";
import { buildContext, type Context } from "./emit/context";
import { EMITTERS } from "./emit/index";
import { TRANSFORMS } from "./transforms/index";
import { swapDirectory } from "./write/swapDirectory";

export interface GenerateResult {
  files: number;
  operations: number;
  /** Names of the transforms that changed the model. */
  applied: string[];
}

/** Runs the transforms in order; returns the model and the names of those that changed it. */
export function transformModel(model: Model): { model: Model; applied: string[] } {
  const applied: string[] = [];
  for (const t of TRANSFORMS) {
    const next = t.apply(model);
    if (next !== model) applied.push(t.name);
    model = next;
  }
  validateModel(model); // a transform must leave a valid model behind
  return { model, applied };
}

/** Loads, validates and transforms a model: the model the emitters see. */
export function loadTransformedModel(modelPath: string): { model: Model; applied: string[] } {
  const loaded = loadModel(modelPath);
  validateModel(loaded);
  return transformModel(loaded);
}

/** Every file of the package, in memory: [relative path, content], sorted by path. */
export function renderPackage(modelPath: string, pkg: PackageIdentity): { files: [string, string][]; operations: number; applied: string[] } {
  const { model, applied } = loadTransformedModel(modelPath);
  const ctx = buildContext(model, modelPath, pkg);
  return { files: renderFiles(ctx), operations: ctx.operations.length, applied };
}

/** Runs every emitter over a context; two emitters writing one path is a generator bug. */
export function renderFiles(ctx: Context): [string, string][] {
  const files: [string, string][] = [];
  const seen = new Set<string>();
  for (const [name, emit] of Object.entries(EMITTERS)) {
    for (const [path, content] of emit(ctx)) {
      if (seen.has(path)) throw new CodegenError("EMIT_CONFLICT", `emitter ${name} writes ${path}, which another emitter wrote`);
      seen.add(path);
      files.push([path, content]);
    }
  }
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function generate(modelPath: string, outDir: string, pkg: PackageIdentity): GenerateResult {
  const { files, operations, applied } = renderPackage(modelPath, pkg);
  swapDirectory(outDir, files);
  return { files: files.length, operations, applied };
}
