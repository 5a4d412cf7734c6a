# shellcheck shell=bash
# The database engine of the benchmarks, one variable for all of them (sourced by run.sh, app.sh
# and lookups.sh):
#   BENCH_ENGINE  mariadb (default) or postgresql: the values of -Dmailplane.db, so the app jar is
#                 built for it, the JDBC URL, Postfix's map type (mysql:/pgsql:) and the client
#                 tools follow
#   BENCH_DB      the database (default mailplane_bench; the Java side refuses any name not ending
#                 in _bench), on 127.0.0.1:3306 or :5432, user mailplane/mailplane
# Sets DB_URL, JDBC_JAR (the driver from the local Maven repository), DB_PID (the server's process,
# for Bench's db CPU column: MariaDB only, PostgreSQL works in one process per connection).
BENCH_ENGINE=${BENCH_ENGINE:-mariadb}
BENCH_DB=${BENCH_DB:-mailplane_bench}
case "$BENCH_ENGINE" in
  mariadb)
    DB_URL=jdbc:mariadb://127.0.0.1:3306/$BENCH_DB
    JDBC_JAR=$(ls ~/.m2/repository/org/mariadb/jdbc/mariadb-java-client/*/mariadb-java-client-*.jar |
      grep -v sources | sort -V | tail -1)
    DB_PID=$(pgrep -x mariadbd | head -1 || true)
    ;;
  postgresql)
    DB_URL=jdbc:postgresql://127.0.0.1:5432/$BENCH_DB
    JDBC_JAR=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar |
      grep -v sources | sort -V | tail -1)
    DB_PID=
    ;;
  *) echo "BENCH_ENGINE must be mariadb or postgresql (got '$BENCH_ENGINE')" >&2; exit 2 ;;
esac

# Creates the bench database when missing (the app's Flyway then migrates it). As root / postgres.
bench_create_db() {
  if [ "$BENCH_ENGINE" = mariadb ]; then
    mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS \`$BENCH_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
      GRANT ALL ON \`$BENCH_DB\`.* TO 'mailplane'@'127.0.0.1'; GRANT ALL ON \`$BENCH_DB\`.* TO 'mailplane'@'localhost'" 2>/dev/null ||
      mysql -h127.0.0.1 -umailplane -pmailplane -e \
        "CREATE DATABASE IF NOT EXISTS \`$BENCH_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  else
    psql -X -q -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" |
      grep -q 1 || psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE \"$BENCH_DB\" OWNER mailplane"
  fi
}

# At 1M mailboxes the tables (~0.8 GB with aliases) outgrow MariaDB's default 128 MB buffer pool
# and every lookup becomes a disk read; a server for a million mailboxes is sized for its working
# set (docs/benchmarks.md), so MariaDB runs with a 1 GiB pool (dynamic, as root). PostgreSQL's
# shared_buffers needs a restart of the shared server, so it keeps its own (and the OS cache).
bench_size_db() {
  [ "$BENCH_ENGINE" = mariadb ] || return 0
  local pool=${BENCH_BUFFER_POOL:-1073741824}
  mariadb -h127.0.0.1 -uroot -e "SET GLOBAL innodb_buffer_pool_size = GREATEST(@@innodb_buffer_pool_size, $pool)" 2>/dev/null ||
    echo "could not raise innodb_buffer_pool_size (needs root); results will include disk reads" >&2
}

# One line: the engine's version and cache size.
bench_db_version() {
  if [ "$BENCH_ENGINE" = mariadb ]; then
    echo "MariaDB $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e 'select version()' 2>/dev/null || echo '?')" \
      "(innodb_buffer_pool_size $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e 'select @@innodb_buffer_pool_size DIV 1048576' 2>/dev/null || echo '?') MB)"
  else
    echo "PostgreSQL $(PGPASSWORD=mailplane psql -X -h 127.0.0.1 -U mailplane -d "$BENCH_DB" -tAc 'show server_version' 2>/dev/null || echo '?')" \
      "(shared_buffers $(PGPASSWORD=mailplane psql -X -h 127.0.0.1 -U mailplane -d "$BENCH_DB" -tAc 'show shared_buffers' 2>/dev/null || echo '?'))"
  fi
}
