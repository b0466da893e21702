#!/usr/bin/env node
"use strict";
// stderr is for the command's one error line: not for the AWS SDK's notice, on every call, that a future SDK
// will want a newer Node.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
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
