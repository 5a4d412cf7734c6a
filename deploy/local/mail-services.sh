#!/usr/bin/env bash
# Installs (when missing) and runs Postfix and Dovecot on loopback from private directories, with
# the repo's deploy/mta and deploy/mda files pointed at mailplane's database.
# Usage: deploy/local/mail-services.sh start|stop|status|restart|postfix-reload
# Ports, instance names and directories come from one variable set (test-services-env.sh, which
# lists them): by default SMTP 2525, submission 5587, submissions (implicit TLS) 5465, volume SMTP
# 2526, IMAP 1143, IMAPS 1993, POP3 1110, POP3S 1995,
# LMTP 2424, Dovecot auth 2426, doveadm HTTP 8091, Dovecot stats (OpenMetrics, /metrics) 9900,
# ManageSieve 4290, Dovecot instances mailplane-test and
# mailplane-seed, state and logs in /var/tmp/mailplane-mail. Postfix uses the Rspamd milter at
# $MAILPLANE_FILTER_MILTER_ADDRESS (see filter-services.sh); mail still flows when it is down.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
STATE=$MAILPLANE_MAIL_DIR

export DB_DRIVER=$MAILPLANE_MAIL_DB_DRIVER
export DB_HOST=${MAILPLANE_MAIL_DB_HOST:-127.0.0.1}
export DB_PORT=${MAILPLANE_MAIL_DB_PORT:-}
[ -n "$DB_PORT" ] || unset DB_PORT
export DB_NAME=$MAILPLANE_MAIL_DB_NAME
export DB_USER=${MAILPLANE_MAIL_DB_USER:-mailplane}
export DB_PASSWORD=${MAILPLANE_MAIL_DB_PASSWORD:-mailplane}
export DB_TLS_VERIFY_CERT=${MAILPLANE_MAIL_DB_TLS_VERIFY_CERT:-no}
# shellcheck source=db-driver.sh
. "$(dirname "$0")/db-driver.sh"
export SMTP_LISTEN=$MAILPLANE_SMTP_LISTEN
export SUBMISSION_LISTEN=$MAILPLANE_SUBMISSION_LISTEN
export SUBMISSIONS_LISTEN=$MAILPLANE_SUBMISSIONS_LISTEN
export IMAPS_PORT=$MAILPLANE_IMAPS_PORT
export POP3S_PORT=$MAILPLANE_POP3S_PORT
export IMAP_PORT=$MAILPLANE_IMAP_PORT
export POP3_PORT=$MAILPLANE_POP3_PORT
export LMTP_PORT=$MAILPLANE_LMTP_PORT
export AUTH_PORT=$MAILPLANE_AUTH_PORT
export DOVEADM_HTTP_PORT=$MAILPLANE_DOVEADM_HTTP_PORT
export STATS_HTTP_PORT=$MAILPLANE_DOVECOT_STATS_PORT
export STATS_HTTP_LISTEN=127.0.0.1
export DOVEADM_API_KEY=${MAILPLANE_DOVEADM_API_KEY:-mailplane-test-doveadm-key}
# On, as in production: mailplane flushes it through the doveadm push target.
export MDA_AUTH_CACHE_SIZE=${MAILPLANE_MDA_AUTH_CACHE_SIZE:-1M}
export FILTER_MILTER_ADDRESS=$MAILPLANE_FILTER_MILTER_ADDRESS
export RECIPIENT_DELIMITER=$MAILPLANE_RECIPIENT_DELIMITER
export MANAGESIEVE_PORT=$MAILPLANE_MANAGESIEVE_PORT
# Sieve's vacation replies and redirects go to this copy's Postfix (the sendmail binary would use
# the machine's own Postfix, not this one).
export MDA_SUBMISSION_HOST=$MAILPLANE_SMTP_LISTEN
# 127.0.0.2 is the address where Dovecot serves the TLS volume's certificate (see VOLUME_TLS_DIR).
export MDA_LISTEN="127.0.0.1, 127.0.0.2"
export MDA_LMTP_ADDRESS=inet:127.0.0.1:${LMTP_PORT}
export MDA_AUTH_ADDRESS=inet:127.0.0.1:${AUTH_PORT}
export MDA_INSTANCE=$MAILPLANE_MDA_INSTANCE
export VMAIL_USER=vmail
export POSTFIX_DIR=$STATE/postfix
export POSTFIX_SQL_DIR=$STATE/postfix/sql
export MDA_CONF_DIR=$STATE/dovecot
export MDA_BASE_DIR=$STATE/dovecot/run
export MDA_STATE_DIR=$STATE/dovecot/state
export MDA_LOG=$STATE/log/dovecot.log
export VMAIL_ROOT=$STATE/vmail
export TLS_DIR=$STATE/tls
# The TLS volume as mailplane writes it (tls.crt/tls.key links): the ACME tests point mailplane
# here, and Postfix on 127.0.0.1:2526 and Dovecot on 127.0.0.2 serve it, while the other listeners
# keep the fixed certificate in $TLS_DIR that other tests pin.
export VOLUME_TLS_DIR=${MAILPLANE_VOLUME_TLS_DIR:-$STATE/volume-tls}
export VOLUME_SMTP_LISTEN=$MAILPLANE_VOLUME_SMTP_LISTEN

