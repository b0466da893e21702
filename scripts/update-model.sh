#!/usr/bin/env bash
# Moves the generated client to a new KMS Smithy model and the official @aws-sdk/client-kms version built
# from it:
#
#   scripts/update-model.sh [--dry-run] <model.json> <version>
#
# 1. plan: checks the model (the generator's validation and transforms) and the version, and prints what
#    would change: model, versions, the API difference from the current model (operations, shapes, members,
#    enum values, operation errors) and the package files added, removed or rewritten. --dry-run stops
#    here, having written nothing.
# 2. keeps a copy of every file it is about to touch: codegen/config.json, test/package.json,
#    pnpm-lock.yaml and the package folder (sources and dist/).
# 3. apply: writes codegen/config.json (model, packageVersion and officialClientVersion = <version>) and
#    points the differential tests' oracle (`official-client-kms` in test/package.json) at
#    npm:@aws-sdk/client-kms@<version>.
# 4. regenerates the package from the config, installs (pnpm install), builds the package, runs the
#    client's tests (codegen/ and test/client-kms/) and the type check.
# If any step fails or the script is interrupted, every file it touched is put back byte for byte, the
# install is redone against the restored lockfile, and it says so. On success, review the change with
# `git diff` and commit it.
#
# Each step's command can be replaced through UPDATE_MODEL_INSTALL, UPDATE_MODEL_BUILD, UPDATE_MODEL_TEST
# and UPDATE_MODEL_TYPECHECK (run with bash -c in the repository root); the script's own tests use this.
set -euo pipefail

usage() {
  echo "usage: scripts/update-model.sh [--dry-run] <model.json> <version>" >&2
  exit 2
}
dry_run=0
if [ "${1:-}" = "--dry-run" ]; then
  dry_run=1
  shift
fi
[ $# -eq 2 ] || usage
case "$1" in -*) usage ;; esac
if [ ! -f "$1" ]; then
  echo "update-model: no such file: $1" >&2
  exit 2
fi
model=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
version=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

oracle=test/package.json
update=(node codegen/bin/update-model.mjs)
out_dir=$("${update[@]}" out-dir)
install_cmd=${UPDATE_MODEL_INSTALL:-pnpm install --no-frozen-lockfile}
build_cmd=${UPDATE_MODEL_BUILD:-"pnpm --dir $(printf %q "$out_dir") run build"}
test_cmd=${UPDATE_MODEL_TEST:-"npx jest $(printf %q "$root/codegen/test/") $(printf %q "$root/test/client-kms/")"}
typecheck_cmd=${UPDATE_MODEL_TYPECHECK:-pnpm typecheck}

echo "== plan"
if ! "${update[@]}" plan "$model" "$version" "$oracle"; then
  echo "update-model: nothing was changed" >&2
  exit 1
fi
if [ $dry_run -eq 1 ]; then
  echo "== dry run: nothing was written"
  exit 0
fi

touched=(codegen/config.json "$oracle" pnpm-lock.yaml)
backup=$(mktemp -d "${TMPDIR:-/tmp}/update-model.XXXXXX")
restore_on_exit=0

# Puts back every touched file and the package folder (all but node_modules/) as they were.
restore() {
  trap '' INT TERM
  for file in "${touched[@]}"; do
    cp -p "$backup/files/$file" "$file"
  done
  local parent name
  parent=$(dirname "$out_dir")
  name=$(basename "$out_dir")
  rm -rf "$parent/.$name.new-"*
  if [ -d "$backup/package" ]; then
    mkdir -p "$out_dir"
    find "$out_dir" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
    cp -a "$backup/package/." "$out_dir/"
  else
    rm -rf "$out_dir"
  fi
  echo "update-model: restored ${touched[*]} and $out_dir/ (but node_modules/) as they were" >&2
  echo "== reinstalling against the restored lockfile" >&2
  if ! bash -c "$install_cmd" >&2; then
    echo "update-model: the install failed; run \`pnpm install\` before going on" >&2
  fi
}

on_exit() {
  local status=$?
  if [ $restore_on_exit -eq 1 ]; then
    restore_on_exit=0
    restore
  fi
  rm -rf "$backup"
  exit $status
}
trap on_exit EXIT
trap 'echo "update-model: interrupted" >&2; exit 130' INT TERM

mkdir -p "$backup/files"
for file in "${touched[@]}"; do
  mkdir -p "$backup/files/$(dirname "$file")"
  cp -p "$file" "$backup/files/$file"
done
if [ -d "$out_dir" ]; then
  mkdir "$backup/package"
  find "$out_dir" -mindepth 1 -maxdepth 1 ! -name node_modules -exec cp -a {} "$backup/package/" \;
fi
restore_on_exit=1

step() {
  local name=$1
  shift
  echo "== $name"
  if ! "$@"; then
    echo "update-model: $name failed" >&2
    exit 1
  fi
}
step "writing codegen/config.json and moving the oracle to @aws-sdk/client-kms@$version" "${update[@]}" apply "$model" "$version" "$oracle"
step "regenerating $out_dir" node codegen/bin/generate.mjs
step "installing" bash -c "$install_cmd"
step "building $out_dir" bash -c "$build_cmd"
step "running the client's tests" bash -c "$test_cmd"
step "type-checking" bash -c "$typecheck_cmd"

restore_on_exit=0
echo "== done: review with 'git diff', then commit"
