#!/usr/bin/env bash
# Installs the contract tools (Spectral, tsc) exactly as locked, once: npm ci wipes and refills
# node_modules, so it only runs when the lock file differs from the one last installed.
# npm keeps its download cache in ~/.npm, so a reinstall on the same machine is offline.
set -euo pipefail
cd "$(dirname "$0")"
if [[ -f node_modules/.installed-lock ]] && cmp -s package-lock.json node_modules/.installed-lock; then
  exit 0
fi
# --ignore-scripts: the tools need no install scripts (the only one is a telemetry ping).
npm ci --no-audit --no-fund --prefer-offline --ignore-scripts
cp package-lock.json node_modules/.installed-lock