log() { printf '[mail-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Only our variables: the files also hold Postfix/Dovecot '$' syntax that must stay as it is.
render() { envsubst "$(env | sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')" <"$1"; }

install_packages() {
  local missing=()
  command -v postfix >/dev/null || missing+=(postfix)
  [ -e /usr/lib/postfix/postfix-mysql.so ] || missing+=(postfix-mysql)
  [ -e /usr/lib/postfix/postfix-pgsql.so ] || missing+=(postfix-pgsql)
  command -v dovecot >/dev/null || missing+=(dovecot-core)
  [ -e /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
  [ -e /usr/lib/dovecot/pop3 ] || missing+=(dovecot-pop3d)
  [ -e /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
  [ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ] || missing+=(dovecot-sieve)
  [ -e /usr/lib/dovecot/managesieve ] || missing+=(dovecot-managesieved)
  [ -e /usr/lib/dovecot/modules/auth/libdriver_mysql.so ] || [ -e /usr/lib/dovecot/modules/libdriver_mysql.so ] || missing+=(dovecot-mysql)
  [ -e /usr/lib/dovecot/modules/auth/libdriver_pgsql.so ] || [ -e /usr/lib/dovecot/modules/libdriver_pgsql.so ] || missing+=(dovecot-pgsql)
  command -v envsubst >/dev/null || missing+=(gettext-base)
  command -v openssl >/dev/null || missing+=(openssl)
  # The fetchmail runner executes the real binary.
  command -v fetchmail >/dev/null || missing+=(fetchmail)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  id "$VMAIL_USER" >/dev/null 2>&1 || as_root useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$VMAIL_USER"
}

make_tls() {
  mkdir -p "$TLS_DIR"
  if [ ! -s "$TLS_DIR/tls.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$TLS_DIR/tls.key" -out "$TLS_DIR/tls.crt" 2>/dev/null
    chmod 600 "$TLS_DIR/tls.key"
  fi
  mkdir -p "$VOLUME_TLS_DIR"
  if [ ! -e "$VOLUME_TLS_DIR/tls.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost" \
      -keyout "$VOLUME_TLS_DIR/tls.key" -out "$VOLUME_TLS_DIR/tls.crt" 2>/dev/null
    chmod 600 "$VOLUME_TLS_DIR/tls.key"
  fi
}

configure_postfix() {
  mkdir -p "$POSTFIX_SQL_DIR" "$POSTFIX_DIR/queue" "$POSTFIX_DIR/data" "$STATE/log"
  for map in virtual-mailbox-domains virtual-mailbox-maps virtual-alias-maps email2email \
    email-submission recipient-access; do
    # Exactly what the seed's init.sh does: connection block + query file.
    cat "$REPO/deploy/mta/sql/connection-$DB_DRIVER.templ" "$REPO/deploy/mta/sql/$map.query" |
      render /dev/stdin >"$POSTFIX_SQL_DIR/$map.cf"
  done
  chmod 640 "$POSTFIX_SQL_DIR"/*.cf
  chgrp postfix "$POSTFIX_SQL_DIR"/*.cf
  cat >"$POSTFIX_DIR/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $POSTFIX_DIR/queue
data_directory = $POSTFIX_DIR/data
mail_owner = postfix
myhostname = mail.mailplane.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $STATE/log/postfix.log
maillog_file_prefixes = /var, /dev/stdout, $STATE/log
# Tests never deliver outside this machine.
default_transport = discard:external delivery is disabled on this test host
smtp_dns_support_level = disabled
CF
  render "$REPO/deploy/mta/main.cf" >>"$POSTFIX_DIR/main.cf"
  cp /etc/postfix/master.cf "$POSTFIX_DIR/master.cf"
  postconf -c "$POSTFIX_DIR" -M# smtp/inet
  render "$REPO/deploy/mta/master.cf" >>"$POSTFIX_DIR/master.cf"
  cat >>"$POSTFIX_DIR/master.cf" <<MASTER
$VOLUME_SMTP_LISTEN inet n - n - - smtpd
  -o syslog_name=postfix/volume
  -o smtpd_tls_cert_file=$VOLUME_TLS_DIR/tls.crt
  -o smtpd_tls_key_file=$VOLUME_TLS_DIR/tls.key
MASTER
  postconf -c "$POSTFIX_DIR" -F '*/*/chroot = n'
  chown -R postfix "$POSTFIX_DIR/data"
}

configure_dovecot() {
  mkdir -p "$MDA_CONF_DIR" "$MDA_BASE_DIR" "$MDA_STATE_DIR" "$STATE/log" "$VMAIL_ROOT"
  render "$REPO/deploy/mda/dovecot.conf" >"$MDA_CONF_DIR/dovecot.conf"
  cat >>"$MDA_CONF_DIR/dovecot.conf" <<CONF
local 127.0.0.2 {
  ssl_cert = <$VOLUME_TLS_DIR/tls.crt
  ssl_key = <$VOLUME_TLS_DIR/tls.key
}
CONF
  render "$REPO/deploy/mda/dovecot-sql.conf.ext" >"$MDA_CONF_DIR/dovecot-sql.conf.ext"
  chmod 600 "$MDA_CONF_DIR/dovecot-sql.conf.ext"
  chown "$VMAIL_USER:" "$VMAIL_ROOT"
}

# A second, auth-only Dovecot that runs the seed's own passdb/userdb queries (Dovecot 2.4 syntax
# translated to 2.3 variables) against mailplane's views: tests compare its answers with ours.
configure_seed_dovecot() {
  local dir=$STATE/dovecot-seed queries=$REPO/src/test/resources/seed
  mkdir -p "$dir/run" "$dir/state"
  local translate='s/%{user|username}/%n/g; s/%{user|domain}/%d/g; s/%{protocol}/%s/g'
  cat >"$dir/dovecot-sql.conf.ext" <<SQL
driver = $DB_DRIVER
connect = host=$DB_HOST port=$DB_PORT dbname=$DB_NAME user=$DB_USER password=$DB_PASSWORD
default_pass_scheme = SHA256-CRYPT
password_query = $(sed "$translate" "$queries/dovecot-passdb.query")
user_query = $(sed "$translate" "$queries/dovecot-userdb.query")
iterate_query = $(sed "$translate" "$queries/dovecot-iterate.query")
SQL
  chmod 600 "$dir/dovecot-sql.conf.ext"
  cat >"$dir/dovecot.conf" <<CONF
protocols =
base_dir = $dir/run
state_dir = $dir/state
instance_name = $MAILPLANE_SEED_INSTANCE
log_path = $STATE/log/dovecot-seed.log
auth_mechanisms = plain login
auth_cache_size = 0
passdb {
  driver = sql
  args = $dir/dovecot-sql.conf.ext
}
userdb {
  driver = sql
  args = $dir/dovecot-sql.conf.ext
}
CONF
}

postfix_ports() { echo "${SMTP_LISTEN##*:} ${SUBMISSION_LISTEN##*:} ${SUBMISSIONS_LISTEN##*:} ${VOLUME_SMTP_LISTEN##*:}"; }
dovecot_ports() { echo "$IMAP_PORT $POP3_PORT $LMTP_PORT $AUTH_PORT $DOVEADM_HTTP_PORT $STATS_HTTP_PORT $MANAGESIEVE_PORT $IMAPS_PORT $POP3S_PORT"; }
POSTFIX_PID=$POSTFIX_DIR/queue/pid/master.pid

start() {
  install_packages
  make_tls
  configure_postfix
  configure_dovecot
  # Also before a reload: a reload binds the ports the new main.cf names.
  for port in $(postfix_ports); do ts_port_free_or_ours "$port" "$POSTFIX_PID" Postfix; done
  if postfix -c "$POSTFIX_DIR" status >/dev/null 2>&1; then
    postfix -c "$POSTFIX_DIR" reload >/dev/null 2>&1
  else
    postfix -c "$POSTFIX_DIR" check
    postfix -c "$POSTFIX_DIR" start >/dev/null 2>&1
  fi
  configure_seed_dovecot
  start_dovecot "$MDA_CONF_DIR/dovecot.conf" "$MDA_BASE_DIR" "$(dovecot_ports)"
  start_dovecot "$STATE/dovecot-seed/dovecot.conf" "$STATE/dovecot-seed/run" ""
  for port in $(postfix_ports); do ts_wait_own_port "$port" "$POSTFIX_PID" "Postfix ($STATE)"; done
  for port in $(dovecot_ports); do
    ts_wait_own_port "$port" "$MDA_BASE_DIR/master.pid" "Dovecot $MDA_INSTANCE"
  done
  log "Postfix: smtp $SMTP_LISTEN, submission $SUBMISSION_LISTEN, submissions $SUBMISSIONS_LISTEN, volume $VOLUME_SMTP_LISTEN; Dovecot $MDA_INSTANCE: imap $IMAP_PORT, imaps $IMAPS_PORT, pop3 $POP3_PORT, pop3s $POP3S_PORT, lmtp $LMTP_PORT, auth $AUTH_PORT, doveadm http $DOVEADM_HTTP_PORT, stats http $STATS_HTTP_PORT, managesieve $MANAGESIEVE_PORT; recipient delimiter '$RECIPIENT_DELIMITER'; db $DB_USER@$DB_HOST:$DB_PORT/$DB_NAME; state $STATE"
}

start_dovecot() { # conf base_dir ports
  for port in $3; do ts_port_free_or_ours "$port" "$2/master.pid" "Dovecot ($1)"; done
  if [ -s "$2/master.pid" ] && kill -0 "$(cat "$2/master.pid")" 2>/dev/null; then
    doveadm -c "$1" reload
  else
    dovecot -c "$1"
  fi
}

stop() {
  [ -f "$POSTFIX_DIR/main.cf" ] && postfix -c "$POSTFIX_DIR" stop >/dev/null 2>&1 || true
  [ -f "$MDA_CONF_DIR/dovecot.conf" ] && doveadm -c "$MDA_CONF_DIR/dovecot.conf" stop 2>/dev/null || true
  [ -f "$STATE/dovecot-seed/dovecot.conf" ] && doveadm -c "$STATE/dovecot-seed/dovecot.conf" stop 2>/dev/null || true
  log "stopped"
}

status() {
  local port
  for port in $(postfix_ports); do
    ts_owns_port "$port" "$(ts_pid "$POSTFIX_PID")" && log "Postfix port $port: up" || log "Postfix port $port: down or not ours ($(ts_port_holders "$port"))"
  done
  for port in $(dovecot_ports); do
    ts_owns_port "$port" "$(ts_pid "$MDA_BASE_DIR/master.pid")" && log "Dovecot port $port: up" || log "Dovecot port $port: down or not ours ($(ts_port_holders "$port"))"
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  # Re-renders only Postfix's files from this repo and reloads the running Postfix (Dovecot and
  # the seed's Dovecot are left alone).
  postfix-reload)
    configure_postfix
    for port in $(postfix_ports); do ts_port_free_or_ours "$port" "$POSTFIX_PID" Postfix; done
    postfix -c "$POSTFIX_DIR" reload ;;
  *) echo "usage: $0 start|stop|restart|status|postfix-reload" >&2; exit 2 ;;
esac
