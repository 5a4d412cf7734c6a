#!/usr/bin/env bash
# Postfix lookup benchmark (bench/Lookups.java): seeds mailplane_bench with mailboxes, aliases,
# catch-alls and alias domains (bench/Seed.java), then times mailplane's deploy/mta/sql/*.query
# against the seed's src/test/resources/seed/*.query, as the query alone (JDBC) and as
# `postmap -q` end to end. No app needed; the schema must exist (the app's Flyway creates it).
#
#   bench/lookups.sh                          # 1k and 1M mailboxes (+ as many aliases), ~15 min
#   LOOKUPS_SIZES=10x100 bench/lookups.sh     # 1k only, ~2 min
# Env: LOOKUPS_SIZES (10x100,1000x1000: DOMAINSxMAILBOXES[xALIASES] per domain),
#      LOOKUPS_POSTFIX_DIR (/var/tmp/mailplane-mail/postfix: any dir with a main.cf postmap accepts),
#      LOOKUPS_ARGS (extra options, e.g. "--seed-jdbc 50/180 --no-postmap"; see Lookups.parse).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${LOOKUPS_SIZES:-10x100,1000x1000}
POSTFIX_DIR=${LOOKUPS_POSTFIX_DIR:-/var/tmp/mailplane-mail/postfix}
OUT=target/bench/lookups
mkdir -p "$OUT"

command -v postmap >/dev/null || { echo "postmap not found (apt-get install postfix postfix-mysql)" >&2; exit 1; }
[ -f "$POSTFIX_DIR/main.cf" ] || { echo "no $POSTFIX_DIR/main.cf; set LOOKUPS_POSTFIX_DIR" >&2; exit 1; }

# At 1M mailboxes the tables (~0.8 GB with aliases) outgrow MariaDB's default 128 MB buffer
# pool and every lookup becomes a disk read; a server for a million mailboxes is sized for its
# working set (docs/benchmarks.md), so the benchmark runs with a 1 GiB pool (dynamic, as root).
BENCH_BUFFER_POOL=${BENCH_BUFFER_POOL:-1073741824}
mariadb -h127.0.0.1 -uroot -e "SET GLOBAL innodb_buffer_pool_size = GREATEST(@@innodb_buffer_pool_size, $BENCH_BUFFER_POOL)" 2>/dev/null \
  || echo "could not raise innodb_buffer_pool_size (needs root); results will include disk reads" >&2

MARIADB_JAR=$(ls ~/.m2/repository/org/mariadb/jdbc/mariadb-java-client/*/mariadb-java-client-*.jar \
  | grep -v sources | sort -V | tail -1)
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/Lookups.java bench/Seed.java

{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GB RAM"
  echo "- java: $(java -version 2>&1 | head -1); MariaDB $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e 'select version()' 2>/dev/null || echo '?')" \
    "(innodb_buffer_pool_size $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e 'select @@innodb_buffer_pool_size DIV 1048576' 2>/dev/null || echo '?') MB);" \
    "$(postconf -d mail_version 2>/dev/null | sed 's/mail_version = /Postfix /')"
  echo "- git: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- deploy/mta/sql bench || echo ' (modified)')"
  echo "- command: LOOKUPS_SIZES=$SIZES bench/lookups.sh ${LOOKUPS_ARGS:-}"
  echo
} | tee "$OUT/results.md"

# shellcheck disable=SC2086
java -cp "$OUT/classes:$MARIADB_JAR" Lookups --sizes "$SIZES" --postfix-dir "$POSTFIX_DIR" \
  --out "$OUT" ${LOOKUPS_ARGS:-} | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
