#!/usr/bin/env bash
# Dovecot 2.4 — the seed's mda version — for the tests. Debian 12 ships 2.3, so Debian 13's
# packages (Dovecot 2.4.1) are installed into a minimal root made once with debootstrap, cached
# under $MAILPLANE_DOVECOT24_DIR (default /var/tmp/mailplane-dovecot24, ~300 MB, ~2 minutes), and
# Dovecot runs there in a chroot, on loopback, against mailplane's test database:
#   mailplane  deploy/mda/conf.d/10-auth.conf + 99-mailplane-doveadm.conf + 99-mailplane-sieve.conf
#              as shipped (only the doveadm HTTP and ManageSieve ports differ): IMAP 1243, doveadm
#              HTTP 8191, ManageSieve 4291 (plus the port offset)
#   seed       the seed's unchanged v8.0 10-auth.conf (src/test/resources/seed), auth only
# Both get the database connection the way the seed's mda entrypoint gives it, from DB_DRIVER
# (MAILPLANE_MAIL_DB_DRIVER, mysql or pgsql): its auth-driver-mysql.conf (or -tls.conf with
# DB_TLS_VERIFY_CERT=yes) or auth-driver-pgsql.conf as /run/dovecot/auth-driver.conf. That path is
# the seed's and fixed, so each copy runs its instances and its doveadm calls in a private mount
# namespace where its own $RUN/dovecot is mounted over /run/dovecot: a MariaDB-reading and a
# PostgreSQL-reading copy share the root without touching each other's driver file.
# Usage: deploy/local/dovecot24-services.sh start|stop|status|doveadm INSTANCE ARGS...
# Idempotent: start reuses a running instance (reload) unless its environment changed.
#
# Side by side (test-services-env.sh holds the whole variable set): the root is built once and
# shared by every copy; inside it each copy keeps its own files under its MAILPLANE_TS_PREFIX
# (MAILPLANE_DOVECOT24_NAME): /etc/<name>, /run/<name>, /var/lib/<name>, /var/log/<name>,
# /srv/<name>-vmail, instance names <name>-dovecot24-mailplane and <name>-dovecot24-seed.
#   MAILPLANE_DOVECOT24_IMAP_PORT          1243 + offset   IMAP of the mailplane instance
#   MAILPLANE_DOVECOT24_DOVEADM_HTTP_PORT  8191 + offset   its doveadm HTTP API
#   MAILPLANE_DOVECOT24_MANAGESIEVE_PORT   4291 + offset   its ManageSieve
#   MAILPLANE_DOVECOT24_NAME               prefix          the names above
#   MAILPLANE_DOVECOT24_DIR                /var/tmp/mailplane-dovecot24 (shared: the root, ~300 MB)
# A start counts only when the instance's own master process (its pid file) alone listens on
# both ports; a port held by another copy makes the start fail with the holder's pid.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
STATE=$MAILPLANE_DOVECOT24_DIR
ROOT=$STATE/root
SUITE=${MAILPLANE_DOVECOT24_SUITE:-trixie}
IMAP_PORT=$MAILPLANE_DOVECOT24_IMAP_PORT
DOVEADM_HTTP_PORT=$MAILPLANE_DOVECOT24_DOVEADM_HTTP_PORT
MANAGESIEVE_PORT=$MAILPLANE_DOVECOT24_MANAGESIEVE_PORT
NAME=$MAILPLANE_DOVECOT24_NAME
# Inside the chroot, this copy's own.
ETC=/etc/$NAME
RUN=/run/$NAME
LIB=/var/lib/$NAME
LOGS=/var/log/$NAME
VMAIL=/srv/$NAME-vmail

export DB_DRIVER=$MAILPLANE_MAIL_DB_DRIVER DB_PORT=${MAILPLANE_MAIL_DB_PORT:-}
[ -n "$DB_PORT" ] || unset DB_PORT
export DB_TLS_VERIFY_CERT=${MAILPLANE_MAIL_DB_TLS_VERIFY_CERT:-no}
# shellcheck source=db-driver.sh
. "$(dirname "$0")/db-driver.sh"

ENVIRONMENT=(
  DB_HOST="${MAILPLANE_MAIL_DB_HOST:-127.0.0.1}"
  DB_PORT="$DB_PORT"
  DB_NAME="$MAILPLANE_MAIL_DB_NAME"
  DB_USER="${MAILPLANE_MAIL_DB_USER:-mailplane}"
  DB_PASSWORD="${MAILPLANE_MAIL_DB_PASSWORD:-mailplane}"
  DB_TLS_VERIFY_CERT="$DB_TLS_VERIFY_CERT"
  DOVEADM_API_KEY="${MAILPLANE_DOVEADM_API_KEY:-mailplane-test-doveadm-key}"
)

