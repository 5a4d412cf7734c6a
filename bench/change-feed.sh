#!/usr/bin/env bash
# What the configuration revision (#7 items 5-6: one counter row locked by every write transaction
# until commit) costs write throughput: JDBC write transactions without/with the counter step, and
# POST /api/v1/aliases through the app (which always takes it). See bench/ChangeFeedBench.java.
#
#   bench/change-feed.sh                         # builds the jar; 10 s per row
#   CF_SECONDS=20 BENCH_SKIP_BUILD=1 bench/change-feed.sh
# Env: CF_DB_URL (jdbc:mariadb://127.0.0.1:3306/mailplane_test3: scratch tables bench_cf_* are
#      created and dropped there, and the app migrates it), CF_PORT (18083), CF_SECONDS (10).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${CF_PORT:-18083}
OUT=target/bench/change-feed
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
. bench/app.sh
DB_URL=${CF_DB_URL:-jdbc:mariadb://127.0.0.1:3306/mailplane_test3}
app_build
MARIADB_JAR=$(mariadb_jar)
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/ChangeFeedBench.java
# The test database holds DKIM keys encrypted with the (public) test key of application.properties.
APP_ENV=(
  MAILPLANE_CRYPTO_KEYS_TEST1=442vtSnjZqOQQk5yIrXkMiYjIxe5TqbOXG2LBoEl6Ts=
  MAILPLANE_CRYPTO_ACTIVE_KEY=test1
)
app_start

{
  bench_header
  echo "- load on the machine before the run (1-min loadavg): $(cut -d' ' -f1 /proc/loadavg)"
  echo "- command: CF_SECONDS=${CF_SECONDS:-10} bench/change-feed.sh"
} | tee "$OUT/results.md"

java -cp "$OUT/classes:$MARIADB_JAR" ChangeFeedBench --jdbc "$DB_URL" \
  --base "http://127.0.0.1:$APP_PORT" --token "$APP_TOKEN" --seconds "${CF_SECONDS:-10}" \
  | tee -a "$OUT/results.md"
echo "- load on the machine after the run (1-min loadavg): $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/results.md"

app_stop
echo "results: $OUT/results.md" >&2
