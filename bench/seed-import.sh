#!/usr/bin/env bash
# Seed import at scale (docs/benchmarks.md "Seed import"): for each size N, builds a seed database
# with N mailboxes (the seed admin's own schema), then times, in one run and on the same rows:
#   raw   - plain SQL copying the seed's four tables into an empty copy of the schema
#   plan  - POST /api/v1/imports dry run until the plan is complete
#   apply - the import (every object through mailplane's services, chunks of one transaction)
#   again - a second import with nothing changed (the repeat run before cut-over; REPEAT=0 skips)
#
#   bench/seed-import.sh N [N ...]          e.g. bench/seed-import.sh 10000 100000
# Without MAILPLANE_URL the script builds the prod jar (BENCH_SKIP_BUILD=1: use the one in
# target/) and starts it per size on an emptied database of its own (BENCH_DB, default
# mailplane_bench; APP_PORT, default 18080), so every size imports into an empty mailplane.
# With MAILPLANE_URL and MAILPLANE_TOKEN it uses that running mailplane as it is.
# Env: MYSQL (a client with rights to create/drop SEED_DB, COPY_DB and BENCH_DB; default mysql
# -uroot -h127.0.0.1), SEED_DB / COPY_DB (default bench_seed / bench_seed_copy), SEED_URL (as
# mailplane reaches SEED_DB), SEED_USER / SEED_PASSWORD (mailplane's login there). Shape: N
# mailboxes in max(1, N/100) domains, N/10 aliases of two destinations, max(1, N/1000) fetchmail
# accounts, one DKIM key per domain; bcrypt hashes as the seed stores them. One result line per
# size, with the 1-minute load average before and after.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 N [N ...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mysql_cmd=${MYSQL:-mysql -uroot -h127.0.0.1}
seed=${SEED_DB:-bench_seed}
copy=${COPY_DB:-bench_seed_copy}
: "${SEED_URL:=jdbc:mariadb://127.0.0.1:3306/$seed}"
: "${SEED_USER:=mailplane}" "${SEED_PASSWORD:=mailplane}"
export SEED_URL SEED_USER SEED_PASSWORD
own_app=
if [ -z "${MAILPLANE_URL:-}" ]; then
  own_app=1
  APP_PORT=${APP_PORT:-18080}
  APP_LOG=${APP_LOG:-target/bench/seed-import-app.log}
  # DKIM keys and fetchmail passwords are stored encrypted: without a key they fail to import.
  APP_ENV=(MAILPLANE_CRYPTO_KEYS_BENCH="$(head -c 32 /dev/urandom | base64)" MAILPLANE_CRYPTO_ACTIVE_KEY=bench)
  APP_JAVA_OPTS=()
  mkdir -p "$(dirname "$APP_LOG")"
  # shellcheck source=app.sh
  . "$here/bench/app.sh"
  app_build
fi
: "${MAILPLANE_TOKEN:=}"
hash='$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2'
key=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)
schema=$(grep -v '^--' "$here/src/test/resources/seed/mailserver-admin-schema.sql")
work=$(mktemp -d)
load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc | awk '{printf "%.1f", $1}'; }

