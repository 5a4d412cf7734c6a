# shellcheck shell=bash
# DB_DRIVER (mysql or pgsql, the seed's variable and values) and DB_TLS_VERIFY_CERT for Postfix's
# and Dovecot's connection to the database; sourced by render-config.sh and mail-services.sh.
# Sets DB_PORT's default for the engine and DB_TLS_CONNECT (the tail of Dovecot 2.3's connect
# string). As in the seed, DB_TLS_VERIFY_CERT=yes exists for MySQL/MariaDB only: Postfix's pgsql
# client has no such setting, and the seed refuses the combination instead of ignoring it.
export DB_DRIVER=${DB_DRIVER:-mysql}
case "$DB_DRIVER" in
  mysql) export DB_PORT=${DB_PORT:-3306} ;;
  pgsql) export DB_PORT=${DB_PORT:-5432} ;;
  *) echo "DB_DRIVER must be mysql or pgsql (got '$DB_DRIVER')" >&2; exit 2 ;;
esac
export DB_TLS_VERIFY_CERT=${DB_TLS_VERIFY_CERT:-no}
case "$DB_DRIVER/$DB_TLS_VERIFY_CERT" in
  mysql/yes) export DB_TLS_CONNECT=" ssl_ca_path=/etc/ssl/certs ssl_verify_server_cert=yes" ;;
  */no) export DB_TLS_CONNECT="" ;;
  pgsql/yes) echo "DB_TLS_VERIFY_CERT=yes is not supported with DB_DRIVER=pgsql (as in the seed)" >&2; exit 2 ;;
  *) echo "DB_TLS_VERIFY_CERT must be yes or no" >&2; exit 2 ;;
esac
