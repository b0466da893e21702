#!/usr/bin/env node
// Written by codegen/ from codegen/templates/build.mjs: do not edit. `pnpm build` (or `npm run build`) runs it.
// Builds this package, whose source is many small modules, into one file per module system, because one file
// loads much faster than a hundred:
//   dist/esm/index.js  esbuild bundle of src/index.ts, dependencies left as imports;
//   dist/cjs/index.js  the same bundle with its imports turned into require() and its exports into plain
//                      `exports.X = X` assignments (esbuild's own CommonJS output defines every export as a
//                      getter closure, which costs heap for nothing);
//   dist/types         declarations, by tsc.
// It needs only this package's own devDependencies, so the package builds wherever it is written once its
// dependencies are installed.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = dirname(fileURLToPath(import.meta.url));
const requireHere = createRequire(join(pkgDir, "package.json"));
/** A devDependency of this package, or a clear refusal when the package's dependencies are not installed. */
function devDependency(load, name) {
  try {
    return load(name);
  } catch (err) {
    if (err?.code !== "MODULE_NOT_FOUND") throw err;
    process.stderr.write(`build: cannot find ${name} from ${pkgDir}: install this package's dependencies first (pnpm install, or npm install in this folder)\n`);
    process.exit(1);
  }
}
const esbuild = devDependency(requireHere, "esbuild");
const tsc = devDependency((name) => requireHere.resolve(name), "typescript/bin/tsc");
const project = "tsconfig.build.json";

rmSync(join(pkgDir, "dist"), { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(pkgDir, "src/index.ts")],
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
  legalComments: "none",
  outfile: join(pkgDir, "dist/esm/index.js"),
});
const esm = readFileSync(join(pkgDir, "dist/esm/index.js"), "utf8");
mkdirSync(join(pkgDir, "dist/cjs"), { recursive: true });
writeFileSync(join(pkgDir, "dist/cjs/index.js"), esmBundleToCommonJs(esm));
// Declarations are resolved as modern resolvers do (package "exports" maps), so that the import paths tsc
// writes into them (e.g. "@smithy/core/client") resolve for consumers under node16 and bundler resolution too.
execFileSync(process.execPath, [tsc, "-p", project, "--module", "esnext", "--moduleResolution", "bundler", "--outDir", "dist/types", "--declaration", "--emitDeclarationOnly"], {
  cwd: pkgDir,
  stdio: "inherit",
});
// Tell Node which module system each folder holds, whatever the package's own "type" says.
writeFileSync(join(pkgDir, "dist/cjs/package.json"), '{ "type": "commonjs" }\n');
writeFileSync(join(pkgDir, "dist/esm/package.json"), '{ "type": "module" }\n');

/**
 * esbuild's ES module bundle has only static `import {...} from "dep"` / `import * as x from "dep"` lines for
 * external dependencies, one `export {...}` list at the end, and `import("dep")` for lazy loads. Each maps
 * one to one onto CommonJS; anything else left over is an error, not a silent miss.
 */
function esmBundleToCommonJs(src) {
  const requires = [];
  src = src.replace(/^import\s+(\{[\s\S]*?\}|\*\s+as\s+[\w$]+)\s+from\s+("[^"]+");\n/gm, (_, what, from) => {
    const binding = what.startsWith("*") ? what.split(/\s+/).pop() : what.replace(/\s+as\s+/g, ": ").replace(/\s+/g, " ");
    requires.push(`const ${binding} = require(${from});`);
    return "";
  });
  let exported = 0;
  src = src.replace(/^export\s+\{([\s\S]*?)\};\n/m, (_, list) => {
    const lines = list
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const [local, name = local] = s.split(/\s+as\s+/);
        exported++;
        return `exports.${name} = ${local};`;
      });
    return lines.join("\n") + "\n";
  });
  // A lazy import() must stay a require() in CommonJS, or Node would load the dependency's ES build too.
  src = src.replace(/\bimport\(("[^"]+")\)/g, "Promise.resolve().then(() => require($1))");
  const left = src.match(/^\s*(import|export)\b.*$/m) ?? src.match(/\bimport\(/);
  if (left || exported === 0) throw new Error(`cannot turn the ES module bundle into CommonJS: ${left ? left[0] : "no exports"}`);
  return `"use strict";\n${requires.join("\n")}\n${src}`;
}
