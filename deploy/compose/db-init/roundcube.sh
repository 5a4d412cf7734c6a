#!/bin/sh
# Runs once, when the mariadb or postgres image initializes an empty data-db volume: Roundcube (the seed's
# `web` image) gets its own database. It must not share mailplane's: the same image also runs the
# seed admin's Doctrine migrations at start, which would collide with mailplane's views named
# mail_domains/mail_users/mail_aliases.
set -e
if command -v psql >/dev/null; then
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE DATABASE roundcube OWNER \"$POSTGRES_USER\""
  exit 0
fi
mariadb -uroot -p"${MARIADB_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS roundcube;
GRANT ALL ON roundcube.* TO '${MARIADB_USER}'@'%';
SQL
