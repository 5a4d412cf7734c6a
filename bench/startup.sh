#!/usr/bin/env bash
# Start-up time and idle memory of the prod jar against a bare Quarkus REST hello app of the same
# Quarkus version, alternating in one run (docs/benchmarks.md, "Start-up and idle memory against a
# bare Quarkus app").
#
#   BENCH_DB=mailplane_h5_bench STARTUP_PORT=18500 bench/startup.sh
#   OLD_APP=/tmp/h5-old/target/quarkus-app bench/startup.sh    # also an earlier build, "before"
#
# Builds offline (./mvnw -o): a hello app generated into a temporary directory (one GET resource,
# quarkus-rest only, the Quarkus version of pom.xml) and this tree's prod jar (BENCH_SKIP_BUILD=1
# reuses target/quarkus-app). Then STARTUP_REPS rounds of: hello, [OLD_APP], mailplane, each started
# with the same JVM options (STARTUP_JAVA_OPTS, default the shipped -Xmx384m -XX:-UsePerfData),
# against the already migrated BENCH_DB; before the rounds each mailplane build starts once on an
# emptied BENCH_DB (STARTUP_EMPTY=0 skips that; the database must be named *_bench).
#
# Per start, wall time from exec to: the first HTTP answer of any status ("listen"), the first 200
# of the readiness URL (hello: GET /hello; mailplane: /q/health/ready, what an orchestrator waits
# for: the database and Redis checks pass) and the first 200 of an authenticated API GET (mailplane:
# GET /api/v1/domains?limit=1 with the bootstrap token); the CPU time the process used until ready
# (user + system, every thread: less sensitive to a busy machine than wall time). Then VmRSS and threads after STARTUP_SETTLE
# seconds idle (10) and VmRSS after a full GC (jcmd GC.run, 3 s later). Logs, one per start, with
# millisecond timestamps: target/bench/startup/. Results: target/bench/startup/results.md.
#
# Env: STARTUP_REPS (3), STARTUP_SETTLE (10), STARTUP_PORT (18090; hello on it, mailplane on +1),
# STARTUP_REDIS_URL (mailplane's own Redis, unset = none), STARTUP_PUSH_REDIS_URL (an rspamd-redis
# push target, unset = none; never Rspamd's real db), STARTUP_TIMEOUT (180 s per start).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DB=${BENCH_DB:-mailplane_bench}
. bench/engine.sh
[ "$BENCH_ENGINE" = mariadb ] || { echo "bench/startup.sh runs on MariaDB only" >&2; exit 2; }
case "$BENCH_DB" in *_bench) ;; *) echo "BENCH_DB must end in _bench (it is emptied)" >&2; exit 2 ;; esac

OUT=target/bench/startup
REPS=${STARTUP_REPS:-3}
SETTLE=${STARTUP_SETTLE:-10}
PORT=${STARTUP_PORT:-18090}
TIMEOUT=${STARTUP_TIMEOUT:-180}
read -r -a JAVA_OPTS <<<"${STARTUP_JAVA_OPTS:--Xmx384m -XX:-UsePerfData}"
LOG_FORMAT='%d{HH:mm:ss.SSS} %-5p [%c{3.}] (%t) %s%e%n'
QUARKUS_VERSION=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml)
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT/runs.tsv"

HELLO=$(mktemp -d)
APP_PID=
cleanup() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then kill "$APP_PID"; wait "$APP_PID" || true; fi
  rm -rf "$HELLO"
}
trap cleanup EXIT

# The hello app: what `quarkus create app` with quarkus-rest gives, minus tests.
mkdir -p "$HELLO/src/main/java/org/acme" "$HELLO/src/main/resources"
cat >"$HELLO/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.acme</groupId>
  <artifactId>hello</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.quarkus</groupId><artifactId>quarkus-bom</artifactId>
        <version>$QUARKUS_VERSION</version><type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>io.quarkus</groupId><artifactId>quarkus-maven-plugin</artifactId>
        <version>$QUARKUS_VERSION</version><extensions>true</extensions>
        <executions><execution><goals><goal>build</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
EOF
cat >"$HELLO/src/main/java/org/acme/Hello.java" <<'EOF'
package org.acme;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

