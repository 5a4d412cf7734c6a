#!/usr/bin/env bash
# Fetchmail scheduling benchmark: two instances of the prod jar (one Quartz cluster on
# mailplane_bench), FM_ACCOUNTS accounts all due within one interval against a minimal IMAP server
# (bench/FetchmailBench.java; each run is a real fetchmail process), watched for FM_ROUNDS
# intervals; then the idle overhead of the instances with nothing due. Prints a Markdown table.
#
#   bench/fetchmail.sh                                     # 1000 accounts, 60 s, 2 rounds (~5 min)
#   FM_ACCOUNTS=200 FM_ROUNDS=1 BENCH_SKIP_BUILD=1 bench/fetchmail.sh
# Env: FM_PORT (18082; the second instance uses +1), FM_ACCOUNTS (1000), FM_INTERVAL (60),
#      FM_ROUNDS (2), FM_MAX_CONCURRENT (4 per instance), FM_CLUSTER_MAX (16: the cluster-wide
#      bound, mailplane.fetchmail.cluster-max-concurrent-runs), FM_IDLE_SECONDS (60),
#      FM_SESSION_DELAY_MS (0: how long the IMAP server holds each session, to load the bound).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${FM_PORT:-18082}
PORT2=$((APP_PORT + 1))
OUT=target/bench/fetchmail
APP_LOG=$OUT/app1.log
MAXC=${FM_MAX_CONCURRENT:-4}
CLUSTER_MAX=${FM_CLUSTER_MAX:-16}
# What may run at once: both instances' own bounds, or the cluster's when it is lower.
BOUND=$((2 * MAXC < CLUSTER_MAX ? 2 * MAXC : CLUSTER_MAX))
mkdir -p "$OUT"
. bench/app.sh
app_build
MARIADB_JAR=$(mariadb_jar)
rm -rf "$OUT/classes"
javac -nowarn -d "$OUT/classes" bench/FetchmailBench.java

# Fetchmail accounts and their Quartz rows from earlier runs, and the run history.
clean() {
  mysql -h127.0.0.1 -umailplane -pmailplane mailplane_bench -e \
    "DELETE FROM fetchmail_run; DELETE FROM fetchmail_account;
     DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE TRIGGER_GROUP = 'fetchmail';
     DELETE FROM QRTZ_TRIGGERS WHERE TRIGGER_GROUP = 'fetchmail';
     DELETE FROM QRTZ_JOB_DETAILS WHERE JOB_GROUP = 'fetchmail';
     DELETE FROM outbox_event;" 2>/dev/null || true
}
clean

KEY="$(head -c 32 /dev/urandom | base64)"
APP_ENV=(
  MAILPLANE_CRYPTO_KEYS_BENCH="$KEY"
  MAILPLANE_CRYPTO_ACTIVE_KEY=bench
  MAILPLANE_FETCHMAIL_MAX_CONCURRENT_RUNS="$MAXC"
  MAILPLANE_FETCHMAIL_CLUSTER_MAX_CONCURRENT_RUNS="$CLUSTER_MAX"
  MAILPLANE_FETCHMAIL_JITTER="${FM_INTERVAL:-60}s"
  MAILPLANE_FETCHMAIL_WORK_DIRECTORY="$PWD/$OUT/work1"
  MAILPLANE_QUARTZ_THREADS=$((MAXC + 2))
)
app_start
PID1=$APP_PID
# The second instance: same jar, same database and token, its own port and work directory.
env MAILPLANE_DB_URL=$DB_URL MAILPLANE_BOOTSTRAP_TOKEN=$APP_TOKEN MAILPLANE_HTTP_PORT=$PORT2 \
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CONSOLE_JSON_ENABLED=false "${APP_ENV[@]}" \
  MAILPLANE_FETCHMAIL_WORK_DIRECTORY="$PWD/$OUT/work2" \
  java -jar target/quarkus-app/quarkus-run.jar >"$OUT/app2.log" 2>&1 &
PID2=$!
trap 'kill $PID2 2>/dev/null; app_stop; clean' EXIT
for i in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT2/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
{
  bench_header
  echo "- instances: 2 (pids $PID1, $PID2), mailplane.fetchmail.max-concurrent-runs=$MAXC each, cluster-max-concurrent-runs=$CLUSTER_MAX"
  echo "- load on the machine before the run (1-min loadavg): $(cut -d' ' -f1 /proc/loadavg)"
  echo "- command: FM_ACCOUNTS=${FM_ACCOUNTS:-1000} FM_INTERVAL=${FM_INTERVAL:-60} FM_ROUNDS=${FM_ROUNDS:-2} FM_SESSION_DELAY_MS=${FM_SESSION_DELAY_MS:-0} FM_CLUSTER_MAX=$CLUSTER_MAX bench/fetchmail.sh"
} | tee "$OUT/results.md"

C1=$(cpu $PID1); C2=$(cpu $PID2); T0=$(date +%s.%N)
java -cp "$OUT/classes:$MARIADB_JAR" FetchmailBench \
  --base "http://127.0.0.1:$APP_PORT" --jdbc "$DB_URL" --token "$APP_TOKEN" \
  --accounts "${FM_ACCOUNTS:-1000}" --interval "${FM_INTERVAL:-60}" --rounds "${FM_ROUNDS:-2}" \
  --bound "$BOUND" --session-delay-ms "${FM_SESSION_DELAY_MS:-0}" | tee -a "$OUT/results.md"
T1=$(date +%s.%N)
echo "- CPU of the two instances while busy: $(echo "($(cpu $PID1) - $C1 + $(cpu $PID2) - $C2) / $(getconf CLK_TCK) / ($T1 - $T0)" | bc -l | xargs printf '%.2f') cores (fetchmail processes not included)" | tee -a "$OUT/results.md"

# Idle: every account disabled by the benchmark; nothing is due.
IDLE=${FM_IDLE_SECONDS:-60}
C1=$(cpu $PID1); C2=$(cpu $PID2); Q0=$(mysql -h127.0.0.1 -umailplane -pmailplane -N -e "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{print $2}')
sleep "$IDLE"
Q1=$(mysql -h127.0.0.1 -umailplane -pmailplane -N -e "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{print $2}')
TICK=$(getconf CLK_TCK)
echo "- idle (nothing due, ${IDLE} s): instance 1 $(echo "($(cpu $PID1) - $C1) * 1000 / $TICK / $IDLE" | bc) ms CPU/s, instance 2 $(echo "($(cpu $PID2) - $C2) * 1000 / $TICK / $IDLE" | bc) ms CPU/s; MariaDB statements (whole server, all clients): $(( (Q1 - Q0) / IDLE ))/s" | tee -a "$OUT/results.md"
echo "- load on the machine after the run (1-min loadavg): $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/results.md"
echo "results: $OUT/results.md" >&2
