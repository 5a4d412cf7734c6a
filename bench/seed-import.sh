#!/usr/bin/env bash
# Seed import at scale (docs/benchmarks.md "Seed import"): builds a seed database with N mailboxes
# (the seed admin's own schema), then times, in one run and on the same rows:
#   raw   - plain SQL copying the seed's four tables into an empty copy of the schema
#   plan  - POST /api/v1/imports dry run until the plan is complete
#   apply - the import (every object through mailplane's services, one transaction each)
#   again - a second import with nothing changed (the repeat run before cut-over)
#
#   bench/seed-import.sh N
# Env: MYSQL (a client with rights to create/drop SEED_DB and COPY_DB; default mysql -uroot
# -h127.0.0.1), SEED_DB / COPY_DB (default bench_seed / bench_seed_copy), SEED_URL (as mailplane
# reaches SEED_DB), SEED_USER / SEED_PASSWORD (mailplane's login there), MAILPLANE_URL,
# MAILPLANE_TOKEN. Shape: N mailboxes in max(1, N/100) domains, N/10 aliases of two destinations,
# max(1, N/1000) fetchmail accounts, one DKIM key per domain; bcrypt hashes as the seed stores them.
set -euo pipefail
n=${1:?number of mailboxes}
here=$(cd "$(dirname "$0")/.." && pwd)
mysql_cmd=${MYSQL:-mysql -uroot -h127.0.0.1}
seed=${SEED_DB:-bench_seed}
copy=${COPY_DB:-bench_seed_copy}
: "${SEED_URL:=jdbc:mariadb://127.0.0.1:3306/$seed}"
: "${SEED_USER:=mailplane}" "${SEED_PASSWORD:=mailplane}"
: "${MAILPLANE_URL:?}" "${MAILPLANE_TOKEN:?}"
export SEED_URL SEED_USER SEED_PASSWORD
tag=b$(date +%s)
domains=$(( n / 100 > 0 ? n / 100 : 1 ))
fetch=$(( n / 1000 > 0 ? n / 1000 : 1 ))
hash='$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2'
key=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)
schema=$(grep -v '^--' "$here/src/test/resources/seed/mailserver-admin-schema.sql")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc | awk '{printf "%.1f", $1}'; }

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
plan=$(run true)
apply=$(run false)
again=$(run false)
printf 'mailboxes=%d domains=%d aliases=%d fetchmail=%d raw_sql_copy_s=%s plan_s=%s import_s=%s repeat_s=%s\n' \
  "$n" "$domains" "$((n / 10))" "$fetch" "$raw" "$plan" "$apply" "$again"
$mysql_cmd -e "DROP DATABASE $copy"
