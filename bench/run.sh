#!/usr/bin/env bash
# mailplane foundation benchmark: build the prod jar, start it against mailplane_bench, seed,
# measure (bench/Bench.java), stop the app, print a Markdown table.
#
#   bench/run.sh                      # 1k (10 x 100) and 1M (1000 x 1000) mailboxes
#   BENCH_SIZES=10x100 bench/run.sh   # quick run, 1k only
#   BENCH_SKIP_BUILD=1 bench/run.sh   # reuse target/quarkus-app
# Env: BENCH_PORT (18080), BENCH_SECONDS (20 per phase), BENCH_WARMUP (20),
#      BENCH_GET_CONCURRENCY (16), BENCH_LIST_CONCURRENCY (4), BENCH_JFR=1 (record a JFR profile
#      of the app to target/bench/app.jfr), BENCH_ONLY=<regex> (only phases whose name matches).
set -euo pipefail
# At 1M mailboxes the tables (~0.8 GB with aliases) outgrow MariaDB's default 128 MB buffer
# pool and every lookup becomes a disk read; a server for a million mailboxes is sized for its
# working set (docs/benchmarks.md), so the benchmark runs with a 1 GiB pool (dynamic, as root).
BENCH_BUFFER_POOL=${BENCH_BUFFER_POOL:-1073741824}
mariadb -h127.0.0.1 -uroot -e "SET GLOBAL innodb_buffer_pool_size = GREATEST(@@innodb_buffer_pool_size, $BENCH_BUFFER_POOL)" 2>/dev/null \
  || echo "could not raise innodb_buffer_pool_size (needs root); results will include disk reads" >&2

cd "$(dirname "$0")/.."

APP_PORT=${BENCH_PORT:-18080}
SIZES=${BENCH_SIZES:-10x100,1000x1000}
OUT=target/bench
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
. bench/app.sh
app_build
MARIADB_JAR=$(mariadb_jar)

# Bench.java and the seeding it shares with bench/lookups.sh (Seed.java).
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/Bench.java bench/Seed.java

APP_ENV=()
APP_JAVA_OPTS=()
if [ "${BENCH_JFR:-0}" = 1 ]; then
  APP_JAVA_OPTS+=("-XX:StartFlightRecording=filename=$OUT/app.jfr,settings=profile,dumponexit=true")
fi
app_start

DB_PID=$(pgrep -x mariadbd | head -1 || true)
{
  bench_header
  echo "- command: BENCH_SIZES=$SIZES bench/run.sh"
  echo
} | tee "$OUT/results.md"

java -cp "$OUT/classes:$MARIADB_JAR" Bench \
  --base "http://127.0.0.1:$APP_PORT" --jdbc "$DB_URL" --token "$APP_TOKEN" --sizes "$SIZES" \
  --seconds "${BENCH_SECONDS:-20}" --warmup "${BENCH_WARMUP:-20}" \
  --get-concurrency "${BENCH_GET_CONCURRENCY:-16}" \
  --list-concurrency "${BENCH_LIST_CONCURRENCY:-4}" ${BENCH_ONLY:+--only "$BENCH_ONLY"} \
  --wrk "$(command -v wrk || true)" \
  --app-pid "$APP_PID" ${DB_PID:+--db-pid "$DB_PID"} | tee -a "$OUT/results.md"

app_stop
echo "results: $OUT/results.md" >&2
