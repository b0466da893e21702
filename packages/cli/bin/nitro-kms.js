#!/usr/bin/env node
"use strict";
let cli;
try {
  cli = require("../dist/cjs/cli.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND") {
    process.stderr.write("nitro-kms: the package is not built (no dist/): run `pnpm build` first\n");
    process.exit(255);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
