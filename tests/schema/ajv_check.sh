#!/usr/bin/env bash
# Checks the schema with a second, independent validator (ajv-cli, from the npm
# registry): every example must be valid, every schema-invalid fixture invalid. The
# program itself is checked against the same files by the e2e suite "declaration".
#   ajv_check.sh SOURCE_DIR TOOLS_DIR
set -euo pipefail
src=$1
tools=$2
if [ ! -x "$tools/node_modules/.bin/ajv" ]; then
  command -v npm >/dev/null || bash "$src/scripts/setup" nodejs npm
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent ajv-cli@5 >/dev/null
fi
ajv="$tools/node_modules/.bin/ajv"
schema=$src/schemas/chatctl.schema.json

passed=0 failed=0
for f in "$src"/examples/*.yaml; do
  if "$ajv" validate -s "$schema" -d "$f" >/dev/null 2>&1; then passed=$((passed + 1))
  else echo "FAIL: ajv finds the example $f invalid"; "$ajv" validate -s "$schema" -d "$f" || true; failed=$((failed + 1)); fi
done
for f in "$src"/tests/fixtures/schema-invalid/*.yaml; do
  # Exit 1: parsed and invalid (2 would be a file ajv cannot read, which proves nothing).
  rc=0; "$ajv" validate -s "$schema" -d "$f" >/dev/null 2>&1 || rc=$?
  if [ "$rc" = 1 ]; then passed=$((passed + 1))
  else echo "FAIL: ajv exit $rc on the schema-invalid fixture $f"; failed=$((failed + 1)); fi
done
echo "ajv: $passed passed, $failed failed"
[ "$failed" = 0 ]
