#!/usr/bin/env bash
# Installs (when missing) and starts the services mailplane's tests need, on loopback:
# MariaDB on 127.0.0.1:3306, PostgreSQL on 127.0.0.1:5432 (for -Dmailplane.db=postgresql and
# SchemaParityTest), Redis on 127.0.0.1:6379, Unbound + Rspamd (filter-services.sh; before
# the mail services, so Postfix finds its milter), Postfix + Dovecot (mail-services.sh), Dovecot 2.4
# in a Debian 13 chroot (dovecot24-services.sh; built once with debootstrap, cached under /var/tmp),
# then the ACME peers Pebble, pebble-challtestsrv and BIND (acme-services.sh), and Prometheus with
# promtool for the dashboard and alert-rule tests (observability-services.sh), Keycloak as the
# OpenID Connect provider of the single sign-on tests (oidc-services.sh). Last, a second
# Postfix + Dovecot 2.3 and Dovecot 2.4 that read PostgreSQL
# (mail-services.sh and dovecot24-services.sh with DB_DRIVER=pgsql; prefix MAILPLANE_PG_TS_PREFIX, ports offset by
# MAILPLANE_PG_TS_PORT_OFFSET, database MAILPLANE_PG_MAIL_DB_NAME; docs/testing.md).
# Idempotent: running services are reused.
# Usage: deploy/local/test-services.sh [start|status|stop|env]
#   stop  stops this copy's Postfix, Dovecot 2.3 and 2.4, Rspamd, Unbound, Pebble, challtestsrv,
#         BIND, Keycloak and any Prometheus its tests left (never the shared MariaDB, PostgreSQL
#         and Redis), then the PostgreSQL-reading copy
#   env   prints this copy's variable set as export lines, for tests: eval "$(... env)"; the
#         PostgreSQL-reading copy's set follows, each name as MAILPLANE_PG_<name>
#
# Side by side: every port, Dovecot instance name and state directory of a copy (the Dovecot 2.4
# chroot's and the observability pid files' included) comes from one variable set,
# test-services-env.sh (which lists every name and default). A second copy differs in
# MAILPLANE_TS_PREFIX (names) and MAILPLANE_TS_PORT_OFFSET (added to every port), and names its
# own database and DKIM Redis db, for example:
#   MAILPLANE_TS_PREFIX=mp2 MAILPLANE_TS_PORT_OFFSET=10000 MAILPLANE_TEST_DB_NAME=mailplane_h6 \
#     MAILPLANE_FILTER_REDIS_DB=11 deploy/local/test-services.sh start
# Each daemon's start is checked against its own pid file: a port counts as up only when this
# copy's daemon alone listens on it (see ts_owns_port).
set -euo pipefail

# shellcheck source=test-services-env.sh
. "$(dirname "$0")/test-services-env.sh"
DB_NAME=$MAILPLANE_MAIL_DB_NAME
DB_USER=${MAILPLANE_TEST_DB_USER:-mailplane}
DB_PASSWORD=${MAILPLANE_TEST_DB_PASSWORD:-mailplane}
# The PostgreSQL twin of DB_NAME (the app's tests with -Dmailplane.db=postgresql).
PG_DB_NAME=${MAILPLANE_TEST_PG_DB_NAME:-mailplane_test}
PG_SCHEMA_DB_NAME=${MAILPLANE_TEST_PG_SCHEMA_DB_NAME:-mailplane_schema_test}

log() { printf '[test-services] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 60); do
    if port_open "$1"; then return 0; fi
    sleep 0.5
  done
  log "port $1 did not open"
  return 1
}

mariadb_client() {
  # Debian's root uses unix-socket auth; that is how we create the test user.
  as_root mariadb --protocol=socket -uroot "$@" 2>/dev/null || mariadb -h127.0.0.1 -uroot "$@"
}

