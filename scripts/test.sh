#!/usr/bin/env bash
# The test command: installs what is missing, starts a private PostgreSQL and s3rver on 127.0.0.1,
# runs every test against them (and Debian's Chromium), stops them, and prints "N passed, N failed".
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Storage]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages node
command -v dotnet >/dev/null || { echo "Install the .NET 10 SDK first: https://dot.net" >&2; exit 1; }

PG_DIR="$DATA/test-pg"; PG_PORT=55433
S3_DIR="$DATA/test-s3"; S3_PORT=54569
cleanup() { s3rver_stop "$S3_DIR"; pg_stop "$PG_DIR"; }
trap cleanup EXIT

# A fresh cluster and bucket store for every run: tests never see an earlier run's rows.
pg_stop "$PG_DIR"; rm -rf "$PG_DIR" "$S3_DIR"
pg_start "$PG_DIR" "$PG_PORT"
s3rver_start "$S3_DIR" "$S3_PORT"
theme_check_install
contract_install
extension_install
# The formatter the code is checked against (FormattingTests): CSharpier, pinned in dotnet-tools.json.
(cd "$ROOT" && dotnet tool restore >/dev/null)
export TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
export TEST_S3_URL="http://127.0.0.1:$S3_PORT"

RESULTS="$DATA/test-results"; rm -rf "$RESULTS"
log "Running tests"
set +e
dotnet test "$ROOT/App.Tests/App.Tests.csproj" -nologo --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" "$@"
status=$?
set -e

trx="$RESULTS/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  attr() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$(attr passed); failed=$(attr failed); total=$(attr total)
  skipped=$(( ${total:-0} - ${passed:-0} - ${failed:-0} ))
  [ "${failed:-0}" = "0" ] || node "$ROOT/scripts/trx-failures.cjs" "$trx"
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
else
  echo "0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit $status
