#!/usr/bin/env bash
# Runs a real OpenID Connect provider for the single sign-on tests: Keycloak's server distribution
# (org.keycloak:keycloak-quarkus-dist from Maven Central, fetched with the project's Maven
# wrapper), `kc.sh start-dev` on 127.0.0.1:$MAILPLANE_OIDC_PORT (default 8180 + offset) with the
# realms of deploy/local/oidc/*.json imported: `mailplane-test` (clients, the audience and groups
# mappers, users, groups; see SsoTest) and `foreign` (the same names, another issuer and keys).
# Keycloak needs Java 21+: MAILPLANE_OIDC_JAVA_HOME, else a Temurin 25 under /usr/lib/jvm, else
# Debian's openjdk-21/25 JRE is installed. State (the unpacked server, its H2 database, log, pid
# file) under $MAILPLANE_OIDC_DIR (/var/tmp/<prefix>-oidc). The heap is capped at
# MAILPLANE_OIDC_HEAP (-Xms64m -Xmx384m). `start` returns once the realm's discovery document
# answers (at most MAILPLANE_OIDC_START_TIMEOUT, 600 s: the first start augments the server);
# idempotent. A changed realm file is picked up by `stop` + `start` (the import runs at
# every start and skips realms that exist, so `reset` wipes the database first).
# Usage: deploy/local/oidc-services.sh start|status|stop|reset
set -euo pipefail

# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STATE=$MAILPLANE_OIDC_DIR
VERSION=${MAILPLANE_OIDC_KEYCLOAK_VERSION:-26.5.6}
HOME_DIR=$STATE/keycloak-$VERSION
PIDFILE=$STATE/keycloak.pid
PORT=$MAILPLANE_OIDC_PORT
log() { printf '[oidc-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
running() { [ -s "$PIDFILE" ] && kill -0 "$(ts_pid "$PIDFILE")" 2>/dev/null; }

java_home() {
  local candidate
  for candidate in "${MAILPLANE_OIDC_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
    /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && echo "$candidate" && return
  done
  log "installing a Java 21+ runtime for Keycloak" >&2
  as_root apt-get update -qq
  for candidate in openjdk-25-jre-headless openjdk-21-jre-headless; do
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$candidate" >/dev/null 2>&1; then
      ls -d /usr/lib/jvm/java-2[15]-openjdk-* | head -1
      return
    fi
  done
  log "no Java 21+ runtime found or installable; set MAILPLANE_OIDC_JAVA_HOME" >&2
  return 1
}

install_keycloak() {
  [ -x "$HOME_DIR/bin/kc.sh" ] && return
  mkdir -p "$STATE"
  log "fetching org.keycloak:keycloak-quarkus-dist:$VERSION (Maven)"
  (cd "$REPO" && ./mvnw -B -q dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:tar.gz" -DoutputDirectory="$STATE")
  tar -xzf "$STATE/keycloak-quarkus-dist-$VERSION.tar.gz" -C "$STATE" # → $HOME_DIR
  rm -f "$STATE/keycloak-quarkus-dist-$VERSION.tar.gz"
}

# kc.sh stays the parent of the server's JVM (it forwards signals and relaunches after a
# re-augmentation), so the port is ours when its listener is the pid file's process or a child.
owns_port() {
  local pid holder
  pid=$(ts_pid "$PIDFILE")
  [ -n "$pid" ] || return 1
  for holder in $(ts_port_holders "$PORT" | sed 's/pid=//g'); do
    [ "$holder" = "$pid" ] && continue
    [ "$(ps -o ppid= -p "$holder" | tr -d ' ')" = "$pid" ] || return 1
  done
  [ -n "$(ts_port_holders "$PORT")" ]
}

discovery_answers() {
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/realms/mailplane-test/.well-known/openid-configuration"
}

start() {
  if running; then
    owns_port && discovery_answers && log "Keycloak up on 127.0.0.1:$PORT (pid $(ts_pid "$PIDFILE"))" && return
  fi
  if [ -n "$(ts_port_holders "$PORT")" ]; then
    log "port $PORT for Keycloak is held by another process ($(ts_port_holders "$PORT")); choose another MAILPLANE_TS_PORT_OFFSET" >&2
    return 1
  fi
  install_keycloak
  local jh started
  jh=$(java_home)
  mkdir -p "$HOME_DIR/data/import"
  cp "$HERE"/oidc/*.json "$HOME_DIR/data/import/"
  started=$(date +%s)
  # The bootstrap admin only exists so the console can be used while debugging a test.
  # A simple command in the background, so $! is kc.sh itself (not a subshell around it).
  (cd "$STATE" || exit 1
    JAVA_HOME=$jh JAVA_OPTS_KC_HEAP=${MAILPLANE_OIDC_HEAP:--Xms64m -Xmx384m} \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    nohup "$HOME_DIR/bin/kc.sh" start-dev --import-realm \
    --http-host=127.0.0.1 --http-port="$PORT" --hostname="http://127.0.0.1:$PORT" \
    --http-management-port="$MAILPLANE_OIDC_MANAGEMENT_PORT" --cache=local \
    >"$STATE/keycloak.log" 2>&1 &
    echo $! >"$PIDFILE")
  # The first start augments the server (measured 195 s at load average 30, see docs/sso.md).
  for _ in $(seq 1 $((2 * ${MAILPLANE_OIDC_START_TIMEOUT:-600}))); do
    if discovery_answers && owns_port; then
      log "Keycloak $VERSION up on 127.0.0.1:$PORT in $(($(date +%s) - started)) s (pid $(ts_pid "$PIDFILE"))"
      return
    fi
    running || break
    sleep 0.5
  done
  log "Keycloak did not come up; see $STATE/keycloak.log" >&2
  tail -20 "$STATE/keycloak.log" >&2 || true
  return 1
}

status() {
  if running && discovery_answers; then
    log "Keycloak: up on 127.0.0.1:$PORT (pid $(ts_pid "$PIDFILE"))"
  else
    log "Keycloak: down"
  fi
}

stop() {
  if running; then
    local pid server
    pid=$(ts_pid "$PIDFILE")
    # The JVM is kc.sh's child; signalled alone, kc.sh can leave it running (seen after a relaunch).
    for server in $(ps -o pid= --ppid "$pid"); do kill "$server" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  reset) stop; rm -rf "$HOME_DIR/data/h2"; start ;;
  *) echo "usage: $0 start|status|stop|reset" >&2; exit 2 ;;
esac
