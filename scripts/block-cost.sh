#!/usr/bin/env bash
# The theme block's cost to a product page's Lighthouse performance score (Shopify's App Store limit: 10 points).
#   scripts/block-cost.sh          (RUNS=3 by default)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages node
if [ ! -f "$ROOT/.tools/node_modules/lighthouse/package.json" ] || [ ! -f "$ROOT/.tools/node_modules/liquidjs/package.json" ]; then
  log "Installing Lighthouse and liquidjs (npm)"
  # Lighthouse 13 needs Node 22; Debian 12's Node is 20.
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" lighthouse@12.2.3 liquidjs@10.30.1 >/dev/null 2>&1
fi
node "$ROOT/scripts/block-cost.cjs"
