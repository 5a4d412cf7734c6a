#!/usr/bin/env bash
# Moves the seed admin's data (jeboehm/mailserver-admin tables in the seed's database) into
# mailplane through its API (docs/operations.md "Migrating from the seed's admin").
#
#   SEED_MYSQL="mysql -h 127.0.0.1 -u root -pSECRET mailserver" \
#   MAILPLANE_URL=http://127.0.0.1:8080 MAILPLANE_TOKEN=... deploy/migrate/seed-import.sh [--apply]
#
# Without --apply it prints the plan (what :apply would change) and changes nothing. With --apply:
# domains, mailboxes (bcrypt hashes kept: passwords keep working) and aliases in one transaction
# (prune=false: nothing already in mailplane is deleted), then DKIM keys imported with their
# selectors (DNS stays valid), then fetchmail accounts (when the API has them; run once:
# accounts are created, not matched).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${SEED_MYSQL:?e.g. mysql -h db -u root -pSECRET mailserver}"
: "${MAILPLANE_URL:?e.g. http://127.0.0.1:8080}"
: "${MAILPLANE_TOKEN:?an admin token}"
apply=false
[ "${1:-}" = --apply ] && apply=true

api() { # method path [curl args...]: prints the body, fails on >= 400
  local method=$1 path=$2
  shift 2
  curl -sS --fail-with-body -X "$method" -H "Authorization: Bearer $MAILPLANE_TOKEN" \
    "$MAILPLANE_URL/api/v1$path" "$@"
}
query() { $SEED_MYSQL -N -B --raw <"$here/$1"; }

document=$(query seed-config.sql)
echo "$document" | jq -e . >/dev/null
plan=$(api POST '/config:plan?prune=false' -H 'Content-Type: application/json' --data-binary "$document")
echo "plan: $(echo "$plan" | jq -c '[.changes[] | "\(.action) \(.resource) \(.key)"]')"
if ! $apply; then
  echo "dry run: nothing changed (add --apply)"
  exit 0
fi
api POST '/config:apply?prune=false' -H 'Content-Type: application/json' \
  --data-binary "$document" | jq -c '{revision, changes: (.changes | length)}'

query seed-dkim.sql | while IFS= read -r line; do
  domain=$(echo "$line" | jq -r .domain)
  echo "$line" | jq -c .body |
    api PUT "/domains/$domain/dkim" -H 'Content-Type: application/json' --data-binary @- |
    jq -c '{domain, selector}'
done

if api GET '/fetchmail-accounts?limit=1' -o /dev/null 2>/dev/null; then
  query seed-fetchmail.sql | while IFS= read -r line; do
    echo "$line" |
      api POST /fetchmail-accounts -H 'Content-Type: application/json' --data-binary @- |
      jq -c '{id, mailbox, host}'
  done
else
  echo "fetchmail accounts skipped: this mailplane has no /api/v1/fetchmail-accounts"
fi
