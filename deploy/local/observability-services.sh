#!/usr/bin/env bash
# Installs (when missing) what the observability tests need: Prometheus and promtool (Debian
# package `prometheus`). PrometheusRulesTest runs promtool on deploy/observability; the scrape
# test starts its own Prometheus on a free loopback port (the Quarkus test port is only known
# then) and stops it. Debian's packaged service is left stopped: nothing listens on 9090.
# Usage: deploy/local/observability-services.sh start|status|stop
#   start   install when missing, check that both binaries run
#   status  versions, and any Prometheus a test left running (pid files in $STATE)
#   stop    end Prometheus processes a test of this copy left behind (by their pid files)
# Side by side: this copy's state directory is MAILPLANE_OBSERVABILITY_DIR (default
# /var/tmp/<MAILPLANE_TS_PREFIX>-observability, from test-services-env.sh); PrometheusScrapeTest
# writes the pid file of the Prometheus it starts there. No port of its own: the test's Prometheus
# listens on a port it finds free. A stop ends a process only when its pid file is in this copy's
# directory and the pid still runs prometheus (a pid reused since is left alone).
set -euo pipefail

# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
STATE=$MAILPLANE_OBSERVABILITY_DIR

log() { printf '[observability-services %s] %s\n' "$ts_prefix" "$*"; }
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

# A pid from a pid file of this copy that is still a Prometheus (not a pid reused since).
our_prometheus() { # pidfile
  local pid
  pid=$(ts_pid "$1")
  [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q '^[^ ]*prometheus ' && echo "$pid"
}

start() {
  install_packages
  mkdir -p "$STATE"
  # The binaries themselves answer (a broken install fails here, not in a test).
  local prometheus promtool
  prometheus=$(prometheus --version 2>&1 | head -1) || { log "prometheus does not run: $prometheus"; return 1; }
  promtool=$(promtool --version 2>&1 | head -1) || { log "promtool does not run: $promtool"; return 1; }
  log "$prometheus; $promtool; pid files in $STATE"
}

status() {
  command -v prometheus >/dev/null && log "prometheus: $(command -v prometheus)" || log "prometheus: missing"
  command -v promtool >/dev/null && log "promtool: $(command -v promtool)" || log "promtool: missing"
  for pidfile in "$STATE"/*.pid; do
    [ -e "$pidfile" ] || continue
    if [ -n "$(our_prometheus "$pidfile")" ]; then log "running: $pidfile"; fi
  done
}

stop() {
  local pid
  for pidfile in "$STATE"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(our_prometheus "$pidfile") && kill "$pid" 2>/dev/null || true
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
