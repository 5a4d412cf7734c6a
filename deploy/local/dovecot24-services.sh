#!/usr/bin/env bash
# Dovecot 2.4 — the seed's mda version — for the tests. Debian 12 ships 2.3, so Debian 13's
# packages (Dovecot 2.4.1) are installed into a minimal root made once with debootstrap, cached
# under $MAILPLANE_DOVECOT24_DIR (default /var/tmp/mailplane-dovecot24, ~300 MB, ~2 minutes), and
# Dovecot runs there in a chroot, on loopback, against mailplane's test database:
#   mailplane  deploy/mda/conf.d/10-auth.conf + 99-mailplane-doveadm.conf as shipped (only the
#              doveadm HTTP port differs): IMAP 1243, doveadm HTTP 8191
#   seed       the seed's unchanged v8.0 10-auth.conf (src/test/resources/seed), auth only
# Both get the database connection the way the seed's mda entrypoint gives it: its
# auth-driver-mysql.conf (or -tls.conf with DB_TLS_VERIFY_CERT=yes) as /run/dovecot/auth-driver.conf.
# Usage: deploy/local/dovecot24-services.sh start|stop|status|doveadm INSTANCE ARGS...
# Idempotent: start reuses a running instance (reload) unless its environment changed.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${MAILPLANE_DOVECOT24_DIR:-/var/tmp/mailplane-dovecot24}
ROOT=$STATE/root
SUITE=${MAILPLANE_DOVECOT24_SUITE:-trixie}
# A second copy in the same root (side by side, like test-services.sh): its own names and ports.
PREFIX=${MAILPLANE_TS_PREFIX:-mailplane}
OFFSET=${MAILPLANE_TS_PORT_OFFSET:-0}
IMAP_PORT=${MAILPLANE_DOVECOT24_IMAP_PORT:-$((1243 + OFFSET))}
DOVEADM_HTTP_PORT=${MAILPLANE_DOVECOT24_DOVEADM_HTTP_PORT:-$((8191 + OFFSET))}
# Inside the chroot.
ETC=/etc/$PREFIX
RUN=/run/$PREFIX

ENVIRONMENT=(
  DB_HOST="${MAILPLANE_MAIL_DB_HOST:-127.0.0.1}"
  DB_PORT="${MAILPLANE_MAIL_DB_PORT:-3306}"
  DB_NAME="${MAILPLANE_MAIL_DB_NAME:-${MAILPLANE_TEST_DB_NAME:-mailplane_test}}"
  DB_USER="${MAILPLANE_MAIL_DB_USER:-mailplane}"
  DB_PASSWORD="${MAILPLANE_MAIL_DB_PASSWORD:-mailplane}"
  DB_TLS_VERIFY_CERT="${MAILPLANE_MAIL_DB_TLS_VERIFY_CERT:-no}"
  DOVEADM_API_KEY="${MAILPLANE_DOVEADM_API_KEY:-mailplane-test-doveadm-key}"
)

