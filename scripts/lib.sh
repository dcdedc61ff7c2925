#!/usr/bin/env bash
# Shared helpers for run.sh and test.sh: install what is missing, start and stop private services.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# Debian packages the app and its tests use; only the missing ones are installed.
ensure_packages() {
  local want=() pkg
  # The book renders on the print-only headless shell; the full chromium drives the browser tests and is the
  # fallback the app finds on its own.
  [ -x /usr/lib/chromium/chromium-headless-shell ] || want+=(chromium-headless-shell)
  command -v chromium >/dev/null || want+=(chromium)
  command -v espeak-ng >/dev/null || want+=(espeak-ng)
  command -v lame >/dev/null || want+=(lame)
  command -v qpdf >/dev/null || want+=(qpdf)
  command -v pdfinfo >/dev/null || want+=(poppler-utils)
  [ -d /usr/share/fonts/truetype/andika ] || want+=(fonts-sil-andika)
  [ -d /usr/share/fonts/truetype/quicksand ] || want+=(fonts-quicksand)
  [ -d /usr/share/fonts/truetype/noto ] || want+=(fonts-noto-core)
  if [ -z "${ConnectionStrings__Default:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then want+=(postgresql); fi
  for pkg in "$@"; do
    case "$pkg" in
      node) command -v node >/dev/null && command -v npm >/dev/null || want+=(nodejs npm) ;;
    esac
  done
  if [ ${#want[@]} -gt 0 ]; then
    log "Installing Debian packages: ${want[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# A private PostgreSQL cluster in $1 listening on 127.0.0.1:$2 (trust auth, loopback only).
pg_start() {
  local dir="$1" port="$2" bin; bin="$(pg_bin)"
  [ -n "$bin" ] || { echo "PostgreSQL is not installed" >&2; return 1; }
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    as=(runuser -u postgres --)
  fi
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "Creating a private PostgreSQL cluster in $dir"
    "${as[@]}" "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "${as[@]}" "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "Starting PostgreSQL on 127.0.0.1:$port"
    "${as[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=1000 -c fsync=off -c synchronous_commit=off" start >/dev/null
  fi
}

pg_stop() {
  local dir="$1" bin; bin="$(pg_bin)"
  [ -f "$dir/postmaster.pid" ] || return 0
  local as=(); [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# s3rver, the S3 emulator (npm), in $1 on 127.0.0.1:$2.
s3rver_start() {
  local dir="$1" port="$2"
  if [ ! -x "$ROOT/.tools/node_modules/.bin/s3rver" ]; then
    log "Installing s3rver (npm)"
    mkdir -p "$ROOT/.tools"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" s3rver@3.7.1 >/dev/null 2>&1
  fi
  mkdir -p "$dir"
  "$ROOT/.tools/node_modules/.bin/s3rver" -d "$dir" -a 127.0.0.1 -p "$port" --silent >"$dir.log" 2>&1 &
  echo $! > "$dir.pid"
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "s3rver did not start; see $dir.log" >&2
  return 1
}

# Shopify's theme-check (npm), for the theme app extension; run by the tests through scripts/theme-check.cjs.
theme_check_install() {
  [ -d "$ROOT/.tools/node_modules/@shopify/theme-check-node" ] && return 0
  log "Installing Shopify theme-check (npm)"
  mkdir -p "$ROOT/.tools"
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" @shopify/theme-check-node@3.29.1 >/dev/null 2>&1
}

# graphql-js (npm), the engine of the tests' Shopify contract oracle (scripts/shopify-contract.cjs): it reads the
# Admin API schema Shopify publishes (vendored in App.Tests/Shopify/Schema) and holds the fake Shopify to it.
contract_install() {
  [ -f "$ROOT/.tools/node_modules/graphql/package.json" ] && return 0
  log "Installing graphql-js for the Shopify contract oracle (npm)"
  mkdir -p "$ROOT/.tools"
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" graphql@16.15.0 >/dev/null 2>&1
}

# The extensions as the tests run them: the order-status extension's build (extensions/storybook-order: Preact,
# Shopify's ui-extensions and esbuild, the bundler the Shopify CLI uses) and the theme block rendered from its Liquid
# (liquidjs, scripts/render-block.cjs) on the tests' stand-in online store.
extension_install() {
  [ -f "$ROOT/.tools/node_modules/@shopify/ui-extensions/package.json" ] && [ -x "$ROOT/.tools/node_modules/.bin/esbuild" ] \
    && [ -f "$ROOT/.tools/node_modules/liquidjs/package.json" ] && return 0
  log "Installing Preact, @shopify/ui-extensions, esbuild and liquidjs for the extensions (npm)"
  mkdir -p "$ROOT/.tools"
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" preact@10.29.8 @preact/signals@2.11.4 \
    @shopify/ui-extensions@2026.7.4 esbuild@0.28.2 liquidjs@10.30.1 >/dev/null 2>&1
}

s3rver_stop() {
  local dir="$1"
  [ -f "$dir.pid" ] && kill "$(cat "$dir.pid")" 2>/dev/null || true
  rm -f "$dir.pid"
}
