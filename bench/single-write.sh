#!/usr/bin/env bash
# Single-object writes (bench/SingleWriteBench.java, docs/benchmarks.md "Single-object writes"):
# pre-hashed POST /api/v1/mailboxes at concurrency 1, 4 and 16 against raw JDBC transactions of the
# same shape on the same database, interleaved round by round.
#
#   BENCH_DB=mailplane_h4_bench bench/single-write.sh
#   OLD_APP=/tmp/old-quarkus-app bench/single-write.sh     # also an earlier build, same rows
#   BENCH_ENGINE=postgresql BENCH_DB=mailplane_pg_bench bench/single-write.sh
# The prod jar of this tree (target/quarkus-app; BENCH_SKIP_BUILD=1 reuses it) runs on APP_PORT
# (18080); OLD_APP, a copy of an earlier build's target/quarkus-app, on APP_PORT+1, both against
# BENCH_DB, which is emptied and seeded (16 domains x 1000 mailboxes; only a name ending in _bench).
# Env: SW_SECONDS (10 per contestant, concurrency and round), SW_ROUNDS (3), SW_WARMUP (45 s per app, JDBC 5),
# SW_CONCURRENCY (1,4,16), SW_ONLY (a regex of the rows to run, e.g. "new|JDBC"), BENCH_JFR=1 (a recording of each app: $OUT/{new,old}.jfr).
# Results: target/bench/single-write/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_PORT=${APP_PORT:-18080}
OUT=target/bench/single-write
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
. bench/app.sh
app_build
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$JDBC_JAR" bench/SingleWriteBench.java bench/Seed.java

jfr() {
  [ "${BENCH_JFR:-0}" = 1 ] && echo "-XX:StartFlightRecording=filename=$OUT/$1.jfr,settings=profile"
  return 0
}
APP_ENV=()
read -r -a APP_JAVA_OPTS <<<"$(jfr new)"
app_start
apps=(--app "new=http://127.0.0.1:$APP_PORT=$APP_PID")
if [ -n "${OLD_APP:-}" ]; then
  read -r -a old_opts <<<"$(jfr old)"
  old_app_start "${old_opts[@]}"
  apps+=(--app "old=http://127.0.0.1:$OLD_PORT=$OLD_PID")
fi
{
  bench_header
  echo "- command: ${OLD_APP:+OLD_APP=$OLD_APP }BENCH_ENGINE=$BENCH_ENGINE BENCH_DB=$BENCH_DB" \
    "SW_SECONDS=${SW_SECONDS:-10} SW_ROUNDS=${SW_ROUNDS:-3} bench/single-write.sh"
  if [ "$BENCH_ENGINE" = mariadb ]; then
    echo "- server: $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e \
      'select concat("innodb_flush_log_at_trx_commit=", @@innodb_flush_log_at_trx_commit, ", log_bin=", @@log_bin, ", sync_binlog=", @@sync_binlog)')"
  else
    echo "- server: $(PGPASSWORD=mailplane psql -X -h 127.0.0.1 -U mailplane -d "$BENCH_DB" -tAc \
      "select 'synchronous_commit=' || current_setting('synchronous_commit') || ', fsync=' || current_setting('fsync')")"
  fi
  echo
} | tee "$OUT/results.md"
java -cp "$OUT/classes:$JDBC_JAR" SingleWriteBench --jdbc "$DB_URL" "${apps[@]}" \
  --token "$APP_TOKEN" --seconds "${SW_SECONDS:-10}" --rounds "${SW_ROUNDS:-3}" \
  --warmup "${SW_WARMUP:-45}" --concurrency "${SW_CONCURRENCY:-1,4,16}" ${SW_ONLY:+--only "$SW_ONLY"} \
  ${DB_PID:+--db-pid "$DB_PID"} --out "$OUT/table.md" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
