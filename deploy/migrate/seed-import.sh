#!/usr/bin/env bash
# Imports the seed admin's database (jeboehm/mailserver-admin) into mailplane through
# POST /api/v1/imports, waits for the job and prints what it did (docs/operations.md "Migrating
# from the seed's admin"). Without --apply it only plans. Repeatable: every run converges.
#
#   SEED_URL=jdbc:mariadb://db:3306/mailserver SEED_USER=mailserver SEED_PASSWORD=... \
#   MAILPLANE_URL=http://127.0.0.1:8080 MAILPLANE_TOKEN=... deploy/migrate/seed-import.sh \
#     [--apply] [--no-login-empty-passwords] [--strip-trailing-dots] [--enable-fetchmail]
#
# SEED_URL is resolved by mailplane (compose: the service name `db`), not by this script. The
# seed's password goes from the environment into the request body, never onto a command line.
# Exit status: 0 done (or a complete plan), 1 the job failed or an object failed, 2 usage.
set -euo pipefail
: "${SEED_URL:?e.g. jdbc:mariadb://db:3306/mailserver}"
: "${SEED_USER:?the seed database user}"
: "${MAILPLANE_URL:?e.g. http://127.0.0.1:8080}"
: "${MAILPLANE_TOKEN:?an admin token}"
export SEED_URL SEED_USER SEED_PASSWORD="${SEED_PASSWORD:-}"
dry=true empty=skip dots=skip fetchmail=false
for arg in "$@"; do
  case $arg in
    --apply) dry=false ;;
    --no-login-empty-passwords) empty=no-login ;;
    --strip-trailing-dots) dots=strip ;;
    --enable-fetchmail) fetchmail=true ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

api() { # method path [curl args...]: the body on stdout; a problem+json is printed and fails
  local method=$1 path=$2 out status
  shift 2
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" \
    -H "Authorization: Bearer $MAILPLANE_TOKEN" -H 'Content-Type: application/json' \
    "$MAILPLANE_URL/api/v1$path" "$@")
  if [ "$status" -ge 400 ]; then
    echo "HTTP $status: $(jq -c '{detail, errors}' "$out" 2>/dev/null || cat "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}

job=$(jq -n --argjson dry "$dry" --arg empty "$empty" --arg dots "$dots" \
  --argjson fetchmail "$fetchmail" \
  '{source: {url: env.SEED_URL, username: env.SEED_USER, password: env.SEED_PASSWORD},
    dryRun: $dry, options: {emptyPasswords: $empty, trailingDots: $dots,
    enableFetchmail: $fetchmail}}' | api POST /imports --data-binary @-)
id=$(echo "$job" | jq -r .id)
echo "import $id started ($([ "$dry" = true ] && echo 'dry run: plan only' || echo 'apply'))"
while :; do
  job=$(api GET "/imports/$id")
  [ "$(echo "$job" | jq -r .finished)" = true ] && break
  sleep 2
done
echo "$job" | jq -c '{state, failure, counts}'
after=""
while :; do
  page=$(api GET "/imports/$id/items?limit=1000${after:+&after=$after}")
  echo "$page" | jq -r '.items[]
    | select(.action != "create" and .action != "update" and .action != "unchanged"
             or .outcome == "failed")
    | "\(.outcome)\t\(.action)\t\(.kind)\t\(.key)\t\(.seedRow // "")\t\(.reason // "")"
      + (if .problem then "\t" + .problem.detail else "" end)'
  after=$(echo "$page" | jq -r '.next // empty')
  [ -z "$after" ] && break
done
state=$(echo "$job" | jq -r .state)
[ "$state" = done ] || [ "$state" = plan ]