@Path("/hello")
public class Hello {
  @GET
  public String hello() {
    return "hello";
  }
}
EOF
echo "building the hello app (Quarkus $QUARKUS_VERSION) in $HELLO ..." >&2
./mvnw -o -B -q -f "$HELLO/pom.xml" package -DskipTests
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "building mailplane's prod jar ..." >&2
  ./mvnw -o -B -q -DskipTests -DskipITs package
fi

TOKEN="bench-bootstrap-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TLS_DIR=$OUT/tls
mkdir -p "$TLS_DIR"
MAILPLANE_ENV=(MAILPLANE_DB_URL="$DB_URL" MAILPLANE_BOOTSTRAP_TOKEN="$TOKEN"
  MAILPLANE_CRYPTO_KEYS_K1="$(head -c 32 /dev/urandom | base64)" MAILPLANE_CRYPTO_ACTIVE_KEY=k1
  MAILPLANE_TLS_DIRECTORY="$TLS_DIR" QUARKUS_HTTP_HOST=127.0.0.1)
[ -n "${STARTUP_REDIS_URL:-}" ] && MAILPLANE_ENV+=(QUARKUS_REDIS_HOSTS="$STARTUP_REDIS_URL")
[ -n "${STARTUP_PUSH_REDIS_URL:-}" ] && MAILPLANE_ENV+=(MAILPLANE_PUSH_TARGETS_RSPAMD_TYPE=rspamd-redis
  MAILPLANE_PUSH_TARGETS_RSPAMD_URL="$STARTUP_PUSH_REDIS_URL")

now_ms() { echo $(($(date +%s%N) / 1000000)); }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# CPU seconds (user + system, all threads: the JIT compilers are half of a start) of a process.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$1/stat"; }

