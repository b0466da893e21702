#!/usr/bin/env node
// Entry point: `node codegen/bin/generate.mjs <model.json> <outDir>`.
// The generator is written in TypeScript (so the root type check covers it); this file compiles it on
// the fly with @swc/core, which the workspace already has, through a require hook. Dev tooling only.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { transformSync } = require("@swc/core");

require.extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    filename,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};

const { main } = require("../src/cli.ts");
process.exitCode = main(process.argv.slice(2));
