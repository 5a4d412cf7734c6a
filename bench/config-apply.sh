#!/usr/bin/env bash
# Declarative config at scale (bench/ConfigApplyBench.java, docs/benchmarks.md "Config plan/apply
# at scale"): one-object plan/apply at each size side by side, then 5,000 new mailboxes, a
# 20,000-entry plan and a 20,000-entry document with a bad last-but-one entry at the largest size.
#
#   BENCH_DB=mailplane_h5_bench bench/config-apply.sh                 # 1k and 100k mailboxes
#   CONFIG_SIZES=10x100,100x1000,1000x1000 bench/config-apply.sh      # and 1M
#   OLD_APP=/tmp/old-quarkus-app bench/config-apply.sh                # also an older build, same rows
# The prod jar of this tree (target/quarkus-app; BENCH_SKIP_BUILD=1 reuses it) runs on APP_PORT
# (18080); OLD_APP, a copy of an earlier build's target/quarkus-app, on APP_PORT+1, against the
# same database, up to OLD_MAX_MAILBOXES (100000; it needs minutes per request above). BENCH_DB is emptied per size (only a name ending in _bench). Env: CONFIG_REPS (7),
# CONFIG_BULK (5000). Results: target/bench/config/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_PORT=${APP_PORT:-18080}
OUT=target/bench/config
APP_LOG=$OUT/app.log
mkdir -p "$OUT"
. bench/app.sh
app_build
MARIADB_JAR=$(mariadb_jar)
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/ConfigApplyBench.java bench/Seed.java

APP_ENV=()
APP_JAVA_OPTS=()
app_start
apps=(--app "new=http://127.0.0.1:$APP_PORT")
if [ -n "${OLD_APP:-}" ]; then
  old_app_start
  apps+=(--app "old=http://127.0.0.1:$OLD_PORT")
fi
SIZES=${CONFIG_SIZES:-10x100,100x1000}
{
  bench_header
  echo "- command: CONFIG_SIZES=$SIZES ${OLD_APP:+OLD_APP=$OLD_APP }BENCH_DB=$BENCH_DB bench/config-apply.sh"
  echo "- innodb_buffer_pool_size: $(mysql -h127.0.0.1 -umailplane -pmailplane -N -e 'select @@innodb_buffer_pool_size')"
  echo
} | tee "$OUT/results.md"
java -cp "$OUT/classes:$MARIADB_JAR" ConfigApplyBench --db "$BENCH_DB" --sizes "$SIZES" \
  "${apps[@]}" --token "$APP_TOKEN" --reps "${CONFIG_REPS:-7}" --bulk "${CONFIG_BULK:-5000}" \
  --old-max "${OLD_MAX_MAILBOXES:-100000}" --out "$OUT/table.md" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
