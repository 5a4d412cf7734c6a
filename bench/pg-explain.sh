#!/usr/bin/env bash
# EXPLAIN on PostgreSQL of every daemon query (deploy/mta/sql/*.query, Dovecot's passdb/userdb/
# iterate for 2.3 from deploy/mda/dovecot-sql.conf.ext and for 2.4 from deploy/mda/conf.d/
# 10-auth.conf) and every list query of the API, at D x M mailboxes (default 1000 x 1000 = 1M), as
# bench/lookups.sh shows them for MariaDB.
#
#   bench/pg-explain.sh                       # ~3-6 min: recreates $PG_EXPLAIN_DB, seeds, EXPLAINs
#   PG_EXPLAIN_SIZE=10x100 bench/pg-explain.sh
#   PG_EXPLAIN_REUSE=1 bench/pg-explain.sh    # EXPLAIN again without recreating and seeding (also
#                                             # a database bench/run.sh seeded: the same layout)
#
# The database is created from mailplane's own migrations (db/migration/common + postgresql, in
# Flyway's version order) and filled by SQL (generate_series) with Seed.java's layout: D domains
# d0001.bench.example.org × M mailboxes u000001@… (every 50th send-only), M aliases per domain
# (a000001@…, odd: 1 destination, even: 2, one external), a catch-all on every 4th domain,
# max(2, D/100) alias domains ad0001.bench.example.net; then ANALYZE. Each plan is printed and
# judged: a sequential scan of any table fails the run (exit 1), unless that table fits in 8 pages
# (64 kB: the 10 alias domains at 1M, and the tables the seeding leaves empty: tokens, audit log,
# fetchmail, imports, certificates), where a sequential read is the planner's right choice; then
# the query is planned again with enable_seqscan=off and must use an index there.
# Results: target/bench/pg-explain.md.
# Needs psql and a PostgreSQL at PG_HOST:PG_PORT where PG_USER may create databases.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=pg-env.sh
. "$REPO/bench/pg-env.sh"
SIZE=${PG_EXPLAIN_SIZE:-1000x1000}
D=${SIZE%x*}
M=${SIZE#*x}
OUT=$REPO/target/bench/pg-explain.md
mkdir -p "$(dirname "$OUT")"
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }

start=$(date +%s)
if [ -z "${PG_EXPLAIN_REUSE:-}" ]; then
psql_db -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
migrations=$(for f in "$REPO"/src/main/resources/db/migration/{common,postgresql}/V*.sql; do
  v=$(basename "$f" | sed -E 's/^V([0-9_]+)__.*/\1/')
  echo "$v $f"
done | sort -t' ' -k1,1V | cut -d' ' -f2)
for f in $migrations; do psql_db -d "$DB" -f "$f" >/dev/null; done

psql_db -d "$DB" <<SQL
INSERT INTO domain (id, name, enabled, version, created_at, updated_at)
  SELECT d, format('d%s.bench.example.org', lpad(d::text, 4, '0')), TRUE, 0, now(), now()
    FROM generate_series(1, $D) d;
INSERT INTO mailbox (id, domain_id, local_part, address, display_name, password_hash, quota_mb,
                     enabled, send_only, version, created_at, updated_at)
  SELECT (d - 1) * $M + u, d, format('u%s', lpad(u::text, 6, '0')),
         format('u%s@d%s.bench.example.org', lpad(u::text, 6, '0'), lpad(d::text, 4, '0')),
         'User ' || u, '\$2y\$04\$abcdefghijklmnopqrstuu5u1oPqGq1Gm4JxVd4mP7w6T7bCkQhqW', 1024,
         TRUE, u % 50 = 0, 0, now(), now()
    FROM generate_series(1, $D) d, generate_series(1, $M) u;
INSERT INTO alias (id, domain_id, local_part, address, enabled, version, created_at, updated_at)
  SELECT (d - 1) * ($M + 1) + a + 1, d, format('a%s', lpad(a::text, 6, '0')),
         format('a%s@d%s.bench.example.org', lpad(a::text, 6, '0'), lpad(d::text, 4, '0')),
         TRUE, 0, now(), now()
    FROM generate_series(1, $D) d, generate_series(1, $M) a;
INSERT INTO alias (id, domain_id, local_part, address, enabled, version, created_at, updated_at)
  SELECT (d - 1) * ($M + 1) + 1, d, '', format('@d%s.bench.example.org', lpad(d::text, 4, '0')),
         TRUE, 0, now(), now()
    FROM generate_series(1, $D) d WHERE (d - 1) % 4 = 0;
INSERT INTO alias_destination (alias_id, position, destination)
  SELECT a.id, 0, format('u%s@%s', lpad((1 + (coalesce(nullif(substr(a.local_part, 2), '')::int, 1) - 1) % $M)::text, 6, '0'),
                         substr(a.address, position('@' IN a.address) + 1))
    FROM alias a;
INSERT INTO alias_destination (alias_id, position, destination)
  SELECT a.id, 1, format('ext%s@elsewhere.example', substr(a.local_part, 2))
    FROM alias a WHERE nullif(substr(a.local_part, 2), '')::int % 2 = 0;
