#!/usr/bin/env node
// Builds one workspace package into dist/cjs (CommonJS), dist/esm (ES modules) and dist/types (.d.ts).
// Run from the package's folder: `node ../../scripts/build-package.mjs`. Source imports use `.js`
// extensions so that the same files compile to both module systems.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
const pkgDir = process.cwd();
const project = existsSync(join(pkgDir, "tsconfig.build.json")) ? "tsconfig.build.json" : "tsconfig.json";

rmSync(join(pkgDir, "dist"), { recursive: true, force: true });
const run = (args) => execFileSync(process.execPath, [tsc, "-p", project, ...args], { cwd: pkgDir, stdio: "inherit" });
run(["--module", "commonjs", "--outDir", "dist/cjs", "--declaration", "false"]);
run(["--module", "es2022", "--outDir", "dist/esm", "--declaration", "false"]);
run(["--module", "es2022", "--outDir", "dist/types", "--declaration", "--emitDeclarationOnly"]);
// Tell Node which module system each folder holds, whatever the package's own "type" says.
mkdirSync(join(pkgDir, "dist/cjs"), { recursive: true });
writeFileSync(join(pkgDir, "dist/cjs/package.json"), '{ "type": "commonjs" }\n');
writeFileSync(join(pkgDir, "dist/esm/package.json"), '{ "type": "module" }\n');
