#!/usr/bin/env bash
# Renders mailplane's configuration of the distribution's own Postfix, Dovecot and Rspamd for a
# single host (docs/single-host.md), from the same deploy/ files the tests and the containers use.
#
#   sudo DB_PASSWORD=... DOVEADM_API_KEY=... deploy/local/render-config.sh /        # install
#   DB_PASSWORD=x DOVEADM_API_KEY=y deploy/local/render-config.sh /tmp/preview       # look first
#
# Writes under DESTDIR (first argument):
#   etc/postfix/sql/<map>.cf           six lookup maps (connection block + query), mode 0640
#   etc/postfix/main.cf.mailplane      settings to append to main.cf
#   etc/postfix/master.cf.mailplane    smtp + submission services to append to master.cf
#   etc/dovecot/dovecot.conf           complete Dovecot 2.3 configuration (replaces Debian's)
#   etc/dovecot/dovecot-sql.conf.ext   its SQL passdb/userdb, mode 0640
#   etc/rspamd/local.d/dkim_signing.conf, etc/rspamd/local.d/rspamd.lua, etc/rspamd/local.d/arc.conf
# Nothing is started, stopped or reloaded.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DESTDIR=${1:?usage: render-config.sh DESTDIR}

export DB_HOST=${DB_HOST:-127.0.0.1}
export DB_NAME=${DB_NAME:-mailplane}
export DB_USER=${DB_USER:-mailplane}
export DB_PASSWORD=${DB_PASSWORD:?set DB_PASSWORD (the mailplane database user password)}
# DB_DRIVER=mysql (default) or pgsql selects Postfix's lookup type and Dovecot's SQL driver, as
# the seed's; DB_PORT defaults to the engine's port. DB_TLS_VERIFY_CERT=yes (MySQL/MariaDB only):
# TLS to the database with a verified server certificate (Postfix tls_verify_cert, Dovecot
# ssl_verify_server_cert), as the seed's; yes or no only (Postfix's boolean).
# shellcheck source=db-driver.sh
. "$REPO/deploy/local/db-driver.sh"
export DOVEADM_API_KEY=${DOVEADM_API_KEY:?set DOVEADM_API_KEY (also MAILPLANE_PUSH_TARGETS_DOVECOT_API_KEY)}
export TLS_DIR=${TLS_DIR:-/var/lib/mailplane/tls}
export SMTP_LISTEN=${SMTP_LISTEN:-smtp}
export SUBMISSION_LISTEN=${SUBMISSION_LISTEN:-submission}
# Implicit TLS (RFC 8314), as the seed offers: submissions 465, IMAPS 993, POP3S 995 (a Dovecot
# port of 0 closes it).
export SUBMISSIONS_LISTEN=${SUBMISSIONS_LISTEN:-submissions}
export IMAPS_PORT=${IMAPS_PORT:-993}
export POP3S_PORT=${POP3S_PORT:-995}
export IMAP_PORT=${IMAP_PORT:-143}
export POP3_PORT=${POP3_PORT:-110}
export LMTP_PORT=${LMTP_PORT:-2424}
export AUTH_PORT=${AUTH_PORT:-2426}
export DOVEADM_HTTP_PORT=${DOVEADM_HTTP_PORT:-8091}
# Dovecot's OpenMetrics endpoint for Prometheus (docs/observability.md); unauthenticated.
export STATS_HTTP_PORT=${STATS_HTTP_PORT:-9900}
export STATS_HTTP_LISTEN=${STATS_HTTP_LISTEN:-127.0.0.1}
export MDA_LISTEN=${MDA_LISTEN:-*}
# Subaddressing, as the seed's RECIPIENT_DELIMITER: user-tag@domain is delivered to user@domain
# (Postfix and Dovecot); set it empty (RECIPIENT_DELIMITER=) to switch it off.
export RECIPIENT_DELIMITER=${RECIPIENT_DELIMITER-"-"}
# ManageSieve (Roundcube's managesieve plugin, Thunderbird's Sieve add-on); 0 closes it.
export MANAGESIEVE_PORT=${MANAGESIEVE_PORT:-4190}
# Where Sieve's vacation replies and redirects leave: empty = the sendmail binary (the local
# Postfix; the usual single host), or host:port of an SMTP server that relays for this host.
export MDA_SUBMISSION_HOST=${MDA_SUBMISSION_HOST:-}
export MDA_LMTP_ADDRESS=inet:127.0.0.1:${LMTP_PORT}
export MDA_AUTH_ADDRESS=inet:127.0.0.1:${AUTH_PORT}
export MDA_AUTH_CACHE_SIZE=${MDA_AUTH_CACHE_SIZE:-5M}
export MDA_INSTANCE=${MDA_INSTANCE:-dovecot}
export MDA_CONF_DIR=/etc/dovecot
export MDA_BASE_DIR=/run/dovecot
export MDA_STATE_DIR=/var/lib/dovecot
export MDA_LOG=${MDA_LOG:-syslog}
export VMAIL_USER=${VMAIL_USER:-vmail}
export VMAIL_ROOT=${VMAIL_ROOT:-/srv/vmail}
export POSTFIX_SQL_DIR=/etc/postfix/sql
export FILTER_MILTER_ADDRESS=${FILTER_MILTER_ADDRESS:-127.0.0.1:11332}
REDIS_SERVER=${REDIS_SERVER:-127.0.0.1:6379}
REDIS_DB=${REDIS_DB:-0}

