// Test helper: a preamble for `node -e` scripts that lets a child process require this package's
// TypeScript sources (through @swc/core, as jest does), for tests that need a process of their own.
export const REQUIRE_TYPESCRIPT = `
  const { transformFileSync } = require("@swc/core");
  const Module = require("node:module");
  Module._extensions[".ts"] = (m, f) => m._compile(transformFileSync(f, { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }).code, f);
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (r, ...a) { try { return resolve.call(this, r, ...a); } catch (e) { if (r.endsWith(".js")) return resolve.call(this, r.slice(0, -3) + ".ts", ...a); throw e; } };
`;
