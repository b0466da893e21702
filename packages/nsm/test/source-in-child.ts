// Test helper: a preamble for `node -e` scripts that lets a child process require this package's
// TypeScript sources (through @swc/core, as jest does), for tests that need a process of their own.
// Workspace packages resolve to their sources too, as jest's moduleNameMapper has them.
import { join } from "node:path";

const PACKAGES = join(__dirname, "../..");

export const REQUIRE_TYPESCRIPT = `
  const { transformFileSync } = require("@swc/core");
  const Module = require("node:module");
  Module._extensions[".ts"] = (m, f) => m._compile(transformFileSync(f, { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }).code, f);
  const resolve = Module._resolveFilename;
  const workspace = /^@nitro-enclaves-sdk\\/([a-z-]+)$/;
  Module._resolveFilename = function (r, ...a) {
    const own = workspace.exec(r);
    if (own) return require("node:path").join(${JSON.stringify(PACKAGES)}, own[1], "src/index.ts");
    try { return resolve.call(this, r, ...a); } catch (e) { if (r.endsWith(".js")) return resolve.call(this, r.slice(0, -3) + ".ts", ...a); throw e; }
  };
`;