# Polls url until it answers 200 (or, with any=1, any status); echoes the ms since $2.
wait_for() {
  local url=$1 t0=$2 any=${3:-0} auth=${4:-} code
  local deadline=$(($(now_ms) + TIMEOUT * 1000))
  while :; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' ${auth:+-H "Authorization: Bearer $auth"} "$url" || true)
    if [ "$code" = 200 ] || { [ "$any" = 1 ] && [ "$code" != 000 ]; }; then
      echo $(($(now_ms) - t0))
      return
    fi
    kill -0 "$APP_PID" 2>/dev/null || { echo "the app died; see its log in $OUT" >&2; exit 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { echo "no answer from $url in $TIMEOUT s" >&2; exit 1; }
    sleep 0.02
  done
}

# run NAME ROUND DB-STATE: starts one app, measures, stops it, appends a line to runs.tsv.
run() {
  local name=$1 round=$2 db=$3 jar port log t0 listen ready cpu api started rss threads rss_gc
  log=$OUT/$name-$db-$round.log
  if [ "$name" = hello ]; then
    jar=$HELLO/target/quarkus-app/quarkus-run.jar port=$PORT
  else
    jar=target/quarkus-app/quarkus-run.jar port=$((PORT + 1))
    [ "$name" = before ] && jar=$OLD_APP/quarkus-run.jar
  fi
  if ss -ltn "sport = :$port" | grep -q LISTEN; then echo "port $port is in use" >&2; exit 1; fi
  t0=$(now_ms)
  if [ "$name" = hello ]; then
    env QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CONSOLE_FORMAT="$LOG_FORMAT" \
      java "${JAVA_OPTS[@]}" -jar "$jar" >"$log" 2>&1 &
  else
    env "${MAILPLANE_ENV[@]}" MAILPLANE_HTTP_PORT=$port QUARKUS_LOG_CONSOLE_JSON_ENABLED=false \
      QUARKUS_LOG_CONSOLE_FORMAT="$LOG_FORMAT" java "${JAVA_OPTS[@]}" -jar "$jar" >"$log" 2>&1 &
  fi
  APP_PID=$!
  if [ "$name" = hello ]; then
    listen=$(wait_for "http://127.0.0.1:$port/hello" "$t0" 1)
    ready=$(wait_for "http://127.0.0.1:$port/hello" "$t0")
    cpu=$(cpu_s "$APP_PID")
    api=$ready
  else
    listen=$(wait_for "http://127.0.0.1:$port/q/health/ready" "$t0" 1)
    ready=$(wait_for "http://127.0.0.1:$port/q/health/ready" "$t0")
    cpu=$(cpu_s "$APP_PID")
    api=$(wait_for "http://127.0.0.1:$port/api/v1/domains?limit=1" "$t0" 0 "$TOKEN")
  fi
  sleep "$SETTLE"
  rss=$(rss_mib "$APP_PID")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$APP_PID/status")
  jcmd "$APP_PID" GC.run >/dev/null
  sleep 3
  rss_gc=$(rss_mib "$APP_PID")
  started=$(grep -o 'started in [0-9.]*s' "$log" | grep -o '[0-9.]*' || echo '?')
  kill "$APP_PID"
  wait "$APP_PID" || true
  APP_PID=
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$db" "$round" "$listen" "$ready" "$api" \
    "$started" "$cpu" "$rss" "$rss_gc" "$threads" | tee -a "$OUT/runs.tsv" >&2
}

empty_db() {
  mariadb -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$BENCH_DB\`" 2>/dev/null ||
    mysql -h127.0.0.1 -umailplane -pmailplane -e "DROP DATABASE IF EXISTS \`$BENCH_DB\`"
  bench_create_db
}

HEADER=$(
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GB RAM; java: $(java -version 2>&1 | head -1); $(bench_db_version)"
  echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- git: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src modified)')${OLD_APP:+; before: $OLD_APP}"
  echo "- command: BENCH_DB=$BENCH_DB STARTUP_REPS=$REPS ${OLD_APP:+OLD_APP=$OLD_APP }bench/startup.sh;" \
    "JVM options: ${JAVA_OPTS[*]}; Redis: ${STARTUP_REDIS_URL:-none}; push target: ${STARTUP_PUSH_REDIS_URL:-none}"
)
echo "$HEADER" >&2
MAILPLANES=(${OLD_APP:+before} mailplane)
printf 'app\tdb\tround\tlisten_ms\tready_ms\tapi_ms\tstarted_s\tcpu_s\trss_mib\trss_gc_mib\tthreads\n' >&2
if [ "${STARTUP_EMPTY:-1}" = 1 ]; then
  for name in "${MAILPLANES[@]}"; do
    empty_db
    run "$name" 1 empty
  done
else
  bench_create_db
fi
for round in $(seq 1 "$REPS"); do
  for name in hello "${MAILPLANES[@]}"; do
    run "$name" "$round" migrated
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Median and range per app and column, and each mailplane's median over hello's.
summary() {
  awk -F'\t' '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      lo[0] = a[1]; hi[0] = a[n]
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { key = $1 " (" $2 ")"; if (!(key in seen)) { seen[key] = 1; order[++k] = key }
      for (c = 4; c <= 11; c++) v[key, c] = v[key, c] " " $c; n[key]++ }
    END {
      split("listen ms,ready ms,API GET ms,started in (s; log),CPU s at ready,RSS idle MiB,RSS after GC MiB,threads", names, ",")
      line = "| app (database) | runs"
      for (i = 1; i <= 8; i++) line = line " | " names[i]
      print line " |"
      print "|---|---|---|---|---|---|---|---|---|---|"
      for (i = 1; i <= k; i++) {
        key = order[i]; line = "| " key " | " n[key]
        for (c = 4; c <= 11; c++) {
          m = median(v[key, c]); med[key, c] = m
          line = line " | " m (lo[0] == hi[0] ? "" : " (" lo[0] "–" hi[0] ")")
        }
        print line " |"
      }
      h = "hello (migrated)"
      print ""
      print "| ratio of medians to hello | ready | API GET | CPU at ready | RSS idle | RSS after GC |"
      print "|---|---|---|---|---|---|"
      for (i = 1; i <= k; i++) {
        key = order[i]; if (key == h) continue
        printf "| %s | %.1f× | %.1f× | %.1f× | %.1f× | %.1f× |\n", key, med[key, 5] / med[h, 5], med[key, 6] / med[h, 5], med[key, 8] / med[h, 8], med[key, 9] / med[h, 9], med[key, 10] / med[h, 10]
      }
    }' "$OUT/runs.tsv"
}
{
  echo "$HEADER"
  echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  summary
} | tee "$OUT/results.md"
echo "results: $OUT/results.md; per-start logs and runs.tsv in $OUT" >&2
