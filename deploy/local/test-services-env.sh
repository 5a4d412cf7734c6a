# shellcheck shell=bash
# The one variable set of the test services, sourced by test-services.sh, filter-services.sh,
# mail-services.sh, dovecot24-services.sh, acme-services.sh and observability-services.sh (and
# printed by `test-services.sh env`).
#
# Two copies run side by side on one machine when they differ in these two (and use their own
# database and Redis db, see below):
#   MAILPLANE_TS_PREFIX       default mailplane. Names of one copy: state dirs
#                             /var/tmp/<prefix>-mail, -filter, -acme, -observability; Dovecot
#                             instances <prefix>-test and <prefix>-seed; in the shared Dovecot 2.4
#                             root /etc, /run, /var/lib, /var/log/<prefix>, /srv/<prefix>-vmail and
#                             instances <prefix>-dovecot24-mailplane and -seed.
#   MAILPLANE_TS_PORT_OFFSET  default 0. Added to every default port below.
# Every variable below can also be set on its own; unset ones derive from the two above. The tests
# read the same names (MailClient, FilterWorld, PushDovecotTest, AcmeTestProfile).
#
#   variable                            default             what
#   MAILPLANE_MAIL_DIR                  /var/tmp/mailplane-mail    Postfix + Dovecot state, logs
#   MAILPLANE_SMTP_LISTEN               127.0.0.1:2525      Postfix smtpd (MX side)
#   MAILPLANE_SUBMISSION_LISTEN         127.0.0.1:5587      Postfix submission
#   MAILPLANE_VOLUME_SMTP_LISTEN        127.0.0.1:2526      Postfix smtpd with the TLS volume's cert
#   MAILPLANE_SUBMISSIONS_LISTEN        127.0.0.1:5465      Postfix submissions (implicit TLS)
#   MAILPLANE_IMAP_PORT                 1143                Dovecot IMAP (127.0.0.1 and 127.0.0.2)
#   MAILPLANE_IMAPS_PORT                1993                Dovecot IMAP over implicit TLS
#   MAILPLANE_POP3S_PORT                1995                Dovecot POP3 over implicit TLS
#   MAILPLANE_POP3_PORT                 1110                Dovecot POP3
#   MAILPLANE_LMTP_PORT                 2424                Dovecot LMTP
#   MAILPLANE_AUTH_PORT                 2426                Dovecot auth (Postfix SASL)
#   MAILPLANE_DOVEADM_HTTP_PORT         8091                doveadm HTTP API
#   MAILPLANE_DOVECOT_STATS_PORT        9900                Dovecot stats (OpenMetrics, /metrics)
#   MAILPLANE_MANAGESIEVE_PORT          4290                Dovecot ManageSieve (Sieve scripts)
#   MAILPLANE_RECIPIENT_DELIMITER       -                   Postfix's and Dovecot's subaddress
#                                                           delimiter (empty: off)
#   MAILPLANE_MDA_INSTANCE              mailplane-test      Dovecot instance_name
#   MAILPLANE_SEED_INSTANCE             mailplane-seed      instance_name of the seed's auth Dovecot
#   MAILPLANE_MAIL_DB_NAME              $MAILPLANE_TEST_DB_NAME or mailplane_test
#   MAILPLANE_MAIL_DB_DRIVER            mysql               Postfix's/Dovecot's driver: mysql or pgsql
#   MAILPLANE_PG_TS_PREFIX              <prefix>-pg         the copy of Postfix + Dovecot that reads
#   MAILPLANE_PG_TS_PORT_OFFSET         <offset> + 50         PostgreSQL (test-services.sh starts it;
#   MAILPLANE_PG_MAIL_DB_NAME           $MAILPLANE_TEST_PG_DB_NAME `env` prints its set as
#                                       or mailplane_test     MAILPLANE_PG_*)
#   MAILPLANE_FILTER_DIR                /var/tmp/mailplane-filter  Unbound + Rspamd state, logs
#   MAILPLANE_DNS_PORT                  5353                Unbound (the test world's DNS)
#   MAILPLANE_DNS_CONTROL_PORT          8953                unbound-control
#   MAILPLANE_MILTER_PORT               11332               Rspamd proxy worker (Postfix's milter)
#   MAILPLANE_RSPAMD_PORT               11333               Rspamd normal worker
#   MAILPLANE_RSPAMD_CONTROLLER_PORT    11334               Rspamd controller
#   MAILPLANE_FILTER_MILTER_ADDRESS     127.0.0.1:$MAILPLANE_MILTER_PORT
#   MAILPLANE_FILTER_REDIS_DB           12                  Redis db of the DKIM keys
#   MAILPLANE_ACME_DIR                  /var/tmp/mailplane-acme    Pebble, challtestsrv, BIND state
#   MAILPLANE_CHALLTESTSRV_DNS_PORT     8053                pebble-challtestsrv DNS
#   MAILPLANE_CHALLTESTSRV_MGMT_PORT    8055                pebble-challtestsrv management
#   MAILPLANE_BIND_PORT                 8054                BIND, zone acme.test
#   MAILPLANE_PEBBLE_HTTP_PORT          14000               Pebble for HTTP-01 (management +1000)
#   MAILPLANE_PEBBLE_DNS_PORT           14001               Pebble for DNS-01 (management +1000)
#   MAILPLANE_ACME_HTTP01_PORT          5002                where Pebble "http" validates HTTP-01
#   MAILPLANE_ACME_DNS01_HTTP_PORT      5003                Pebble "dns"'s HTTP-01 port (unused)
#   MAILPLANE_ACME_TLSALPN_PORT         5001                both Pebbles' TLS-ALPN-01 port (unused)
#   MAILPLANE_DOVECOT24_DIR             /var/tmp/mailplane-dovecot24  the Debian 13 root (shared)
#   MAILPLANE_DOVECOT24_NAME            <prefix>            this copy's names inside that root
#   MAILPLANE_DOVECOT24_IMAP_PORT       1243                Dovecot 2.4 IMAP
#   MAILPLANE_DOVECOT24_DOVEADM_HTTP_PORT 8191              Dovecot 2.4 doveadm HTTP API
#   MAILPLANE_DOVECOT24_MANAGESIEVE_PORT 4291               Dovecot 2.4 ManageSieve
#   MAILPLANE_OBSERVABILITY_DIR         /var/tmp/mailplane-observability  pid files of the
#                                       Prometheus a test starts (on a free port of its own)
#   MAILPLANE_FILTER_REDIS              127.0.0.1:6379      Redis that Rspamd reads DKIM keys from
#   MAILPLANE_OIDC_DIR                  /var/tmp/mailplane-oidc    Keycloak (oidc-services.sh) state
#   MAILPLANE_OIDC_PORT                 8180                Keycloak HTTP (realms mailplane-test, foreign)
#   MAILPLANE_OIDC_MANAGEMENT_PORT      9180                Keycloak management interface
# Derived for the tests (their %test settings), so a run against this copy touches no other:
#   MAILPLANE_TEST_DOVEADM_URL          http://127.0.0.1:<MAILPLANE_DOVEADM_HTTP_PORT>/doveadm/v1
#   MAILPLANE_TEST_IMAP_PORT            <MAILPLANE_IMAP_PORT>
#   MAILPLANE_TEST_SMTP_PORT            the port of <MAILPLANE_SMTP_LISTEN> (fetchmail's delivery)
#   MAILPLANE_TEST_RSPAMD_CONTROLLER_URL http://127.0.0.1:<MAILPLANE_RSPAMD_CONTROLLER_PORT>
#   MAILPLANE_TEST_FETCHMAIL_CA         <MAILPLANE_MAIL_DIR>/tls/tls.crt
#   MAILPLANE_TEST_PUSH_REDIS_URL       redis://<MAILPLANE_FILTER_REDIS>/<MAILPLANE_FILTER_REDIS_DB>
# Shared by every copy (started once, never per copy): MariaDB 127.0.0.1:3306, PostgreSQL
# 127.0.0.1:5432, Redis 127.0.0.1:6379 and the Dovecot 2.4 root's files (built once; a copy keeps
# its own under it). A second copy names its own database (MAILPLANE_TEST_DB_NAME) and DKIM Redis db
# (MAILPLANE_FILTER_REDIS_DB).

