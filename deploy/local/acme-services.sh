#!/usr/bin/env bash
# Installs (when missing) and runs the ACME test peers on loopback:
#  - pebble-challtestsrv: DNS on 127.0.0.1:8053 answering every name with 127.0.0.1
#  - Pebble "http" (RFC 8555 CA) on 127.0.0.1:14000 (management 15000), validating through that
#    DNS; HTTP-01 validation connects to port 5002 (mailplane's challenge listener in the tests)
#  - BIND (named) on 127.0.0.1:8054, primary of zone acme.test, accepting TSIG-signed RFC 2136
#    updates with key mailplane-acme (hmac-sha256)
#  - Pebble "dns" on 127.0.0.1:14001 (management 15001), validating through BIND (DNS-01)
# Both Pebbles run with PEBBLE_AUTHZREUSE=0 (every order is validated) and real validation.
# Their HTTPS certificate comes from a CA made here: $STATE/ca.pem. The TSIG secret is
# MAILPLANE_ACME_TSIG_SECRET (a fixed test value by default). Idempotent. Usage: deploy/local/acme-services.sh start|stop|status
set -euo pipefail

STATE=${MAILPLANE_ACME_DIR:-/var/tmp/mailplane-acme}
TSIG_SECRET=${MAILPLANE_ACME_TSIG_SECRET:-bWFpbHBsYW5lLWFjbWUtdGVzdC10c2lnLXNlY3JldCE=}
log() { printf '[acme-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.25; done
  log "port $1 did not open; see $STATE/*.log"; return 1
}

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
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
}

start_pebble() { # name listen management httpPort dnsserver
  if port_open "$2"; then return; fi
  pebble_config "$1" "$2" "$3" "$4"
  (PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
    nohup pebble -config "$STATE/pebble-$1.json" -dnsserver "$5" >"$STATE/pebble-$1.log" 2>&1 &)
  wait_port "$2"
}

start_challtestsrv() {
  port_open 8055 && return
  (nohup pebble-challtestsrv -dns01 127.0.0.1:8053 -http01 "" -https01 "" -tlsalpn01 "" \
    -management 127.0.0.1:8055 -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
    >"$STATE/challtestsrv.log" 2>&1 &)
  wait_port 8055
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
  listen-on port 8054 { 127.0.0.1; };
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
  if port_open 8054; then return; fi
  named -c "$dir/named.conf" -u bind -L "$STATE/named.log"
  wait_port 8054
}

start() {
  install_packages
  make_ca
  start_challtestsrv
  start_bind
  start_pebble http 14000 15000 5002 127.0.0.1:8053
  start_pebble dns 14001 15001 5003 127.0.0.1:8054
  log "Pebble http-01 https://127.0.0.1:14000/dir (DNS challtestsrv 8053), Pebble dns-01 https://127.0.0.1:14001/dir (DNS BIND 8054, zone acme.test, TSIG mailplane-acme); CA $STATE/ca.pem"
}

stop() {
  pkill -f "pebble -config $STATE" 2>/dev/null || true
  pkill -f "pebble-challtestsrv -dns01 127.0.0.1:8053" 2>/dev/null || true
  [ -s "$STATE/bind/named.pid" ] && kill "$(cat "$STATE/bind/named.pid")" 2>/dev/null || true
  log "stopped"
}

status() {
  for port in 8053 8054 14000 15000 14001 15001; do
    port_open "$port" && log "port $port: up" || log "port $port: down"
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