log() { printf '[dovecot24] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
in_root() { as_root chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${ENVIRONMENT[@]}" "$@"; }

# The Debian mirror this machine's apt uses (deb822 or one-line sources), else deb.debian.org.
mirror() {
  local uri
  uri=$(grep -hoE '^(URIs:[[:space:]]*|deb[[:space:]]+)https?://[^[:space:]]+/debian/?' \
    /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -oE 'https?://[^[:space:]]+' | head -1 || true)
  echo "${MAILPLANE_DOVECOT24_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

make_root() {
  [ -x "$ROOT/usr/sbin/dovecot" ] && return 0
  command -v debootstrap >/dev/null || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  log "building a Debian $SUITE root with Dovecot 2.4 in $ROOT (a few minutes, once)"
  as_root rm -rf "$ROOT.partial"
  as_root mkdir -p "$STATE"
  as_root debootstrap --variant=minbase --include=dovecot-core,dovecot-mysql,dovecot-imapd \
    "$SUITE" "$ROOT.partial" "$(mirror)" >"$STATE/debootstrap.log" 2>&1 ||
    { log "debootstrap failed, see $STATE/debootstrap.log"; return 1; }
  as_root mv "$ROOT.partial" "$ROOT"
}

configure() {
  as_root mkdir -p "$ROOT$ETC/mailplane" "$ROOT$ETC/seed" "$ROOT$RUN" "$ROOT/run/dovecot" "$ROOT/srv/vmail" "$ROOT/var/log/$PREFIX"
  in_root sh -c 'id vmail >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vmail'
  in_root chown vmail: /srv/vmail
  # What the seed's mda entrypoint does with DB_DRIVER=mysql and DB_TLS_VERIFY_CERT.
  local driver=auth-driver-mysql.conf
  case "${MAILPLANE_MAIL_DB_TLS_VERIFY_CERT:-no}" in true | yes) driver=auth-driver-mysql-tls.conf ;; esac
  as_root cp "$REPO/src/test/resources/seed/$driver" "$ROOT/run/dovecot/auth-driver.conf"
  as_root cp "$REPO/src/test/resources/seed/my.cnf" "$ROOT/etc/my.cnf"
  as_root cp "$REPO/deploy/mda/conf.d/10-auth.conf" "$ROOT$ETC/mailplane/10-auth.conf"
  sed "s/port = 8081/port = $DOVEADM_HTTP_PORT/" "$REPO/deploy/mda/conf.d/99-mailplane-doveadm.conf" |
    as_root tee "$ROOT$ETC/mailplane/99-mailplane-doveadm.conf" >/dev/null
  as_root cp "$REPO/src/test/resources/seed/dovecot-10-auth.conf" "$ROOT$ETC/seed/10-auth.conf"
  base mailplane "imap" | as_root tee "$ROOT$ETC/mailplane/dovecot.conf" >/dev/null
  cat <<CONF | as_root tee -a "$ROOT$ETC/mailplane/dovecot.conf" >/dev/null
mail_driver = maildir
mail_home = /srv/vmail/%{user|domain}/%{user|username}
mail_path = ~/Maildir
mail_uid = vmail
mail_gid = vmail
mail_plugins {
  quota = yes
}
quota "User quota" {
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
!include $ETC/mailplane/10-auth.conf
!include $ETC/mailplane/99-mailplane-doveadm.conf
CONF
  base seed "" | as_root tee "$ROOT$ETC/seed/dovecot.conf" >/dev/null
  echo "!include $ETC/seed/10-auth.conf" | as_root tee -a "$ROOT$ETC/seed/dovecot.conf" >/dev/null
}

# The part both instances share: versions, private directories, no TLS on loopback.
base() {
  cat <<CONF
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
protocols = $2
listen = 127.0.0.1
base_dir = $RUN/$1
state_dir = /var/lib/$PREFIX/$1
instance_name = $PREFIX-dovecot24-$1
log_path = /var/log/$PREFIX/$1.log
ssl = no
auth_allow_cleartext = yes
CONF
}

running() { in_root doveadm -c "$ETC/$1/dovecot.conf" process status >/dev/null 2>&1 || [ -s "$ROOT$RUN/$1/master.pid" ] && kill -0 "$(cat "$ROOT$RUN/$1/master.pid" 2>/dev/null)" 2>/dev/null; }

start_instance() {
  local name=$1 envfile=$ROOT$RUN/$1.env
  as_root mkdir -p "$ROOT/var/lib/$PREFIX/$name"
  if running "$name" && [ "$(cat "$envfile" 2>/dev/null)" = "${ENVIRONMENT[*]}" ]; then
    in_root doveadm -c "$ETC/$name/dovecot.conf" reload
    return
  fi
  running "$name" && in_root doveadm -c "$ETC/$name/dovecot.conf" stop || true
  for _ in $(seq 1 50); do running "$name" || break; sleep 0.2; done
  in_root dovecot -c "$ETC/$name/dovecot.conf"
  echo "${ENVIRONMENT[*]}" | as_root tee "$envfile" >/dev/null
}

start() {
  make_root
  configure
  start_instance mailplane
  start_instance seed
  for _ in $(seq 1 60); do port_open "$DOVEADM_HTTP_PORT" && port_open "$IMAP_PORT" && break; sleep 0.5; done
  port_open "$DOVEADM_HTTP_PORT" || { log "doveadm HTTP $DOVEADM_HTTP_PORT did not open; see $ROOT/var/log/$PREFIX"; return 1; }
  log "Dovecot $(in_root dovecot --version): imap $IMAP_PORT, doveadm http $DOVEADM_HTTP_PORT; auth-only seed instance; db ${ENVIRONMENT[2]#DB_NAME=}"
}

stop() {
  for name in mailplane seed; do
    [ -f "$ROOT$ETC/$name/dovecot.conf" ] && in_root doveadm -c "$ETC/$name/dovecot.conf" stop 2>/dev/null || true
  done
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) for p in "$IMAP_PORT" "$DOVEADM_HTTP_PORT"; do port_open "$p" && log "port $p: up" || log "port $p: down"; done ;;
  # doveadm of one instance inside the root, e.g. `doveadm seed auth test -x service=imap u p`.
  doveadm) shift; name=$1; shift; in_root doveadm -c "$ETC/$name/dovecot.conf" "$@" ;;
  *) echo "usage: $0 start|stop|status|doveadm INSTANCE ARGS..." >&2; exit 2 ;;
esac
