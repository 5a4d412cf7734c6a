#!/usr/bin/env bash
# Bulk load through config:apply against raw SQL (bench/BulkLoadBench.java, docs/benchmarks.md
# "Bulk load through config:apply"): N new mailboxes and N new aliases as documents of
# BULK_CHUNK entries each (prune=false, pre-hashed passwords), then the same rows as multi-row
# INSERTs into the emptied database; rows/s and the ratio. MariaDB only.
#
#   BENCH_DB=mailplane_h2_bench APP_PORT=18200 bench/bulk-load.sh                 # N=100000
#   BULK_N=1000000 bench/bulk-load.sh
#   OLD_APP=/tmp/h2-old/target/quarkus-app OLD_N=5000 bench/bulk-load.sh         # and an older build
# The prod jar of this tree (target/quarkus-app; BENCH_SKIP_BUILD=1 reuses it) runs on APP_PORT
# (18080); OLD_APP, a copy of an earlier build's target/quarkus-app, on APP_PORT+1 against the same
# database, loads OLD_N (5000) and this tree's jar the same OLD_N beside it. BENCH_DB is emptied
# before each load (only a name ending in _bench). Env: BULK_N (100000), BULK_CHUNK (5000),
# BULK_DOMAINS (100). Results: target/bench/bulk/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_PORT=${APP_PORT:-18080}
OUT=target/bench/bulk
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
. bench/app.sh
[ "$BENCH_ENGINE" = mariadb ] || { echo "bench/bulk-load.sh runs on MariaDB only" >&2; exit 2; }
app_build
MARIADB_JAR=$(mariadb_jar)
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/BulkLoadBench.java bench/Seed.java

APP_ENV=()
APP_JAVA_OPTS=()
app_start
N=${BULK_N:-100000}
apps=()
if [ -n "${OLD_APP:-}" ]; then
  old_app_start
  apps+=(--app "old=http://127.0.0.1:$OLD_PORT=${OLD_N:-5000}")
  apps+=(--app "new=http://127.0.0.1:$APP_PORT=${OLD_N:-5000}")
fi
apps+=(--app "new=http://127.0.0.1:$APP_PORT=$N")
{
  bench_header
  echo "- command: BULK_N=$N BULK_CHUNK=${BULK_CHUNK:-5000} ${OLD_APP:+OLD_APP=$OLD_APP OLD_N=${OLD_N:-5000} }BENCH_DB=$BENCH_DB bench/bulk-load.sh"
  echo
} | tee "$OUT/results.md"
java -cp "$OUT/classes:$MARIADB_JAR" BulkLoadBench --db "$BENCH_DB" "${apps[@]}" \
  --token "$APP_TOKEN" --chunk "${BULK_CHUNK:-5000}" --domains "${BULK_DOMAINS:-100}" \
  --out "$OUT/table.md" | tee -a "$OUT/results.md"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
