#!/usr/bin/env bash
# mailplane push latency benchmark: API write → effect visible at the daemon, under a
# steady write load. Builds the prod jar, starts it against mailplane_bench with an rspamd-redis
# target (Redis db 14) and a doveadm target (the test Dovecot), runs bench/PushLatency.java, stops
# the app, removes what it wrote, prints a Markdown table.
#
#   bench/push-latency.sh                        # 10 s warm-up + 60 s at 10 writes/s, half DKIM
#   PUSH_RATE=20 BENCH_SKIP_BUILD=1 bench/push-latency.sh
# Env: PUSH_PORT (18081), PUSH_RATE (10 writes/s), PUSH_SECONDS (60), PUSH_WARMUP (10),
#      PUSH_DKIM_SHARE (0.5), PUSH_ALGORITHM (rsa | ed25519), PUSH_CONCURRENCY (8),
#      PUSH_REDIS (redis://127.0.0.1:6379/14, emptied: use a db of its own),
#      PUSH_DOVEADM_URL (http://127.0.0.1:8091/doveadm/v1), PUSH_DOVEADM_KEY (mailplane-test-doveadm-key).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${PUSH_PORT:-18081}
OUT=target/bench/push
APP_LOG=$OUT/app.log
REDIS=${PUSH_REDIS:-redis://127.0.0.1:6379/14}
DOVEADM_URL=${PUSH_DOVEADM_URL:-http://127.0.0.1:8091/doveadm/v1}
DOVEADM_KEY=${PUSH_DOVEADM_KEY:-mailplane-test-doveadm-key}
REDIS_DB=${REDIS##*/}
mkdir -p "$OUT"
. bench/app.sh
app_build
MARIADB_JAR=$(mariadb_jar)
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$MARIADB_JAR" bench/PushLatency.java bench/Seed.java

# Stored DKIM keys make an app without crypto keys (bench/run.sh) refuse to start, and a leftover
# push_target_state would start the publisher past the new events: remove both, before and after.
clean() {
  mysql -h127.0.0.1 -umailplane -pmailplane mailplane_bench -e \
    "DELETE FROM dkim_key; DELETE FROM dkim_domain; DELETE FROM outbox_event;
     DELETE FROM push_target_state WHERE name IN ('bench_rspamd', 'bench_dovecot')"
  redis-cli -h 127.0.0.1 -n "$REDIS_DB" DEL dkim_keys >/dev/null
}
clean

APP_ENV=(
  MAILPLANE_CRYPTO_KEYS_BENCH="$(head -c 32 /dev/urandom | base64)"
  MAILPLANE_CRYPTO_ACTIVE_KEY=bench
)
APP_JAVA_OPTS=(
  -Dmailplane.push.targets.bench_rspamd.type=rspamd-redis
  -Dmailplane.push.targets.bench_rspamd.url="$REDIS"
  -Dmailplane.push.targets.bench_rspamd.key-prefix=dkim_keys
  -Dmailplane.push.targets.bench_dovecot.type=doveadm
  -Dmailplane.push.targets.bench_dovecot.url="$DOVEADM_URL"
  -Dmailplane.push.targets.bench_dovecot.api-key="$DOVEADM_KEY"
)
app_start
trap 'app_stop; clean' EXIT

{
  bench_header
  echo "- load on the machine before the run (1-min loadavg): $(cut -d' ' -f1 /proc/loadavg)"
  echo "- command: PUSH_RATE=${PUSH_RATE:-10} PUSH_SECONDS=${PUSH_SECONDS:-60} PUSH_DKIM_SHARE=${PUSH_DKIM_SHARE:-0.5} PUSH_ALGORITHM=${PUSH_ALGORITHM:-rsa} bench/push-latency.sh"
} | tee "$OUT/results.md"

java -cp "$OUT/classes:$MARIADB_JAR" PushLatency \
  --base "http://127.0.0.1:$APP_PORT" --jdbc "$DB_URL" --token "$APP_TOKEN" \
  --redis "$REDIS" --doveadm-url "$DOVEADM_URL" --doveadm-key "$DOVEADM_KEY" \
  --rate "${PUSH_RATE:-10}" --seconds "${PUSH_SECONDS:-60}" --warmup "${PUSH_WARMUP:-10}" \
  --dkim-share "${PUSH_DKIM_SHARE:-0.5}" --algorithm "${PUSH_ALGORITHM:-rsa}" \
  --concurrency "${PUSH_CONCURRENCY:-8}" | tee -a "$OUT/results.md"
echo "- load on the machine after the run (1-min loadavg): $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/results.md"

app_stop
echo "results: $OUT/results.md" >&2