bench_one() {
n=$1
tag=b$(date +%s)
domains=$(( n / 100 > 0 ? n / 100 : 1 ))
fetch=$(( n / 1000 > 0 ? n / 1000 : 1 ))
load_before=$(load)
for db in "$seed" "$copy"; do
  $mysql_cmd -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
  echo "$schema" | $mysql_cmd "$db"
done
awk -v n="$n" -v d="$domains" -v f="$fetch" -v tag="$tag" -v hash="$hash" -v key="$key" '
BEGIN {
  gsub(/\n/, "\\n", key)
  for (i = 1; i <= d; i++)
    printf "INSERT INTO mail_domains VALUES (%d, \"%s-%d.example\", 1, \"dkim\", \"%s\");\n", i, tag, i, key
  for (i = 1; i <= n; i++) {
    if (i % 1000 == 1) printf "INSERT INTO mail_users (id, name, password, admin, domain_admin, enabled, send_only, quota, domain_id) VALUES "
    printf "(%d, \"user%d\", \"%s\", 0, 0, 1, 0, 1024, %d)%s", i, i, hash, (i - 1) % d + 1, (i % 1000 == 0 || i == n) ? ";\n" : ","
  }
  a = int(n / 10)
  for (i = 1; i <= a; i++) {
    if (i % 1000 == 1) printf "INSERT INTO mail_aliases (name, destination, domain_id) VALUES "
    dom = (i - 1) % d + 1
    printf "(\"alias%d\", \"user%d@%s-%d.example\", %d), (\"alias%d\", \"ext%d@elsewhere.example\", %d)%s", i, i, tag, dom, dom, i, i, dom, (i % 1000 == 0 || i == a) ? ";\n" : ","
  }
  for (i = 1; i <= f; i++)
    printf "INSERT INTO fetchmail_accounts (config_host, config_protocol, config_port, config_username, config_password, config_ssl, config_verify_ssl, user_id) VALUES (\"pop.%s.example\", \"pop3\", 995, \"remote%d\", \"secret%d\", 1, 1, %d);\n", tag, i, i, i
}' > "$work/seed.sql"
$mysql_cmd "$seed" < "$work/seed.sql"

t0=$(now)
$mysql_cmd -e "SET FOREIGN_KEY_CHECKS = 0;
  INSERT INTO $copy.mail_domains SELECT * FROM $seed.mail_domains;
  INSERT INTO $copy.mail_users SELECT * FROM $seed.mail_users;
  INSERT INTO $copy.mail_aliases SELECT * FROM $seed.mail_aliases;
  INSERT INTO $copy.fetchmail_accounts SELECT * FROM $seed.fetchmail_accounts;"
raw=$(secs "$t0" "$(now)")

run() { # dryRun -> seconds; prints the counts to stderr
  local start id job
  start=$(now)
  id=$(jq -n --argjson dry "$1" '{source: {url: env.SEED_URL, username: env.SEED_USER,
      password: env.SEED_PASSWORD}, dryRun: $dry}' |
    curl -sS --fail-with-body -H "Authorization: Bearer $MAILPLANE_TOKEN" \
      -H 'Content-Type: application/json' --data-binary @- "$MAILPLANE_URL/api/v1/imports" | jq -r .id)
  while :; do
    job=$(curl -sS -H "Authorization: Bearer $MAILPLANE_TOKEN" "$MAILPLANE_URL/api/v1/imports/$id")
    [ "$(echo "$job" | jq -r .finished)" = true ] && break
    sleep 1
  done
  echo "$job" | jq -c '{id, state, counts}' >&2
  secs "$start" "$(now)"
}
if [ -n "$own_app" ]; then
  $mysql_cmd -e "DROP DATABASE IF EXISTS $BENCH_DB"
  app_start
  trap 'rm -rf "$work"; app_stop' EXIT
  MAILPLANE_URL=http://127.0.0.1:$APP_PORT
  MAILPLANE_TOKEN=$APP_TOKEN
fi
plan=$(run true)
apply=$(run false)
again=-
[ "${REPEAT:-1}" = 0 ] || again=$(run false)
[ -z "$own_app" ] || app_stop
printf 'mailboxes=%d domains=%d aliases=%d fetchmail=%d raw_sql_copy_s=%s plan_s=%s import_s=%s repeat_s=%s load_before=%s load_after=%s\n' \
  "$n" "$domains" "$((n / 10))" "$fetch" "$raw" "$plan" "$apply" "$again" "$load_before" "$(load)"
$mysql_cmd -e "DROP DATABASE $copy"
}

trap 'rm -rf "$work"; [ -z "$own_app" ] || app_stop' EXIT
for size in "$@"; do
  bench_one "$size"
done
