// The emitters, one per kind of artifact. Each returns [path relative to the package, content] pairs.
import type { Context } from "./context";
import { emitClient } from "./client";
import { emitCommands } from "./commands";
import { emitEndpoint } from "./endpoint";
import { emitModels } from "./models";
import { emitPackageFiles } from "./packageFiles";
import { emitPagination } from "./pagination";
import { emitRuntime } from "./runtime";
import { emitSchemas } from "./schemas";

export type Emitter = (ctx: Context) => [string, string][];

export const EMITTERS: Record<string, Emitter> = {
  package: emitPackageFiles,
  client: emitClient,
  commands: emitCommands,
  models: emitModels,
  schemas: emitSchemas,
  pagination: emitPagination,
  endpoint: emitEndpoint,
  runtime: emitRuntime,
};
