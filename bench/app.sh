# Sourced by the benchmark scripts: build the prod jar for BENCH_ENGINE, start it on 127.0.0.1
# against BENCH_DB (bench/engine.sh), wait until it is ready, stop it on exit. Not a script of
# its own.
#
#   APP_PORT=18080 APP_LOG=target/bench/app.log
#   APP_ENV=(MAILPLANE_FOO=bar ...)     # extra environment of the app (optional)
#   APP_JAVA_OPTS=(-Dx=y ...)           # extra JVM options (optional)
#   APP_JAR=...quarkus-run.jar          # another build than target/quarkus-app (optional)
#   APP_READY_SECONDS=60                # how long app_start waits for readiness (loaded machines)
#   app_build                           # unless BENCH_SKIP_BUILD=1
#   app_start                           # sets APP_PID, APP_TOKEN, DB_URL; stops the app on EXIT
#   app_stop
#   old_app_start [JVM options]         # OLD_APP's quarkus-run.jar on APP_PORT+1, same database and
#                                       # token; sets OLD_PORT, OLD_PID; stopped on EXIT too

# shellcheck source=engine.sh
. "$(dirname "${BASH_SOURCE[0]}")/engine.sh"

app_build() {
  if ss -ltn "sport = :$APP_PORT" | grep -q LISTEN; then
    echo "port $APP_PORT is in use; choose another port" >&2
    exit 1
  fi
  local built=target/quarkus-app/mailplane.db
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "building the jar for $BENCH_ENGINE ..." >&2
    ./mvnw -B -q package -DskipTests -Dmailplane.db="$BENCH_ENGINE"
    echo "$BENCH_ENGINE" >"$built"
  fi
  # The engine is fixed in the jar at build time: a reused jar must be the one for this engine.
  [ "$(cat "$built" 2>/dev/null)" = "$BENCH_ENGINE" ] ||
    { echo "target/quarkus-app was not built for $BENCH_ENGINE; drop BENCH_SKIP_BUILD" >&2; exit 1; }
}

app_start() {
  if ss -ltn "sport = :$APP_PORT" | grep -q LISTEN; then
    echo "port $APP_PORT is in use; choose another port" >&2
    exit 1
  fi
  # A fresh machine has no benchmark database yet (the app migrates it).
  bench_create_db
  APP_TOKEN="bench-bootstrap-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "starting the app on 127.0.0.1:$APP_PORT (log: $APP_LOG) ..." >&2
  env MAILPLANE_DB_URL=$DB_URL MAILPLANE_BOOTSTRAP_TOKEN=$APP_TOKEN MAILPLANE_HTTP_PORT=$APP_PORT \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CONSOLE_JSON_ENABLED=false "${APP_ENV[@]}" \
    java "${APP_JAVA_OPTS[@]}" -jar "${APP_JAR:-target/quarkus-app/quarkus-run.jar}" >"$APP_LOG" 2>&1 &
  APP_PID=$!
  trap app_stop EXIT
  local ready=${APP_READY_SECONDS:-60}
  for i in $(seq 1 "$ready"); do
    if curl -fsS "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$APP_PID" 2>/dev/null; then echo "the app died; see $APP_LOG" >&2; exit 1; fi
    if [ "$i" = "$ready" ]; then echo "the app did not become ready in $ready s" >&2; exit 1; fi
    sleep 1
  done
  echo "app ready (pid $APP_PID)" >&2
}

app_stop() {
  if [ -n "${APP_PID:-}" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"
    for _ in $(seq 1 30); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done
    kill -0 "$APP_PID" 2>/dev/null && kill -9 "$APP_PID"
  fi
  return 0
}

old_app_start() {
  OLD_PORT=$((APP_PORT + 1))
  env MAILPLANE_DB_URL=$DB_URL MAILPLANE_BOOTSTRAP_TOKEN=$APP_TOKEN MAILPLANE_HTTP_PORT=$OLD_PORT \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CONSOLE_JSON_ENABLED=false \
    java "$@" -jar "$OLD_APP/quarkus-run.jar" >"$OUT/old-app.log" 2>&1 &
  OLD_PID=$!
  trap 'kill $OLD_PID 2>/dev/null; app_stop' EXIT
  for _ in $(seq 1 "${APP_READY_SECONDS:-120}"); do
    curl -fsS "http://127.0.0.1:$OLD_PORT/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$OLD_PID" 2>/dev/null || { echo "the old app died; see $OUT/old-app.log" >&2; exit 1; }
    sleep 1
  done
}

# Markdown lines: date, machine, load, java, database, git.
bench_header() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GB RAM"
  echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- java: $(java -version 2>&1 | head -1); $(bench_db_version)"
  echo "- git: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src modified)')"
}

# The mariadb client jar from the local Maven repository (the build put it there), for the
# benchmarks that run on MariaDB only.
mariadb_jar() {
  ls ~/.m2/repository/org/mariadb/jdbc/mariadb-java-client/*/mariadb-java-client-*.jar \
    | grep -v sources | sort -V | tail -1
}
