#!/usr/bin/env node
"use strict";
let cli;
try {
  cli = require("../dist/cjs/cli.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND") {
    process.stderr.write("kms-local: the package is not built (no dist/): run `pnpm build` first\n");
    process.exit(1);
  }
  throw e;
}
cli.main();
