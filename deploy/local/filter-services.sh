#!/usr/bin/env bash
# Installs (when missing) and runs the filter side on loopback from a private directory:
# Unbound as the DNS of the test world and Rspamd (milter for Postfix, DKIM signing from Redis).
# Usage: deploy/local/filter-services.sh start|stop|status|restart|rspamd-reload
#
# Ports, directories and the DKIM Redis db come from one variable set (test-services-env.sh, which
# lists them). Defaults: Unbound on 127.0.0.1:5353 (control 8953) answers only local data
# (NXDOMAIN for everything else, no recursion: rspamd never waits on the internet). Tests add and
# remove records at runtime:
#   unbound-control -c $STATE/unbound/unbound.conf local_data 'sel._domainkey.example.com. TXT "v=DKIM1; ..."'
#   unbound-control -c $STATE/unbound/unbound.conf local_data_remove sel._domainkey.example.com.
# Rspamd: milter (proxy worker, self-scan) 127.0.0.1:11332, normal worker 11333, controller
# 11334; DKIM keys from Redis 127.0.0.1:6379 db 12 (deploy/filter/local.d/dkim_signing.conf).
# Cold start is 15-20 s; `start` returns when the milter port is served by this copy's Rspamd.
# State and logs live in $MAILPLANE_FILTER_DIR (default /var/tmp/mailplane-filter).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
STATE=$MAILPLANE_FILTER_DIR
DNS_PORT=$MAILPLANE_DNS_PORT
DNS_CONTROL_PORT=$MAILPLANE_DNS_CONTROL_PORT
MILTER_PORT=$MAILPLANE_MILTER_PORT
NORMAL_PORT=$MAILPLANE_RSPAMD_PORT
CONTROLLER_PORT=$MAILPLANE_RSPAMD_CONTROLLER_PORT
REDIS_SERVER=${MAILPLANE_FILTER_REDIS:-127.0.0.1:6379}
REDIS_DB=$MAILPLANE_FILTER_REDIS_DB

UNBOUND_DIR=$STATE/unbound
UNBOUND_CONF=$UNBOUND_DIR/unbound.conf
UNBOUND_PID=$UNBOUND_DIR/unbound.pid
RSPAMD_DIR=$STATE/rspamd
RSPAMD_PID=$RSPAMD_DIR/run/rspamd.pid