INSERT INTO alias_domain (id, name, target_domain_id, enabled, version, created_at, updated_at)
  SELECT k, format('ad%s.bench.example.net', lpad(k::text, 4, '0')),
         1 + ((k - 1) * $D / greatest(2, $D / 100)), TRUE, 0, now(), now()
    FROM generate_series(1, greatest(2, $D / 100)) k;
ANALYZE;
SQL
fi
seeded=$(($(date +%s) - start))

# One key of each kind, at the middle of the data.
mid=$(printf 'd%04d.bench.example.org' $(((D + 1) / 2)))
catchall=d0001.bench.example.org
aliasdom=ad0001.bench.example.net
declare -a KEYS=(
  "mailbox|u000002@$mid"
  "send-only mailbox|u000050@$mid"
  "alias|a000002@$mid"
  "catch-all key|@$catchall"
  "unknown at catch-all domain|nobody@$catchall"
  "alias-domain address|u000002@$aliasdom"
  "alias-domain alias|a000002@$aliasdom"
  "miss|nobody@nowhere.example"
)
declare -a DOMAIN_KEYS=("domain|$mid" "alias domain|$aliasdom" "unknown domain|nowhere.example")

failed=0
report() { printf '%s\n' "$@" >>"$OUT"; }
# EXPLAIN (ANALYZE: the plan PostgreSQL really ran, with its row counts) of one query text.
explain() { # title sql [full: reading everything is the query's job]
  local plan
  plan=$(psql_db -d "$DB" -At -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $2")
  local verdict=index
  if [ "${3:-}" = full ]; then
    verdict="full read (expected)"
  else
    local table pages small=
    for table in $(grep -Eo 'Seq Scan on [a-z_]+' <<<"$plan" | awk '{print $4}' | sort -u); do
      pages=$(psql_db -d "$DB" -At -c "SELECT relpages FROM pg_class WHERE relname = '$table'")
      if [ "$pages" -le 8 ]; then
        small="$small $table ($pages pages)"
      else
        verdict="SEQ SCAN on $table ($pages pages)"
        failed=1
      fi
    done
    if [ "$verdict" = index ] && [ -n "$small" ]; then
      if psql_db -d "$DB" -At -c "SET enable_seqscan = off" -c "EXPLAIN (COSTS OFF) $2" | grep -q 'Seq Scan'; then
        verdict="SEQ SCAN even with enable_seqscan=off"
        failed=1
      else
        verdict="index (sequential read of the small${small}: the planner's choice; with enable_seqscan=off every table is read by an index)"
      fi
    fi
  fi
  report "" "**$1** — $verdict" "" '```' "$plan" '```'
}
sql_quote() { sed "s/'/''/g" <<<"$1"; }
# The text Postfix sends: %s the key, %u its local part, %d its domain, %% a literal %.
postfix_query() { # query key
  local key=$1 q=$2 local_part domain
  local_part=${key%@*}
  domain=${key#*@}
  q=${q//%s/$(sql_quote "$key")}
  q=${q//%u/$(sql_quote "$local_part")}
  q=${q//%d/$(sql_quote "$domain")}
  printf '%s' "${q//%%/%}"
}

: >"$OUT"
report "## PostgreSQL EXPLAIN at ${D} x ${M} mailboxes ($(date -u +%F), $(psql_db -d "$DB" -At -c 'SHOW server_version'))" ""
report "Seeded in ${seeded} s: $(psql_db -d "$DB" -At -F ' ' -c "SELECT (SELECT count(*) FROM mailbox) || ' mailboxes, ' || (SELECT count(*) FROM alias) || ' aliases, ' || (SELECT count(*) FROM alias_destination) || ' destinations, ' || (SELECT count(*) FROM alias_domain) || ' alias domains'")."

report "" "### Postfix (deploy/mta/sql)"
for map in virtual-mailbox-domains virtual-mailbox-maps virtual-alias-maps email2email email-submission recipient-access; do
  query=$(sed 's/^query = //' "$REPO/deploy/mta/sql/$map.query")
  if [ "$map" = virtual-mailbox-domains ]; then keys=("${DOMAIN_KEYS[@]}"); else keys=("${KEYS[@]}"); fi
  for entry in "${keys[@]}"; do
    kind=${entry%%|*}
    key=${entry#*|}
    explain "$map, $kind ($key)" "$(postfix_query "$key" "$query")"
  done
done

report "" "### Dovecot (deploy/mda/dovecot-sql.conf.ext; conf.d/10-auth.conf has the same SQL)"
conf=$REPO/deploy/mda/dovecot-sql.conf.ext
user=u000002@$mid
dovecot() { sed -n "s/^$1 = //p" "$conf" | sed "s/%u/$user/g; s/%s/imap/g"; }
explain "password_query ($user, imap)" "$(dovecot password_query)"
explain "user_query ($user)" "$(dovecot user_query)"
explain "iterate_query (every mailbox: a full read is its job)" "$(dovecot iterate_query)" full

report "" "### Dovecot 2.4 (deploy/mda/conf.d/10-auth.conf)"
conf24=$REPO/deploy/mda/conf.d/10-auth.conf
dovecot24() { sed -n "s/^ *$1 = //p" "$conf24" | sed "s/%{user}/$user/g; s/%{protocol}/imap/g"; }
explain "passdb query ($user, imap)" "$(dovecot24 query | sed -n 1p)"
explain "userdb query ($user)" "$(dovecot24 query | sed -n 2p)"
explain "userdb iterate_query (every mailbox: a full read is its job)" "$(dovecot24 iterate_query)" full

report "" "### API list pages (the SQL Hibernate sends for MailboxService/AliasService/DomainService.list, limit 51)"
did=$(((D + 1) / 2))
explain "mailboxes, first page" "SELECT * FROM mailbox m ORDER BY m.address LIMIT 51"
explain "mailboxes, ?after=" "SELECT * FROM mailbox m WHERE m.address > 'u000500@$mid' ORDER BY m.address LIMIT 51"
explain "mailboxes, ?domain=" "SELECT * FROM mailbox m WHERE m.domain_id = $did ORDER BY m.address LIMIT 51"
explain "mailboxes, ?domain= &after=" "SELECT * FROM mailbox m WHERE m.address > 'u000500@$mid' AND m.domain_id = $did ORDER BY m.address LIMIT 51"
explain "mailboxes, ?prefix=" "SELECT * FROM mailbox m WHERE m.address LIKE 'u00050%' ESCAPE '!' ORDER BY m.address LIMIT 51"
explain "mailboxes, domain-scoped token" "SELECT * FROM mailbox m WHERE m.domain_id IN ($did, $((did + 1))) ORDER BY m.address LIMIT 51"
explain "aliases, ?after=" "SELECT * FROM alias a WHERE a.address > 'a000500@$mid' ORDER BY a.address LIMIT 51"
explain "aliases, ?domain=" "SELECT * FROM alias a WHERE a.domain_id = $did ORDER BY a.address LIMIT 51"
explain "domains, ?after=" "SELECT * FROM domain WHERE name > '$mid' ORDER BY name LIMIT 51"
explain "alias domains, ?after=" "SELECT * FROM alias_domain a WHERE a.name > 'ad0001' ORDER BY a.name LIMIT 51"
explain "mailbox GET" "SELECT * FROM mailbox m WHERE m.address = 'u000002@$mid'"
explain "alias domains, ?domain= (target)" "SELECT * FROM alias_domain a WHERE a.target_domain_id = $did ORDER BY a.name LIMIT 51"
# The lists whose tables the seeding leaves empty or small (judged with enable_seqscan=off).
explain "fetchmail accounts, first page" "SELECT * FROM fetchmail_account a JOIN mailbox m ON m.id = a.mailbox_id ORDER BY a.id LIMIT 51"
explain "fetchmail accounts, ?mailbox=" "SELECT * FROM fetchmail_account a JOIN mailbox m ON m.id = a.mailbox_id WHERE m.address = 'u000002@$mid' ORDER BY a.id LIMIT 51"
explain "fetchmail accounts, ?domain=" "SELECT * FROM fetchmail_account a JOIN mailbox m ON m.id = a.mailbox_id WHERE m.domain_id = $did ORDER BY a.id LIMIT 51"
explain "audit log, first page" "SELECT * FROM audit_event ORDER BY id DESC LIMIT 51"
explain "audit log, ?domain= &after=" "SELECT * FROM audit_event WHERE id < 1000000 AND domain = '$mid' ORDER BY id DESC LIMIT 51"
explain "audit log, ?resourceType= &resourceKey=" "SELECT * FROM audit_event WHERE resource_type = 'MAILBOX' AND resource_key = 'u000002@$mid' ORDER BY id DESC LIMIT 51"
explain "change feed (GET /events?after=)" "SELECT revision, resource_type, resource_key, action, domain, occurred_at FROM audit_event WHERE revision > 1000 ORDER BY revision LIMIT 100"
explain "change feed, domain-scoped token" "SELECT revision, resource_type, resource_key, action, domain, occurred_at FROM audit_event WHERE revision > 1000 AND domain IN ('$mid') ORDER BY revision LIMIT 100"
explain "tokens, ?after=" "SELECT * FROM api_token WHERE id > 10 ORDER BY id LIMIT 51"
explain "certificates, ?after=" "SELECT * FROM certificate WHERE name > 'mail' ORDER BY name LIMIT 51"
explain "certificate orders, ?after=" "SELECT * FROM acme_order WHERE certificate_id = 1 AND id < 100 ORDER BY id DESC LIMIT 51"
explain "import items, ?after=" "SELECT * FROM import_item WHERE job_id = 1 AND id > 10 ORDER BY id LIMIT 51"

cat "$OUT"
[ "$failed" = 0 ] || { echo "a daemon or list query reads a table sequentially (see above)" >&2; exit 1; }
