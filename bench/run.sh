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

PORT=${BENCH_PORT:-18080}
SIZES=${BENCH_SIZES:-10x100,1000x1000}
OUT=target/bench
mkdir -p "$OUT"
TOKEN="bench-bootstrap-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DB_URL=jdbc:mariadb://127.0.0.1:3306/mailplane_bench

if ss -ltn "sport = :$PORT" | grep -q LISTEN; then
  echo "port $PORT is in use; set BENCH_PORT" >&2
  exit 1
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "building the jar ..." >&2
  ./mvnw -B -q package -DskipTests
fi

MARIADB_JAR=$(ls ~/.m2/repository/org/mariadb/jdbc/mariadb-java-client/*/mariadb-java-client-*.jar \
  | grep -v sources | sort -V | tail -1)

# Bench.java and the seeding it shares with bench/lookups.sh (Seed.java).
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/Bench.java bench/Seed.java

JAVA_OPTS=()
if [ "${BENCH_JFR:-0}" = 1 ]; then
  JAVA_OPTS+=("-XX:StartFlightRecording=filename=$OUT/app.jfr,settings=profile,dumponexit=true")
fi

echo "starting the app on 127.0.0.1:$PORT (log: $OUT/app.log) ..." >&2
MAILPLANE_DB_URL=$DB_URL MAILPLANE_BOOTSTRAP_TOKEN=$TOKEN MAILPLANE_HTTP_PORT=$PORT \
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CONSOLE_JSON_ENABLED=false \
  java "${JAVA_OPTS[@]}" -jar target/quarkus-app/quarkus-run.jar >"$OUT/app.log" 2>&1 &
APP_PID=$!
stop_app() {
  if kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"
    for _ in $(seq 1 30); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done
    kill -0 "$APP_PID" 2>/dev/null && kill -9 "$APP_PID"
  fi
  return 0
}
trap stop_app EXIT

for i in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$APP_PID" 2>/dev/null; then echo "the app died; see $OUT/app.log" >&2; exit 1; fi
  if [ "$i" = 60 ]; then echo "the app did not become ready in 60 s" >&2; exit 1; fi
  sleep 1
done
echo "app ready (pid $APP_PID)" >&2

DB_PID=$(pgrep -x mariadbd | head -1 || true)
{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GB RAM"
  echo "- java: $(java -version 2>&1 | head -1); MariaDB $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e 'select version()' 2>/dev/null || echo '?')"
  echo "- git: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src modified)')"
  echo "- command: BENCH_SIZES=$SIZES bench/run.sh"
  echo
} | tee "$OUT/results.md"

java -cp "$OUT/classes:$MARIADB_JAR" Bench \
  --base "http://127.0.0.1:$PORT" --jdbc "$DB_URL" --token "$TOKEN" --sizes "$SIZES" \
  --seconds "${BENCH_SECONDS:-20}" --warmup "${BENCH_WARMUP:-20}" \
  --get-concurrency "${BENCH_GET_CONCURRENCY:-16}" \
  --list-concurrency "${BENCH_LIST_CONCURRENCY:-4}" ${BENCH_ONLY:+--only "$BENCH_ONLY"} \
  --wrk "$(command -v wrk || true)" \
  --app-pid "$APP_PID" ${DB_PID:+--db-pid "$DB_PID"} | tee -a "$OUT/results.md"

stop_app
echo "results: $OUT/results.md" >&2