log() { printf '[filter-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  command -v rspamd >/dev/null || missing+=(rspamd)
  command -v unbound >/dev/null || missing+=(unbound)
  command -v unbound-control >/dev/null || missing+=(unbound)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

configure_unbound() {
  mkdir -p "$UNBOUND_DIR"
  cat >"$UNBOUND_CONF" <<CONF
server:
  interface: 127.0.0.1
  port: $DNS_PORT
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  do-daemonize: yes
  username: ""
  chroot: ""
  directory: "$UNBOUND_DIR"
  pidfile: "$UNBOUND_PID"
  logfile: "$UNBOUND_DIR/unbound.log"
  use-syslog: no
  verbosity: 1
  module-config: "iterator"
  # The whole tree is local: names without local data are NXDOMAIN, nothing is recursed.
  local-zone: "." static
  # Records that tests add at runtime (unbound-control local_data) must not be cached long.
  cache-max-ttl: 1
  cache-max-negative-ttl: 1
remote-control:
  control-enable: yes
  control-interface: 127.0.0.1
  control-port: $DNS_CONTROL_PORT
  control-use-cert: no
CONF
}

unbound_control() { unbound-control -c "$UNBOUND_CONF" "$@"; }

start_unbound() {
  configure_unbound
  ts_port_free_or_ours "$DNS_PORT" "$UNBOUND_PID" Unbound
  ts_port_free_or_ours "$DNS_CONTROL_PORT" "$UNBOUND_PID" Unbound
  if unbound_control status >/dev/null 2>&1; then
    unbound_control reload >/dev/null
  else
    unbound-checkconf "$UNBOUND_CONF" >/dev/null
    # Daemons must not keep the caller's stdout open (a `| tail` would never end).
    unbound -c "$UNBOUND_CONF" </dev/null >>"$UNBOUND_DIR/start.log" 2>&1
  fi
  ts_wait_own_port "$DNS_PORT" "$UNBOUND_PID" "Unbound ($STATE)"
  ts_wait_own_port "$DNS_CONTROL_PORT" "$UNBOUND_PID" "Unbound ($STATE)"
}

configure_rspamd() {
  local conf=$RSPAMD_DIR/conf
  mkdir -p "$conf/local.d" "$conf/override.d" "$RSPAMD_DIR/db" "$RSPAMD_DIR/run" "$RSPAMD_DIR/log"
  chown _rspamd: "$RSPAMD_DIR/db" "$RSPAMD_DIR/run" "$RSPAMD_DIR/log"
  rm -f "$conf"/local.d/* "$conf"/override.d/*
  cp "$REPO"/deploy/filter/local.d/* "$conf/local.d/"
  # Single host: only DKIM signing talks to Redis (no global redis.conf, so greylisting,
  # ratelimit and Bayes stay off and never defer test mail).
  cat >>"$conf/local.d/dkim_signing.conf" <<CONF
servers = "$REDIS_SERVER";
db = "$REDIS_DB";
CONF
  cat >"$conf/override.d/worker-proxy.inc" <<CONF
bind_socket = "127.0.0.1:$MILTER_PORT";
milter = yes;
timeout = 120s;
upstream "local" {
  default = yes;
  self_scan = yes;
}
count = 1;
CONF
  cat >"$conf/override.d/worker-normal.inc" <<CONF
bind_socket = "127.0.0.1:$NORMAL_PORT";
count = 1;
CONF
  cat >"$conf/override.d/worker-controller.inc" <<CONF
bind_socket = "127.0.0.1:$CONTROLLER_PORT";
count = 1;
password = "q1";
secure_ip = "127.0.0.1";
CONF
  cat >"$conf/override.d/worker-fuzzy.inc" <<CONF
enabled = false;
CONF
  # No greylist module runs here (it needs Redis), so the greylist action would only tempfail
  # test mail that scores 4+ for lack of PTR/DNS in the test world. Reject stays at 15.
  cat >"$conf/local.d/actions.conf" <<CONF
greylist = null;
CONF
  cat >"$conf/local.d/options.inc" <<CONF
dns {
  nameserver = ["127.0.0.1:$DNS_PORT"];
  timeout = 1s;
  retransmits = 1;
}
CONF
  # Nothing in the test world is reachable: no fuzzy storage, no online maps.
  cat >"$conf/local.d/fuzzy_check.conf" <<CONF
enabled = false;
CONF
}

rspamd_vars() {
  printf '%s\n' --var="LOCAL_CONFDIR=$RSPAMD_DIR/conf" --var="DBDIR=$RSPAMD_DIR/db" \
    --var="RUNDIR=$RSPAMD_DIR/run" --var="LOGDIR=$RSPAMD_DIR/log"
}

rspamd_running() { [ -s "$RSPAMD_PID" ] && kill -0 "$(cat "$RSPAMD_PID")" 2>/dev/null; }

start_rspamd() {
  configure_rspamd
  local vars; mapfile -t vars < <(rspamd_vars)
  rspamadm "${vars[@]}" configtest -c /etc/rspamd/rspamd.conf >/dev/null
  local port
  for port in $MILTER_PORT $NORMAL_PORT $CONTROLLER_PORT; do
    ts_port_free_or_ours "$port" "$RSPAMD_PID" Rspamd
  done
  if rspamd_running; then
    kill -HUP "$(cat "$RSPAMD_PID")"
  else
    local began=$SECONDS
    rspamd -c /etc/rspamd/rspamd.conf "${vars[@]}" -u _rspamd -g _rspamd -p "$RSPAMD_PID" \
      </dev/null >>"$RSPAMD_DIR/log/start.log" 2>&1
    for port in $MILTER_PORT $NORMAL_PORT $CONTROLLER_PORT; do
      ts_wait_own_port "$port" "$RSPAMD_PID" "Rspamd ($STATE)" 240
    done
    log "rspamd up in $((SECONDS - began)) s"
  fi
}

start() {
  install_packages
  start_unbound
  start_rspamd
  log "unbound dns 127.0.0.1:$DNS_PORT (control 127.0.0.1:$DNS_CONTROL_PORT, conf $UNBOUND_CONF); rspamd milter 127.0.0.1:$MILTER_PORT, controller 127.0.0.1:$CONTROLLER_PORT; dkim keys redis $REDIS_SERVER db $REDIS_DB"
}

stop() {
  if rspamd_running; then
    local pid; pid=$(cat "$RSPAMD_PID")
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  [ -f "$UNBOUND_CONF" ] && unbound_control stop >/dev/null 2>&1 || true
  log "stopped"
}

status() {
  [ -f "$UNBOUND_CONF" ] && unbound_control status >/dev/null 2>&1 && log "unbound: up" || log "unbound: down"
  rspamd_running && log "rspamd: up (pid $(cat "$RSPAMD_PID"))" || log "rspamd: down"
  local port
  for port in "$DNS_PORT" "$DNS_CONTROL_PORT"; do
    ts_owns_port "$port" "$(ts_pid "$UNBOUND_PID")" && log "Unbound port $port: up" || log "Unbound port $port: down or not ours ($(ts_port_holders "$port"))"
  done
  for port in "$MILTER_PORT" "$NORMAL_PORT" "$CONTROLLER_PORT"; do
    ts_owns_port "$port" "$(ts_pid "$RSPAMD_PID")" && log "Rspamd port $port: up" || log "Rspamd port $port: down or not ours ($(ts_port_holders "$port"))"
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  # Re-renders only Rspamd's configuration from this repo and reloads the running Rspamd (Unbound
  # keeps the records tests added at runtime).
  rspamd-reload)
    if rspamd_running; then start_rspamd; else log "rspamd is not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|restart|status|rspamd-reload" >&2; exit 2 ;;
esac