ts_prefix=${MAILPLANE_TS_PREFIX:-mailplane}
ts_offset=${MAILPLANE_TS_PORT_OFFSET:-0}
ts_port() { echo $(($1 + ts_offset)); }

: "${MAILPLANE_MAIL_DIR:=/var/tmp/$ts_prefix-mail}"
: "${MAILPLANE_SMTP_LISTEN:=127.0.0.1:$(ts_port 2525)}"
: "${MAILPLANE_SUBMISSION_LISTEN:=127.0.0.1:$(ts_port 5587)}"
: "${MAILPLANE_VOLUME_SMTP_LISTEN:=127.0.0.1:$(ts_port 2526)}"
: "${MAILPLANE_SUBMISSIONS_LISTEN:=127.0.0.1:$(ts_port 5465)}"
: "${MAILPLANE_IMAP_PORT:=$(ts_port 1143)}"
: "${MAILPLANE_IMAPS_PORT:=$(ts_port 1993)}"
: "${MAILPLANE_POP3S_PORT:=$(ts_port 1995)}"
: "${MAILPLANE_POP3_PORT:=$(ts_port 1110)}"
: "${MAILPLANE_LMTP_PORT:=$(ts_port 2424)}"
: "${MAILPLANE_AUTH_PORT:=$(ts_port 2426)}"
: "${MAILPLANE_DOVEADM_HTTP_PORT:=$(ts_port 8091)}"
: "${MAILPLANE_DOVECOT_STATS_PORT:=$(ts_port 9900)}"
: "${MAILPLANE_MANAGESIEVE_PORT:=$(ts_port 4290)}"
# Set but empty is kept: it switches subaddressing off.
: "${MAILPLANE_RECIPIENT_DELIMITER=-}"
: "${MAILPLANE_MDA_INSTANCE:=$ts_prefix-test}"
: "${MAILPLANE_SEED_INSTANCE:=$ts_prefix-seed}"
: "${MAILPLANE_MAIL_DB_NAME:=${MAILPLANE_TEST_DB_NAME:-mailplane_test}}"
: "${MAILPLANE_MAIL_DB_DRIVER:=mysql}"
# +50 keeps the PostgreSQL copy's ports clear of the copies at offsets of whole hundreds.
: "${MAILPLANE_PG_TS_PREFIX:=$ts_prefix-pg}"
: "${MAILPLANE_PG_TS_PORT_OFFSET:=$((ts_offset + 50))}"
: "${MAILPLANE_PG_MAIL_DB_NAME:=${MAILPLANE_TEST_PG_DB_NAME:-mailplane_test}}"
: "${MAILPLANE_FILTER_DIR:=/var/tmp/$ts_prefix-filter}"
: "${MAILPLANE_DNS_PORT:=$(ts_port 5353)}"
: "${MAILPLANE_DNS_CONTROL_PORT:=$(ts_port 8953)}"
: "${MAILPLANE_MILTER_PORT:=$(ts_port 11332)}"
: "${MAILPLANE_RSPAMD_PORT:=$(ts_port 11333)}"
: "${MAILPLANE_RSPAMD_CONTROLLER_PORT:=$(ts_port 11334)}"
: "${MAILPLANE_FILTER_MILTER_ADDRESS:=127.0.0.1:$MAILPLANE_MILTER_PORT}"
: "${MAILPLANE_FILTER_REDIS_DB:=12}"
: "${MAILPLANE_ACME_DIR:=/var/tmp/$ts_prefix-acme}"
: "${MAILPLANE_CHALLTESTSRV_DNS_PORT:=$(ts_port 8053)}"
: "${MAILPLANE_CHALLTESTSRV_MGMT_PORT:=$(ts_port 8055)}"
: "${MAILPLANE_BIND_PORT:=$(ts_port 8054)}"
: "${MAILPLANE_PEBBLE_HTTP_PORT:=$(ts_port 14000)}"
: "${MAILPLANE_PEBBLE_DNS_PORT:=$(ts_port 14001)}"
: "${MAILPLANE_ACME_HTTP01_PORT:=$(ts_port 5002)}"
: "${MAILPLANE_ACME_DNS01_HTTP_PORT:=$(ts_port 5003)}"
: "${MAILPLANE_ACME_TLSALPN_PORT:=$(ts_port 5001)}"
: "${MAILPLANE_DOVECOT24_DIR:=/var/tmp/mailplane-dovecot24}"
: "${MAILPLANE_DOVECOT24_NAME:=$ts_prefix}"
: "${MAILPLANE_DOVECOT24_IMAP_PORT:=$(ts_port 1243)}"
: "${MAILPLANE_DOVECOT24_DOVEADM_HTTP_PORT:=$(ts_port 8191)}"
: "${MAILPLANE_DOVECOT24_MANAGESIEVE_PORT:=$(ts_port 4291)}"
: "${MAILPLANE_OBSERVABILITY_DIR:=/var/tmp/$ts_prefix-observability}"
: "${MAILPLANE_FILTER_REDIS:=127.0.0.1:6379}"
# What the tests' own configuration points at (application.properties, %test), from the same set,
# so that a test run against this copy pushes to and reads from this copy's daemons only.
: "${MAILPLANE_TEST_DOVEADM_URL:=http://127.0.0.1:$MAILPLANE_DOVEADM_HTTP_PORT/doveadm/v1}"
: "${MAILPLANE_TEST_IMAP_PORT:=$MAILPLANE_IMAP_PORT}"
: "${MAILPLANE_TEST_SMTP_PORT:=${MAILPLANE_SMTP_LISTEN##*:}}"
: "${MAILPLANE_TEST_RSPAMD_CONTROLLER_URL:=http://127.0.0.1:$MAILPLANE_RSPAMD_CONTROLLER_PORT}"
: "${MAILPLANE_TEST_FETCHMAIL_CA:=$MAILPLANE_MAIL_DIR/tls/tls.crt}"
: "${MAILPLANE_TEST_PUSH_REDIS_URL:=redis://$MAILPLANE_FILTER_REDIS/$MAILPLANE_FILTER_REDIS_DB}"
: "${MAILPLANE_OIDC_DIR:=/var/tmp/$ts_prefix-oidc}"
: "${MAILPLANE_OIDC_PORT:=$(ts_port 8180)}"
: "${MAILPLANE_OIDC_MANAGEMENT_PORT:=$(ts_port 9180)}"