log() { printf '[dovecot24 %s] %s\n' "$NAME" "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# In the root, in this copy's mount namespace: its $RUN/dovecot is the seed's /run/dovecot. A copy
# started before copies had their own (no driver file there) still reads the root's.
in_root() {
  if [ ! -e "$ROOT$RUN/dovecot/auth-driver.conf" ]; then
    as_root chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${ENVIRONMENT[@]}" "$@"
    return
  fi
  # shellcheck disable=SC2016 # expanded by the inner shell
  as_root unshare --mount --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec chroot "$@"' \
    sh "$ROOT$RUN/dovecot" "$ROOT/run/dovecot" \
    "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${ENVIRONMENT[@]}" "$@"
}
# Package management in the root, outside any copy's namespace; services are never started by a
# package's scripts (policy-rc.d), so the instances running there are left alone.
apt_in_root() {
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$ROOT/usr/sbin/policy-rc.d" >/dev/null
  as_root chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  as_root chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# The Debian mirror this machine's apt uses (deb822 or one-line sources), else deb.debian.org.
mirror() {
  local uri
  uri=$(grep -hoE '^(URIs:[[:space:]]*|deb[[:space:]]+)https?://[^[:space:]]+/debian/?' \
    /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -oE 'https?://[^[:space:]]+' | head -1 || true)
  echo "${MAILPLANE_DOVECOT24_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

# Both database drivers, Sieve and ManageSieve (99-mailplane-sieve.conf).
PACKAGES=dovecot-core,dovecot-mysql,dovecot-pgsql,dovecot-imapd,dovecot-sieve,dovecot-managesieved

make_root() {
  if [ -x "$ROOT/usr/sbin/dovecot" ]; then
    # Roots built before the PostgreSQL driver or Sieve/ManageSieve were part of them get what is
    # missing: new files, which running instances never load (only a start reads them).
    [ -e "$ROOT/usr/lib/dovecot/modules/auth/libdriver_pgsql.so" ] && [ -x "$ROOT/usr/lib/dovecot/managesieve" ] && return 0
    log "installing ${PACKAGES//,/ } into $ROOT"
    apt_in_root apt-get install -y -qq --no-install-recommends ${PACKAGES//,/ } >>"$STATE/apt.log" 2>&1 ||
      { apt_in_root apt-get update -qq >>"$STATE/apt.log" 2>&1 &&
        apt_in_root apt-get install -y -qq --no-install-recommends ${PACKAGES//,/ } >>"$STATE/apt.log" 2>&1; } ||
      { log "installing ${PACKAGES//,/ } failed, see $STATE/apt.log"; return 1; }
    return 0
  fi
  command -v debootstrap >/dev/null || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  log "building a Debian $SUITE root with Dovecot 2.4 in $ROOT (a few minutes, once)"
  as_root rm -rf "$ROOT.partial"
  as_root mkdir -p "$STATE"
  as_root debootstrap --variant=minbase --include="$PACKAGES" \
    "$SUITE" "$ROOT.partial" "$(mirror)" >"$STATE/debootstrap.log" 2>&1 ||
    { log "debootstrap failed, see $STATE/debootstrap.log"; return 1; }
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$ROOT.partial/usr/sbin/policy-rc.d" >/dev/null
  as_root chmod 755 "$ROOT.partial/usr/sbin/policy-rc.d"
  as_root mv "$ROOT.partial" "$ROOT"
}

configure() {
  as_root mkdir -p "$ROOT$ETC/mailplane" "$ROOT$ETC/seed" "$ROOT$RUN/dovecot" "$ROOT/run/dovecot" "$ROOT$VMAIL" "$ROOT$LOGS"
  # What the seed's mda entrypoint does with DB_DRIVER and DB_TLS_VERIFY_CERT, into this copy's
  # own /run/dovecot (see in_root). The PostgreSQL file is not one of the copied seed fixtures:
  # it stands for the seed image's auth-driver-pgsql.conf (src/test/resources/seed/README.md).
  local driver=$REPO/src/test/resources/seed/auth-driver-$DB_DRIVER.conf
  [ "$DB_TLS_VERIFY_CERT" = yes ] && driver=$REPO/src/test/resources/seed/auth-driver-mysql-tls.conf
  [ "$DB_DRIVER" = pgsql ] && driver=$REPO/src/test/resources/dovecot24/auth-driver-pgsql.conf
  cmp -s "$driver" "$ROOT$RUN/dovecot/auth-driver.conf" || as_root cp "$driver" "$ROOT$RUN/dovecot/auth-driver.conf"
  in_root sh -c 'id vmail >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vmail'
  in_root chown vmail: "$VMAIL"
  shared_file "$REPO/src/test/resources/seed/my.cnf" /etc/my.cnf
  as_root cp "$REPO/deploy/mda/conf.d/10-auth.conf" "$ROOT$ETC/mailplane/10-auth.conf"
  sed "s/port = 8081/port = $DOVEADM_HTTP_PORT/" "$REPO/deploy/mda/conf.d/99-mailplane-doveadm.conf" |
    as_root tee "$ROOT$ETC/mailplane/99-mailplane-doveadm.conf" >/dev/null
  sed "s/port = 4190/port = $MANAGESIEVE_PORT/" "$REPO/deploy/mda/conf.d/99-mailplane-sieve.conf" |
    as_root tee "$ROOT$ETC/mailplane/99-mailplane-sieve.conf" >/dev/null
  as_root cp "$REPO/src/test/resources/seed/dovecot-10-auth.conf" "$ROOT$ETC/seed/10-auth.conf"
  base mailplane "imap" | as_root tee "$ROOT$ETC/mailplane/dovecot.conf" >/dev/null
  cat <<CONF | as_root tee -a "$ROOT$ETC/mailplane/dovecot.conf" >/dev/null
mail_driver = maildir
mail_home = $VMAIL/%{user|domain}/%{user|username}
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
!include $ETC/mailplane/99-mailplane-sieve.conf
CONF
  base seed "" | as_root tee "$ROOT$ETC/seed/dovecot.conf" >/dev/null
  echo "!include $ETC/seed/10-auth.conf" | as_root tee -a "$ROOT$ETC/seed/dovecot.conf" >/dev/null
}

# Copies one of the root's shared files; refused when another copy runs with a different one.
shared_file() { # source path-in-root
  local target=$ROOT$2 other
  cmp -s "$1" "$target" && return 0
  if [ -e "$target" ]; then
    for other in "$ROOT"/run/*/mailplane/master.pid; do
      [ -e "$other" ] && [ "$other" != "$ROOT$RUN/mailplane/master.pid" ] || continue
      if kill -0 "$(ts_pid "$other")" 2>/dev/null; then
        log "$2 differs from the one the copy of $other runs with; stop that copy or use the same setting"
        return 1
      fi
    done
  fi
  as_root cp "$1" "$target"
}

# The part both instances share: versions, private directories, no TLS on loopback.
base() {
  cat <<CONF
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
protocols = $2
listen = 127.0.0.1
base_dir = $RUN/$1
state_dir = $LIB/$1
instance_name = $NAME-dovecot24-$1
log_path = $LOGS/$1.log
ssl = no
auth_allow_cleartext = yes
CONF
}

running() { in_root doveadm -c "$ETC/$1/dovecot.conf" process status >/dev/null 2>&1 || [ -s "$ROOT$RUN/$1/master.pid" ] && kill -0 "$(cat "$ROOT$RUN/$1/master.pid" 2>/dev/null)" 2>/dev/null; }

start_instance() {
  local name=$1 envfile=$ROOT$RUN/$1.env
  as_root mkdir -p "$ROOT$LIB/$name"
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
  for port in "$IMAP_PORT" "$DOVEADM_HTTP_PORT" "$MANAGESIEVE_PORT"; do
    ts_port_free_or_ours "$port" "$ROOT$RUN/mailplane/master.pid" "Dovecot 2.4 ($NAME)"
  done
  configure
  start_instance mailplane
  start_instance seed
  for port in "$IMAP_PORT" "$DOVEADM_HTTP_PORT" "$MANAGESIEVE_PORT"; do
    ts_wait_own_port "$port" "$ROOT$RUN/mailplane/master.pid" "Dovecot 2.4 $NAME-dovecot24-mailplane" ||
      { log "see $ROOT$LOGS"; return 1; }
  done
  # The seed instance listens on no port: its own master answering doveadm is its check.
  for _ in $(seq 1 60); do running seed && break; sleep 0.5; done
  running seed || { log "the seed instance did not start; see $ROOT$LOGS/seed.log"; return 1; }
  log "Dovecot $(in_root dovecot --version): imap $IMAP_PORT, doveadm http $DOVEADM_HTTP_PORT, managesieve $MANAGESIEVE_PORT (master $(ts_pid "$ROOT$RUN/mailplane/master.pid")); auth-only seed instance (master $(ts_pid "$ROOT$RUN/seed/master.pid")); db ${ENVIRONMENT[2]#DB_NAME=}"
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
  status)
    for p in "$IMAP_PORT" "$DOVEADM_HTTP_PORT" "$MANAGESIEVE_PORT"; do
      ts_owns_port "$p" "$(ts_pid "$ROOT$RUN/mailplane/master.pid")" && log "port $p: up" ||
        log "port $p: down or not ours ($(ts_port_holders "$p"))"
    done
    ;;
  # doveadm of one instance inside the root, e.g. `doveadm seed auth test -x service=imap u p`.
  doveadm) shift; name=$1; shift; in_root doveadm -c "$ETC/$name/dovecot.conf" "$@" ;;
  *) echo "usage: $0 start|stop|status|doveadm INSTANCE ARGS..." >&2; exit 2 ;;
esac
