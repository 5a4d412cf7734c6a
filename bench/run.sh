#!/usr/bin/env bash
# mailplane foundation benchmark: build the prod jar, start it against mailplane_bench, seed,
# measure (bench/Bench.java), stop the app, print a Markdown table.
#
#   bench/run.sh                      # 1k (10 x 100) and 1M (1000 x 1000) mailboxes
#   BENCH_SIZES=10x100 bench/run.sh   # quick run, 1k only
#   BENCH_SKIP_BUILD=1 bench/run.sh   # reuse target/quarkus-app
#   BENCH_ENGINE=postgresql BENCH_DB=mailplane_pg_bench bench/run.sh   # on PostgreSQL (engine.sh)
#   BENCH_ARGS=--no-seed bench/run.sh # reuse the rows an earlier run (or bench/lookups.sh) seeded
# Env: BENCH_PORT (18080), BENCH_SECONDS (20 per phase), BENCH_WARMUP (20),
#      BENCH_GET_CONCURRENCY (16), BENCH_LIST_CONCURRENCY (4), BENCH_JFR=1 (record a JFR profile
#      of the app to target/bench/app.jfr), BENCH_ONLY=<regex> (only phases whose name matches).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${BENCH_PORT:-18080}
SIZES=${BENCH_SIZES:-10x100,1000x1000}
. bench/app.sh
OUT=target/bench/$BENCH_ENGINE
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
bench_size_db
app_build

# Bench.java and the seeding it shares with bench/lookups.sh (Seed.java).
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" bench/Bench.java bench/Seed.java

APP_ENV=()
APP_JAVA_OPTS=()
if [ "${BENCH_JFR:-0}" = 1 ]; then
  APP_JAVA_OPTS+=("-XX:StartFlightRecording=filename=$OUT/app.jfr,settings=profile,dumponexit=true")
fi
app_start

{
  bench_header
  echo "- command: BENCH_ENGINE=$BENCH_ENGINE BENCH_DB=$BENCH_DB BENCH_SIZES=$SIZES BENCH_SECONDS=${BENCH_SECONDS:-20} BENCH_WARMUP=${BENCH_WARMUP:-20} BENCH_ARGS='${BENCH_ARGS:-}' bench/run.sh"
  echo
} | tee "$OUT/results.md"

# shellcheck disable=SC2086
java -cp "$OUT/classes:$JDBC_JAR" Bench ${BENCH_ARGS:-} \
  --base "http://127.0.0.1:$APP_PORT" --jdbc "$DB_URL" --token "$APP_TOKEN" --sizes "$SIZES" \
  --seconds "${BENCH_SECONDS:-20}" --warmup "${BENCH_WARMUP:-20}" \
  --get-concurrency "${BENCH_GET_CONCURRENCY:-16}" \
  --list-concurrency "${BENCH_LIST_CONCURRENCY:-4}" ${BENCH_ONLY:+--only "$BENCH_ONLY"} \
  --wrk "$(command -v wrk || true)" \
  --app-pid "$APP_PID" ${DB_PID:+--db-pid "$DB_PID"} | tee -a "$OUT/results.md"

app_stop
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
