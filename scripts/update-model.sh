#!/usr/bin/env bash
# Moves the generated client to a new KMS Smithy model: regenerates packages/client-kms from it, points
# `pnpm codegen` at it, builds the package and runs the client's tests.
#
#   scripts/update-model.sh codegen/models/kms-YYYY-MM-DD.json [3.NNNN.0]
#
# The optional second argument is the version of the upstream @aws-sdk/client-kms built from that model;
# the generated package takes it as its own version (PACKAGE_VERSION in codegen/src/emit/context.ts).
#
# Nothing is changed if the model is malformed (the generator names the bad shape). Review the result with
# `git diff packages/client-kms package.json codegen` and commit it.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/update-model.sh <new-model.json> [<upstream client version>]" >&2
  exit 2
fi
model=$1
version=${2:-}
if [ -n "$version" ] && ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "update-model: not a version: $version" >&2
  exit 2
fi
if [ ! -f "$model" ]; then
  echo "update-model: no such file: $model" >&2
  exit 2
fi
model_abs=$(cd "$(dirname "$model")" && pwd)/$(basename "$model")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
model_rel=$(node -e 'console.log(require("node:path").relative(process.argv[1], process.argv[2]))' "$root" "$model_abs")

context=codegen/src/emit/context.ts
if [ -n "$version" ]; then
  echo "== package version $version"
  # Kept aside so that a model the generator refuses leaves the version as it was too.
  context_before=$(mktemp)
  trap 'rm -f "$context_before"' EXIT
  cp "$context" "$context_before"
  node -e '
    const fs = require("node:fs");
    const [file, version] = process.argv.slice(1);
    const text = fs.readFileSync(file, "utf8");
    const next = text.replace(/(export const PACKAGE_VERSION = ")[^"]+(";)/, (_, a, b) => a + version + b);
    if (!next.includes(`PACKAGE_VERSION = "${version}"`)) throw new Error("cannot find PACKAGE_VERSION in " + file);
    fs.writeFileSync(file, next);
  ' "$context" "$version"
fi

echo "== regenerating packages/client-kms from $model_rel"
if ! node codegen/bin/generate.mjs "$model_rel" packages/client-kms; then
  [ -z "$version" ] || cp "$context_before" "$context"
  echo "update-model: nothing was changed" >&2
  exit 1
fi

echo "== pointing \`pnpm codegen\` at $model_rel"
node -e '
  const fs = require("node:fs");
  const [file, model] = process.argv.slice(1);
  const text = fs.readFileSync(file, "utf8");
  const next = text.replace(/("codegen":\s*"node codegen\/bin\/generate\.mjs )(\S+)( packages\/client-kms")/, (_, a, _old, b) => a + model + b);
  if (!next.includes(`generate.mjs ${model} packages/client-kms`)) throw new Error("cannot find the codegen script in " + file);
  fs.writeFileSync(file, next);
' package.json "$model_rel"

echo "== installing and building"
pnpm install
(cd packages/client-kms && pnpm run build)

echo "== running the client's tests"
if ! npx jest codegen test/client-kms; then
  echo "== the client's tests failed. Tests against @aws-sdk/client-kms@3.1156.0 (schemas, exports, differential)" >&2
  echo "   fail wherever the new model changed the API: check each failure is such a change." >&2
  exit 1
fi
echo "== done: review with 'git diff packages/client-kms package.json codegen', then commit"
