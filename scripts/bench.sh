#!/usr/bin/env bash
# The benchmark command (not a test): with providers made instant, prints CPU and wall time per
# 16-page book, books/minute with 20 books in flight, warm PDF render time for 32 pages and peak memory.
#   scripts/bench.sh            (BENCH_BOOKS=20 by default)
#   scripts/bench.sh webhooks   webhook intake: 1,000 signed deliveries/s for 15 s, p50/p99, lost and duplicates
#   scripts/bench.sh latency    one book with simulated provider latencies against its critical-path bound
#   scripts/bench.sh jobs       enqueue → start between a web and a worker node; a worker killed mid-pictures
#   scripts/bench.sh vitals     LCP, CLS and INP of each admin page (web-vitals) in Chromium, 4x CPU, slow 4G
#   BENCH_NICE=1 scripts/bench.sh webhooks   the same with the load generator at lower CPU priority (needs root)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages
PG_DIR="$DATA/bench-pg"; PG_PORT=55434
trap 'pg_stop "$PG_DIR"' EXIT
pg_stop "$PG_DIR"; rm -rf "$PG_DIR"
pg_start "$PG_DIR" "$PG_PORT"
"$(pg_bin)/createdb" -h 127.0.0.1 -p $PG_PORT -U postgres bench
export BENCH_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench;Maximum Pool Size=60;Minimum Pool Size=${BENCH_MIN_POOL:-0}${BENCH_PG_EXTRA:-}"
if [ "${1:-}" = "vitals" ]; then
  [ -f "$ROOT/.tools/node_modules/web-vitals/package.json" ] || npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" web-vitals@6.2.3 >/dev/null 2>&1
  export BENCH_TOOLS="$ROOT/.tools/node_modules"
fi
log "Building (Release)"
dotnet build "$ROOT/benchmarks/Benchmarks.csproj" -c Release -nologo -v quiet -o "$DATA/bench" | grep -E " error " && { echo "build failed" >&2; exit 1; }
cd "$DATA/bench"
# Not exec: the EXIT trap stops the bench's PostgreSQL when the bench ends (or is interrupted).
if [ -n "${BENCH_NICE:-}" ]; then nice -n 10 dotnet Benchmarks.dll "$@"; else dotnet Benchmarks.dll "$@"; fi