# The names of the set, for `test-services.sh env` (secrets left out).
ts_vars() { compgen -v MAILPLANE_ | grep -v -e '_PASSWORD$' -e '_SECRET$' -e '_KEY$'; }

# The start check that knows its own daemon answered: a port counts as ours only when every
# socket listening on it belongs to the daemon's pid (its workers inherit the sockets and are
# listed beside it). Postfix binds with SO_REUSEPORT, so a second Postfix on a taken port starts
# "fine" and silently splits the first one's connections; a plain connect test cannot see that.
ts_pid() { tr -d ' \n' 2>/dev/null <"$1" || true; }
ts_owns_port() { # port pid
  local lines
  lines=$(ss -Hltnp "sport = :$1" 2>/dev/null) && [ -n "$lines" ] && [ -n "$2" ] || return 1
  ! grep -v -q "pid=$2," <<<"$lines"
}
ts_port_holders() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | sort -u | tr '\n' ' ' || true; }
ts_wait_own_port() { # port pidfile name [tries of 0.5 s]
  local pid
  for _ in $(seq 1 "${4:-60}"); do
    pid=$(ts_pid "$2")
    ts_owns_port "$1" "$pid" && return 0
    sleep 0.5
  done
  printf '[%s] port %s is not served by %s alone (pid file %s: %s; listening: %s)\n' \
    "$ts_prefix" "$1" "$3" "$2" "${pid:-none}" "$(ts_port_holders "$1")" >&2
  return 1
}
# Refuses to start a daemon on a port that someone else holds.
ts_port_free_or_ours() { # port pidfile name
  local holders
  holders=$(ts_port_holders "$1")
  [ -z "$holders" ] && return 0
  ts_owns_port "$1" "$(ts_pid "$2")" && return 0
  printf '[%s] port %s for %s is held by another process (%s); choose another MAILPLANE_TS_PORT_OFFSET\n' \
    "$ts_prefix" "$1" "$3" "$holders" >&2
  return 1
}
# A daemon started before pid files were written (an older copy of these scripts) is found by its
# port and this copy's own command line; ts_adopt records it in the pid file.
ts_find_pid() { # port command-line-fragment
  local pid
  for pid in $(ts_port_holders "$1" | sed 's/pid=//g'); do
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -F -- "$2" && echo "$pid" && return 0
  done
  return 0
}
ts_adopt() { # pidfile port command-line-fragment
  local pid
  [ -s "$1" ] && return 0
  pid=$(ts_find_pid "$2" "$3")
  if [ -n "$pid" ]; then echo "$pid" >"$1"; fi
}
