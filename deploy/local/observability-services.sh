#!/usr/bin/env bash
# Installs (when missing) what the observability tests need: Prometheus and promtool (Debian
# package `prometheus`). PrometheusRulesTest runs promtool on deploy/observability; the scrape
# test starts its own Prometheus on a free loopback port (the Quarkus test port is only known
# then) and stops it. Debian's packaged service is left stopped: nothing listens on 9090.
# Usage: deploy/local/observability-services.sh start|status|stop
#   start   install when missing, check that both binaries run
#   status  versions, and any Prometheus a test left running (pid files in $STATE)
#   stop    end Prometheus processes a test left behind (by their pid files)
set -euo pipefail

STATE=${MAILPLANE_OBSERVABILITY_DIR:-/var/tmp/mailplane-observability}

log() { printf '[observability-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    log "installing prometheus (with promtool)"
    as_root apt-get update -qq
    # policy-rc.d or a missing init system keeps the packaged daemon from starting; stop it
    # anyway where it did, so it holds no port and scrapes nothing.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
      as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
  fi
}

start() {
  install_packages
  mkdir -p "$STATE"
  log "$(prometheus --version 2>&1 | head -1); $(promtool --version 2>&1 | head -1)"
}

status() {
  command -v prometheus >/dev/null && log "prometheus: $(command -v prometheus)" || log "prometheus: missing"
  command -v promtool >/dev/null && log "promtool: $(command -v promtool)" || log "promtool: missing"
  for pidfile in "$STATE"/*.pid; do
    [ -e "$pidfile" ] || continue
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then log "running: $pidfile"; fi
  done
}

stop() {
  for pidfile in "$STATE"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