# Only these variables: the files also hold Postfix/Dovecot '$' syntax that must stay as it is.
VARS='${DB_DRIVER} ${DB_HOST} ${DB_PORT} ${DB_NAME} ${DB_USER} ${DB_PASSWORD} ${DB_TLS_VERIFY_CERT} ${DB_TLS_CONNECT} ${DOVEADM_API_KEY} ${TLS_DIR}
${SMTP_LISTEN} ${SUBMISSION_LISTEN} ${SUBMISSIONS_LISTEN} ${IMAP_PORT} ${IMAPS_PORT} ${POP3_PORT} ${POP3S_PORT} ${LMTP_PORT} ${AUTH_PORT}
${DOVEADM_HTTP_PORT} ${STATS_HTTP_PORT} ${STATS_HTTP_LISTEN} ${MDA_LISTEN} ${MDA_LMTP_ADDRESS} ${MDA_AUTH_ADDRESS} ${MDA_AUTH_CACHE_SIZE}
${MDA_INSTANCE} ${MDA_CONF_DIR} ${MDA_BASE_DIR} ${MDA_STATE_DIR} ${MDA_LOG} ${VMAIL_USER}
${VMAIL_ROOT} ${POSTFIX_SQL_DIR} ${FILTER_MILTER_ADDRESS} ${RECIPIENT_DELIMITER} ${MANAGESIEVE_PORT}
${MDA_SUBMISSION_HOST}'
render() { envsubst "$VARS" <"$1"; }

umask 022
mkdir -p "$DESTDIR/etc/postfix/sql" "$DESTDIR/etc/dovecot" "$DESTDIR/etc/rspamd/local.d"
for map in virtual-mailbox-domains virtual-mailbox-maps virtual-alias-maps email2email \
  email-submission recipient-access; do
  cat "$REPO/deploy/mta/sql/connection-$DB_DRIVER.templ" "$REPO/deploy/mta/sql/$map.query" |
    render /dev/stdin >"$DESTDIR/etc/postfix/sql/$map.cf"
done
render "$REPO/deploy/mta/main.cf" >"$DESTDIR/etc/postfix/main.cf.mailplane"
render "$REPO/deploy/mta/master.cf" >"$DESTDIR/etc/postfix/master.cf.mailplane"
# log_path = syslog (the default here): Dovecot logs through syslog/journald.
render "$REPO/deploy/mda/dovecot.conf" >"$DESTDIR/etc/dovecot/dovecot.conf"
render "$REPO/deploy/mda/dovecot-sql.conf.ext" >"$DESTDIR/etc/dovecot/dovecot-sql.conf.ext"
{
  cat "$REPO/deploy/filter/local.d/dkim_signing.conf"
  echo "servers = \"$REDIS_SERVER\";"
  echo "db = \"$REDIS_DB\";"
} >"$DESTDIR/etc/rspamd/local.d/dkim_signing.conf"
cp "$REPO/deploy/filter/local.d/rspamd.lua" "$REPO/deploy/filter/local.d/arc.conf" "$DESTDIR/etc/rspamd/local.d/"
# The database password is in these: readable by root and the daemon's group only.
chmod 0640 "$DESTDIR"/etc/postfix/sql/*.cf "$DESTDIR/etc/dovecot/dovecot-sql.conf.ext"
if [ "$(id -u)" = 0 ] && getent group postfix >/dev/null; then
  chgrp postfix "$DESTDIR"/etc/postfix/sql/*.cf
fi
if [ "$(id -u)" = 0 ] && getent group dovecot >/dev/null; then
  chgrp dovecot "$DESTDIR/etc/dovecot/dovecot-sql.conf.ext"
fi
echo "rendered into $DESTDIR: etc/postfix/sql/*.cf, etc/postfix/{main,master}.cf.mailplane," \
  "etc/dovecot/{dovecot.conf,dovecot-sql.conf.ext}, etc/rspamd/local.d/{dkim_signing.conf,rspamd.lua,arc.conf}"
