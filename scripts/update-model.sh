#!/usr/bin/env bash
# Moves the generated client to a new KMS Smithy model: regenerates packages/client-kms from it, points
# `pnpm codegen` at it, builds the package and runs the client's tests.
#
#   scripts/update-model.sh ../shared/models/kms-YYYY-MM-DD.json
#
# Nothing is written if the model is malformed (the generator names the bad shape). Review the result with
# `git diff packages/client-kms package.json` and commit it.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: scripts/update-model.sh <new-model.json>" >&2
  exit 2
fi
model=$1
if [ ! -f "$model" ]; then
  echo "update-model: no such file: $model" >&2
  exit 2
fi
model_abs=$(cd "$(dirname "$model")" && pwd)/$(basename "$model")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
model_rel=$(node -e 'console.log(require("node:path").relative(process.argv[1], process.argv[2]))' "$root" "$model_abs")

echo "== regenerating packages/client-kms from $model_rel"
node codegen/bin/generate.mjs "$model_rel" packages/client-kms

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
npx jest codegen test/client-kms
echo "== done: review with 'git diff packages/client-kms package.json', then commit"
