#!/usr/bin/env bash
# A million-mailbox document as a job (bench/ConfigJobBench.java, docs/benchmarks.md "Config jobs:
# a million-mailbox document"): the prod jar at the shipped container sizing (-Xmx384m, GC log to
# a file) takes a document with its last-but-one entry invalid (refused, nothing changed), then the
# same size valid, then the same rows go in as raw multi-row INSERTs, all in one run.
#
#   BENCH_DB=mailplane_h3_bench APP_PORT=18300 JOB_MAILBOXES=1000000 bench/config-job.sh
#   BENCH_ENGINE=postgresql BENCH_DB=mailplane_pg_bench ... (bench/engine.sh) for PostgreSQL.
# JOB_INVALID_MAILBOXES (default JOB_MAILBOXES) sizes the invalid document on its own;
# JOB_CHUNK_ENTRIES sets the app's mailplane.config.job-chunk-entries.
# BENCH_SKIP_BUILD=1 reuses target/quarkus-app. The benchmark database is migrated by the app and
# not emptied (each run uses new domains). Results: target/bench/config-job/<engine>/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_PORT=${APP_PORT:-18080}
OUT=target/bench/config-job/${BENCH_ENGINE:-mariadb}
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
. bench/app.sh
app_build
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$JDBC_JAR" bench/ConfigJobBench.java bench/Seed.java
bench_size_db
rm -f "$OUT/gc.log"
APP_ENV=()
# JOB_CHUNK_ENTRIES: mailplane.config.job-chunk-entries of the app (default: the shipped one).
if [ -n "${JOB_CHUNK_ENTRIES:-}" ]; then
  APP_ENV=("MAILPLANE_CONFIG_JOB_CHUNK_ENTRIES=$JOB_CHUNK_ENTRIES")
fi
# JOB_JAVA_OPTS: more JVM options of the app, e.g. a JFR recording.
read -r -a extra <<<"${JOB_JAVA_OPTS:-}"
APP_JAVA_OPTS=(-Xmx384m "-Xlog:gc:file=$OUT/gc.log" "${extra[@]}")
app_start
COUNT=${JOB_MAILBOXES:-1000000}
BAD_COUNT=${JOB_INVALID_MAILBOXES:-$COUNT}
{
  bench_header
  echo "- command: BENCH_ENGINE=$BENCH_ENGINE JOB_MAILBOXES=$COUNT JOB_INVALID_MAILBOXES=$BAD_COUNT BENCH_DB=$BENCH_DB bench/config-job.sh (app: -Xmx384m, mailplane.config.job-chunk-entries ${JOB_CHUNK_ENTRIES:-default})"
  echo
} | tee "$OUT/results.md"
java -cp "$OUT/classes:$JDBC_JAR" ConfigJobBench "http://127.0.0.1:$APP_PORT" "$APP_TOKEN" \
  "$DB_URL" "$OUT/gc.log" "$COUNT" "$BAD_COUNT" "$OUT" | tee -a "$OUT/results.md"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
