#!/usr/bin/env bash
# GET /api/v1/config at scale (bench/ConfigExportBench.java, docs/benchmarks.md "Config export at
# scale"): per size, seed D domains x M mailboxes and as many aliases, then for each build (this
# tree's, and OLD_APP if given) start it alone with the shipped container's heap and a GC log,
# export JSON then YAML, and record time, bytes, entries read back and the heap after GC.
#
#   BENCH_DB=mailplane_h1_bench bench/config-export.sh                      # 100k and 1M
#   EXPORT_SIZES=100x1000 OLD_APP=/tmp/old-quarkus-app bench/config-export.sh
#   BENCH_ENGINE=postgresql BENCH_DB=mailplane_pg_bench bench/config-export.sh (bench/engine.sh)
# OLD_APP is a copy of an earlier build's target/quarkus-app (e.g. built in a `git worktree` of the
# older commit). Env: APP_PORT (18080), EXPORT_HEAP (-Xmx384m, the container's sizing),
# BENCH_SKIP_BUILD=1. Results: target/bench/export/<engine>/results.md; app and GC logs next to it.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_PORT=${APP_PORT:-18080}
OUT=target/bench/export/${BENCH_ENGINE:-mariadb}
mkdir -p "$OUT"
. bench/app.sh
app_build
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$JDBC_JAR" bench/ConfigExportBench.java bench/Seed.java
bench_size_db
HEAP=${EXPORT_HEAP:--Xmx384m}
SIZES=${EXPORT_SIZES:-100x1000,1000x1000}
builds=("new=target/quarkus-app/quarkus-run.jar")
[ -n "${OLD_APP:-}" ] && builds+=("old=$OLD_APP/quarkus-run.jar")
{
  bench_header
  echo "- command: EXPORT_SIZES=$SIZES ${OLD_APP:+OLD_APP=$OLD_APP }BENCH_DB=$BENCH_DB bench/config-export.sh"
  echo "- app JVM: $HEAP -Xlog:gc*, one build at a time on 127.0.0.1:$APP_PORT"
  echo
} | tee "$OUT/results.md"
# The schema comes from the app's Flyway (a no-op on a migrated database).
APP_LOG=$OUT/migrate.log APP_JAVA_OPTS=() APP_ENV=()
app_start
app_stop
for size in ${SIZES//,/ }; do
  echo "seeding $size ..." >&2
  expect=$(java -cp "$OUT/classes:$JDBC_JAR" ConfigExportBench seed --db-url "$DB_URL" --size "$size")
  {
    echo
    echo "**$size** (domains x mailboxes, as many aliases): $expect mailboxes and aliases"
    echo
    echo "| build | format | status | error | first byte (s) | bytes | total (s) | heap after full GC before (MB) | peak heap after GC during (MB) | after full GC after (MB) | load (1 min) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  } | tee -a "$OUT/results.md"
  for build in "${builds[@]}"; do
    name=${build%%=*}
    APP_JAR=${build#*=}
    APP_LOG=$OUT/$name-$size.log
    gc=$OUT/$name-$size-gc.log
    APP_JAVA_OPTS=("$HEAP" "-Xlog:gc*:file=$gc")
    APP_ENV=()
    app_start
    java -cp "$OUT/classes:$JDBC_JAR" ConfigExportBench measure --url "http://127.0.0.1:$APP_PORT" \
      --token "$APP_TOKEN" --pid "$APP_PID" --gc-log "$gc" --app "$name" --expect "$expect" \
      --out "$OUT/results.md"
    grep -q OutOfMemoryError "$APP_LOG" && echo "($name, $size: OutOfMemoryError in $APP_LOG)" | tee -a "$OUT/results.md"
    app_stop
  done
done
echo "results: $OUT/results.md" >&2