start_mariadb() {
  if ! port_open 3306; then
    command -v mariadbd >/dev/null || apt_install mariadb-server mariadb-client
    log "starting MariaDB"
    as_root mkdir -p /run/mysqld
    as_root chown mysql: /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    (as_root nohup mariadbd --user=mysql --bind-address=127.0.0.1 >/tmp/mailplane-mariadb.log 2>&1 &)
    wait_port 3306
  fi
  mariadb_client <<SQL
CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`${DB_NAME}\`.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${DB_NAME}\`.* TO '${DB_USER}'@'localhost';
GRANT ALL PRIVILEGES ON \`mailplane_bench\`.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`mailplane_bench\`.* TO '${DB_USER}'@'localhost';
GRANT ALL PRIVILEGES ON \`mailplane_it\`.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`mailplane_it\`.* TO '${DB_USER}'@'localhost';
-- SchemaParityTest migrates MariaDB, PostgreSQL and H2 side by side (MAILPLANE_TEST_SCHEMA_*_URL).
CREATE DATABASE IF NOT EXISTS \`mailplane_schema_test\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
GRANT ALL PRIVILEGES ON \`mailplane_schema_test\`.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`mailplane_schema_test\`.* TO '${DB_USER}'@'localhost';
-- A seed installation's database for the import tests (MAILPLANE_TEST_SEED_DB_URL).
CREATE DATABASE IF NOT EXISTS \`mailplane_seed_test\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON \`mailplane_seed_test\`.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`mailplane_seed_test\`.* TO '${DB_USER}'@'localhost';
FLUSH PRIVILEGES;
SQL
  log "MariaDB ready: ${DB_USER}@127.0.0.1:3306/${DB_NAME}"
}

postgres_client() {
  # Debian's postgres role uses peer auth on the socket; a server started elsewhere (trust on
  # loopback, as in CI containers) is reached over TCP.
  as_root runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@" 2>/dev/null \
    || psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres "$@"
}

start_postgresql() {
  if ! port_open 5432; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
    log "starting PostgreSQL"
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_lsclusters -h | grep -q "^$version main " || as_root pg_createcluster "$version" main >/dev/null
    as_root pg_ctlcluster "$version" main start
    wait_port 5432
  fi
  # The same user and password as on MariaDB, owning the test databases (dropping and creating
  # their tables is the migrations' and SchemaParityTest's business).
  postgres_client -d postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '${DB_USER}', '${DB_PASSWORD}')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB_USER}') \\gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', d, '${DB_USER}', 'UTF8')
  FROM unnest(ARRAY['${PG_DB_NAME}', '${PG_SCHEMA_DB_NAME}', 'mailplane_seed_test', 'mailplane_it']) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \\gexec
SQL
  log "PostgreSQL ready: ${DB_USER}@127.0.0.1:5432/${PG_DB_NAME}"
}

start_redis() {
  if ! port_open 6379; then
    command -v redis-server >/dev/null || apt_install redis-server
    log "starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/mailplane-test.log
    wait_port 6379
  fi
  log "Redis ready: 127.0.0.1:6379"
}

# Runs a command in the PostgreSQL-reading copy's environment: none of this copy's MAILPLANE_*
# names leak into it, only its prefix, offset, driver and database, and this copy's Rspamd milter.
pg_copy() {
  local unset=() name
  for name in $(ts_vars); do unset+=(-u "$name"); done
  env "${unset[@]}" MAILPLANE_TS_PREFIX="$MAILPLANE_PG_TS_PREFIX" \
    MAILPLANE_TS_PORT_OFFSET="$MAILPLANE_PG_TS_PORT_OFFSET" MAILPLANE_MAIL_DB_DRIVER=pgsql \
    MAILPLANE_MAIL_DB_NAME="$MAILPLANE_PG_MAIL_DB_NAME" MAILPLANE_MAIL_DB_USER="$DB_USER" \
    MAILPLANE_FILTER_MILTER_ADDRESS="$MAILPLANE_FILTER_MILTER_ADDRESS" "$@"
}

# The PostgreSQL-reading copy's variable set, each name as MAILPLANE_PG_<name>.
pg_copy_env() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  pg_copy bash -c '. "$1"; for name in $(ts_vars); do
      case $name in MAILPLANE_PG_* | MAILPLANE_TS_*) ;;
        *) printf "export MAILPLANE_PG_%s=%q\n" "${name#MAILPLANE_}" "${!name}" ;; esac
    done' env "$(dirname "$0")/test-services-env.sh"
}

status() {
  port_open 3306 && log "MariaDB: up" || log "MariaDB: down"
  port_open 5432 && log "PostgreSQL: up" || log "PostgreSQL: down"
  port_open 6379 && log "Redis: up" || log "Redis: down"
}

ensure_jdk() {
  if ! command -v javac >/dev/null; then
    log "installing a JDK (openjdk-17-jdk-headless)"
    apt_install openjdk-17-jdk-headless
  fi
}

# The contract checks run Spectral and tsc from npm (tools/contract) and the TypeScript SDK
# scenario with node.
ensure_node() {
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    log "installing Node.js and npm"
    apt_install nodejs npm
  fi
}

case "${1:-start}" in
  start)
    ensure_jdk
    ensure_node
    start_mariadb
    start_postgresql
    start_redis
    "$(dirname "$0")/filter-services.sh" start
    "$(dirname "$0")/mail-services.sh" start
    "$(dirname "$0")/dovecot24-services.sh" start
    "$(dirname "$0")/acme-services.sh" start
    "$(dirname "$0")/observability-services.sh" start
    pg_copy "$(dirname "$0")/mail-services.sh" start
    pg_copy "$(dirname "$0")/dovecot24-services.sh" start
    "$(dirname "$0")/oidc-services.sh" start
    ;;
  status)
    status
    "$(dirname "$0")/filter-services.sh" status
    "$(dirname "$0")/mail-services.sh" status
    "$(dirname "$0")/dovecot24-services.sh" status
    "$(dirname "$0")/acme-services.sh" status
    "$(dirname "$0")/observability-services.sh" status
    pg_copy "$(dirname "$0")/mail-services.sh" status
    pg_copy "$(dirname "$0")/dovecot24-services.sh" status
    "$(dirname "$0")/oidc-services.sh" status
    ;;
  stop)
    "$(dirname "$0")/oidc-services.sh" stop
    pg_copy "$(dirname "$0")/dovecot24-services.sh" stop
    pg_copy "$(dirname "$0")/mail-services.sh" stop
    "$(dirname "$0")/observability-services.sh" stop
    "$(dirname "$0")/acme-services.sh" stop
    "$(dirname "$0")/dovecot24-services.sh" stop
    "$(dirname "$0")/mail-services.sh" stop
    "$(dirname "$0")/filter-services.sh" stop
    ;;
  env)
    for name in $(ts_vars); do printf 'export %s=%q\n' "$name" "${!name}"; done
    pg_copy_env
    ;;
  *) echo "usage: $0 [start|status|stop|env]" >&2; exit 2 ;;
esac
