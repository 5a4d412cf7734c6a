#!/usr/bin/env bash
# Postfix lookup benchmark (bench/Lookups.java): seeds the bench database with mailboxes, aliases,
# catch-alls and alias domains (bench/Seed.java), then times mailplane's deploy/mta/sql/*.query
# against the seed's src/test/resources/seed/*.query, as the query alone (JDBC) and as
# `postmap -q` end to end. No app needed; the schema must exist (the app's Flyway creates it, e.g.
# a first bench/run.sh on the same BENCH_ENGINE and BENCH_DB).
#
#   bench/lookups.sh                          # 1k and 1M mailboxes (+ as many aliases), ~15 min
#   LOOKUPS_SIZES=10x100 bench/lookups.sh     # 1k only, ~2 min
#   BENCH_ENGINE=postgresql BENCH_DB=mailplane_pg_bench bench/lookups.sh   # the same on PostgreSQL
#                                             # (pgsql: maps, connection-pgsql.templ); bench/engine.sh
# Env: LOOKUPS_SIZES (10x100,1000x1000: DOMAINSxMAILBOXES[xALIASES] per domain),
#      LOOKUPS_POSTFIX_DIR (/var/tmp/mailplane-mail/postfix: any dir with a main.cf postmap accepts),
#      BENCH_ENGINE (mariadb|postgresql), BENCH_DB (mailplane_bench),
#      LOOKUPS_ARGS (extra options, e.g. "--seed-jdbc 50/180 --no-postmap"; see Lookups.parse).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${LOOKUPS_SIZES:-10x100,1000x1000}
POSTFIX_DIR=${LOOKUPS_POSTFIX_DIR:-/var/tmp/mailplane-mail/postfix}
OUT=target/bench/lookups
mkdir -p "$OUT"

# shellcheck source=engine.sh
. bench/engine.sh
OUT=$OUT/$BENCH_ENGINE
mkdir -p "$OUT"

command -v postmap >/dev/null || { echo "postmap not found (apt-get install postfix postfix-mysql postfix-pgsql)" >&2; exit 1; }
[ -f "$POSTFIX_DIR/main.cf" ] || { echo "no $POSTFIX_DIR/main.cf; set LOOKUPS_POSTFIX_DIR" >&2; exit 1; }
bench_size_db

rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" bench/Lookups.java bench/Seed.java

{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GB RAM"
  echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- java: $(java -version 2>&1 | head -1); $(bench_db_version);" \
    "$(postconf -d mail_version 2>/dev/null | sed 's/mail_version = /Postfix /')"
  echo "- git: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- deploy/mta/sql bench || echo ' (modified)')"
  echo "- command: BENCH_ENGINE=$BENCH_ENGINE BENCH_DB=$BENCH_DB LOOKUPS_SIZES=$SIZES LOOKUPS_ARGS='${LOOKUPS_ARGS:-}' bench/lookups.sh"
  echo
} | tee "$OUT/results.md"

# shellcheck disable=SC2086
java -cp "$OUT/classes:$JDBC_JAR" Lookups --jdbc "$DB_URL" --sizes "$SIZES" --postfix-dir "$POSTFIX_DIR" \
  --out "$OUT" ${LOOKUPS_ARGS:-} | tee -a "$OUT/results.md"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
