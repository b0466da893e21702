// Lets the command-line entry points load the generator's TypeScript sources: compiles each .ts file on the
// fly with @swc/core (a workspace dev dependency) through a require hook. Dev tooling only.
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

/** require() for a path relative to codegen/bin, .ts files included. */
export const requireTs = (path) => require(path);
