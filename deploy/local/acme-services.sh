#!/usr/bin/env bash
# Installs (when missing) and runs the ACME test peers on loopback (default ports; every port and
# the state directory come from one variable set, test-services-env.sh, which lists them):
#  - pebble-challtestsrv: DNS on 127.0.0.1:8053 (management 8055) answering every name with
#    127.0.0.1
#  - Pebble "http" (RFC 8555 CA) on 127.0.0.1:14000 (management 15000), validating through that
#    DNS; HTTP-01 validation connects to port 5002 (mailplane's challenge listener in the tests)
#  - BIND (named) on 127.0.0.1:8054, primary of zone acme.test, accepting TSIG-signed RFC 2136
#    updates with key mailplane-acme (hmac-sha256)
#  - Pebble "dns" on 127.0.0.1:14001 (management 15001), validating through BIND (DNS-01)
# Both Pebbles run with PEBBLE_AUTHZREUSE=0 (every order is validated) and real validation.
# Their HTTPS certificate comes from a CA made here: $STATE/ca.pem. The TSIG secret is
# MAILPLANE_ACME_TSIG_SECRET (a fixed test value by default). Every daemon has a pid file in
# $STATE; `start` returns when each port is served by this copy's daemon. Idempotent.
# Usage: deploy/local/acme-services.sh start|stop|status
set -euo pipefail

# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
STATE=$MAILPLANE_ACME_DIR
TSIG_SECRET=${MAILPLANE_ACME_TSIG_SECRET:-bWFpbHBsYW5lLWFjbWUtdGVzdC10c2lnLXNlY3JldCE=}
log() { printf '[acme-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
running() { [ -s "$1" ] && kill -0 "$(ts_pid "$1")" 2>/dev/null; }

install_packages() {
  local missing=()
  command -v pebble >/dev/null || missing+=(pebble)
  command -v named >/dev/null || missing+=(bind9)
  command -v lego >/dev/null || missing+=(lego)
  command -v openssl >/dev/null || missing+=(openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

make_ca() {
  mkdir -p "$STATE"
  [ -s "$STATE/ca.pem" ] && [ -s "$STATE/wfe.pem" ] && return
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=mailplane test ACME CA" -keyout "$STATE/ca.key" -out "$STATE/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$STATE/wfe.key" -out "$STATE/wfe.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$STATE/wfe.ext"
  openssl x509 -req -in "$STATE/wfe.csr" -CA "$STATE/ca.pem" -CAkey "$STATE/ca.key" \
    -CAcreateserial -days 3650 -extfile "$STATE/wfe.ext" -out "$STATE/wfe.pem" 2>/dev/null
}

pebble_config() { # name listen management httpPort
  cat >"$STATE/pebble-$1.json" <<JSON
{
  "pebble": {
    "listenAddress": "127.0.0.1:$2",
    "managementListenAddress": "127.0.0.1:$3",
    "certificate": "$STATE/wfe.pem",
    "privateKey": "$STATE/wfe.key",
    "httpPort": $4,
    "tlsPort": $MAILPLANE_ACME_TLSALPN_PORT,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
}

start_pebble() { # name listen management httpPort dnsserver
  local pid=$STATE/pebble-$1.pid
  ts_adopt "$pid" "$2" "-config $STATE/pebble-$1.json"
  if running "$pid"; then
    ts_wait_own_port "$2" "$pid" "Pebble $1" && return
  fi
  ts_port_free_or_ours "$2" "$pid" "Pebble $1"
  ts_port_free_or_ours "$3" "$pid" "Pebble $1"
  pebble_config "$1" "$2" "$3" "$4"
  (PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
    nohup pebble -config "$STATE/pebble-$1.json" -dnsserver "$5" >"$STATE/pebble-$1.log" 2>&1 &
    echo $! >"$pid")
  ts_wait_own_port "$2" "$pid" "Pebble $1"
  ts_wait_own_port "$3" "$pid" "Pebble $1"
}

start_challtestsrv() {
  local pid=$STATE/challtestsrv.pid
  ts_adopt "$pid" "$MAILPLANE_CHALLTESTSRV_MGMT_PORT" "-management 127.0.0.1:$MAILPLANE_CHALLTESTSRV_MGMT_PORT"
  if running "$pid"; then
    ts_wait_own_port "$MAILPLANE_CHALLTESTSRV_MGMT_PORT" "$pid" pebble-challtestsrv && return
  fi
  ts_port_free_or_ours "$MAILPLANE_CHALLTESTSRV_DNS_PORT" "$pid" pebble-challtestsrv
  ts_port_free_or_ours "$MAILPLANE_CHALLTESTSRV_MGMT_PORT" "$pid" pebble-challtestsrv
  (nohup pebble-challtestsrv -dns01 "127.0.0.1:$MAILPLANE_CHALLTESTSRV_DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
    -management "127.0.0.1:$MAILPLANE_CHALLTESTSRV_MGMT_PORT" -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
    >"$STATE/challtestsrv.log" 2>&1 &
    echo $! >"$pid")
  ts_wait_own_port "$MAILPLANE_CHALLTESTSRV_DNS_PORT" "$pid" pebble-challtestsrv
  ts_wait_own_port "$MAILPLANE_CHALLTESTSRV_MGMT_PORT" "$pid" pebble-challtestsrv
}

start_bind() {
  local dir=$STATE/bind
  mkdir -p "$dir"
  # A fixed, public test secret: this BIND answers only on loopback for the made-up zone acme.test,
  # and the tests' configuration must know it.
  local key
  key=$(printf 'key "mailplane-acme" {\n  algorithm hmac-sha256;\n  secret "%s";\n};\n' "$TSIG_SECRET")
  if [ "$(cat "$dir/tsig.key" 2>/dev/null)" != "$key" ]; then
    printf '%s\n' "$key" >"$dir/tsig.key"
    [ -s "$dir/named.pid" ] && kill "$(cat "$dir/named.pid")" 2>/dev/null && sleep 1 || true
  fi
  if [ ! -s "$dir/acme.test.zone" ]; then
    cat >"$dir/acme.test.zone" <<ZONE
\$TTL 60
@   IN SOA ns.acme.test. hostmaster.acme.test. 1 60 60 600 60
@   IN NS  ns.acme.test.
ns  IN A   127.0.0.1
*   IN A   127.0.0.1
ZONE
  fi
  cat >"$dir/named.conf" <<CONF
include "$dir/tsig.key";
options {
  directory "$dir";
  pid-file "$dir/named.pid";
  session-keyfile "$dir/session.key";
  listen-on port $MAILPLANE_BIND_PORT { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-query { 127.0.0.1; };
};
controls { };
zone "acme.test" {
  type primary;
  file "$dir/acme.test.zone";
  journal "$dir/acme.test.zone.jnl";
  update-policy { grant mailplane-acme zonesub TXT; };
};
CONF
  chown -R bind: "$dir" 2>/dev/null || true
  if running "$dir/named.pid"; then
    ts_wait_own_port "$MAILPLANE_BIND_PORT" "$dir/named.pid" BIND && return
  fi
  ts_port_free_or_ours "$MAILPLANE_BIND_PORT" "$dir/named.pid" BIND
  named -c "$dir/named.conf" -u bind -L "$STATE/named.log"
  ts_wait_own_port "$MAILPLANE_BIND_PORT" "$dir/named.pid" BIND
}

start() {
  install_packages
  make_ca
  start_challtestsrv
  start_bind
  start_pebble http "$MAILPLANE_PEBBLE_HTTP_PORT" $((MAILPLANE_PEBBLE_HTTP_PORT + 1000)) "$MAILPLANE_ACME_HTTP01_PORT" "127.0.0.1:$MAILPLANE_CHALLTESTSRV_DNS_PORT"
  start_pebble dns "$MAILPLANE_PEBBLE_DNS_PORT" $((MAILPLANE_PEBBLE_DNS_PORT + 1000)) "$MAILPLANE_ACME_DNS01_HTTP_PORT" "127.0.0.1:$MAILPLANE_BIND_PORT"
  log "Pebble http-01 https://127.0.0.1:$MAILPLANE_PEBBLE_HTTP_PORT/dir (DNS challtestsrv $MAILPLANE_CHALLTESTSRV_DNS_PORT), Pebble dns-01 https://127.0.0.1:$MAILPLANE_PEBBLE_DNS_PORT/dir (DNS BIND $MAILPLANE_BIND_PORT, zone acme.test, TSIG mailplane-acme); CA $STATE/ca.pem"
}

stop() {
  local pid
  for pid in "$STATE/pebble-http.pid" "$STATE/pebble-dns.pid" "$STATE/challtestsrv.pid" "$STATE/bind/named.pid"; do
    running "$pid" && kill "$(ts_pid "$pid")" 2>/dev/null || true
  done
  log "stopped"
}

status() {
  local port pid
  for entry in "$MAILPLANE_CHALLTESTSRV_MGMT_PORT challtestsrv.pid -management 127.0.0.1:$MAILPLANE_CHALLTESTSRV_MGMT_PORT" "$MAILPLANE_BIND_PORT bind/named.pid -c $STATE/bind/named.conf" \
    "$MAILPLANE_PEBBLE_HTTP_PORT pebble-http.pid -config $STATE/pebble-http.json" "$MAILPLANE_PEBBLE_DNS_PORT pebble-dns.pid -config $STATE/pebble-dns.json"; do
    read -r port pid fragment <<<"$entry"
    pid=$(ts_pid "$STATE/$pid"); pid=${pid:-$(ts_find_pid "$port" "$fragment")}
    ts_owns_port "$port" "$pid" && log "port $port: up" || log "port $port: down or not ours ($(ts_port_holders "$port"))"
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
