#!/usr/bin/env bash
# The Postfix lookups on PostgreSQL: each deploy/mta/sql query (and Dovecot's passdb/userdb) sent
# as plain text (pgbench -M simple, as Postfix's dict_pgsql and Dovecot send them), random keys
# over the database bench/pg-explain.sh seeded (run that first; same PG_* variables), then
# `postmap -q … pgsql:` end to end for a sample of keys.
#
#   bench/pg-lookups.sh                 # ~3 min: 15 s per query at 1 client, 300 postmaps per map
#   PG_LOOKUPS_SECONDS=30 PG_LOOKUPS_CLIENTS=4 bench/pg-lookups.sh
#
# Keys: mailbox keys u<1..M>@d<1..D> (every 50th is send-only) for the address maps, domain names
# d<1..D> for virtual-mailbox-domains. Results: target/bench/pg-lookups.md.
#
# Side by side with MariaDB: LOOKUPS_MARIADB_DB=<db> (root on 127.0.0.1:3306, or MARIADB_USER)
# creates that database from mailplane's MariaDB migrations, fills it by SQL with the same rows as
# the PostgreSQL one (MariaDB's sequence engine), and runs the same postmap keys against it with
# `mysql:` maps, in the same run (LOOKUPS_MARIADB_REUSE=1 keeps an already filled one).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=pg-env.sh
. "$REPO/bench/pg-env.sh"
SECONDS_PER=${PG_LOOKUPS_SECONDS:-15}
CLIENTS=${PG_LOOKUPS_CLIENTS:-1}
POSTMAPS=${PG_LOOKUPS_POSTMAPS:-300}
OUT=$REPO/target/bench/pg-lookups.md
WORK=$REPO/target/bench/pg-lookups
mkdir -p "$WORK"
chmod 700 "$WORK"
psql_db() { psql -X -q -At -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB" "$@"; }
D=$(psql_db -c 'SELECT count(*) FROM domain')
M=$(psql_db -c 'SELECT max(c) FROM (SELECT count(*) c FROM mailbox GROUP BY domain_id) x')

# The key as a SQL expression of pgbench's random :u and :d (constants once substituted).
ADDRESS="'u' || lpad(:u::text, 6, '0') || '@d' || lpad(:d::text, 4, '0') || '.bench.example.org'"
LOCAL="'u' || lpad(:u::text, 6, '0')"
DOMAIN="'d' || lpad(:d::text, 4, '0') || '.bench.example.org'"
script() { # name sql-with-%s/%u/%d
  local sql=$2
  sql=${sql//\'%s\'/($ADDRESS)}
  sql=${sql//\'%u\'/($LOCAL)}
  sql=${sql//\'%d\'/($DOMAIN)}
  printf '\\set u random(1, %s)\n\\set d random(1, %s)\n%s;\n' "$M" "$D" "$sql" >"$WORK/$1.sql"
}
for map in virtual-mailbox-maps virtual-alias-maps email2email email-submission recipient-access; do
  script "$map" "$(sed 's/^query = //' "$REPO/deploy/mta/sql/$map.query")"
done
domains=$(sed 's/^query = //' "$REPO/deploy/mta/sql/virtual-mailbox-domains.query")
script virtual-mailbox-domains "${domains//\'%s\'/\'%d\'}"
conf=$REPO/deploy/mda/dovecot-sql.conf.ext
script dovecot-passdb "$(sed -n 's/^password_query = //p' "$conf" | sed "s/'%s'/'imap'/")"
script dovecot-userdb "$(sed -n 's/^user_query = //p' "$conf")"

{
  echo "## PostgreSQL lookups at $D x $M mailboxes ($(date -u '+%F %H:%M') UTC)"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average before: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psql_db -c 'SHOW server_version'), shared_buffers $(psql_db -c 'SHOW shared_buffers')."
  echo "Command: \`bench/pg-lookups.sh\` (pgbench -M simple, $CLIENTS client(s), $SECONDS_PER s per query; postmap: $POSTMAPS keys per map)."
  echo
  echo "| query | queries/s | latency avg ms | postmap -q avg ms |"
  echo "|---|---|---|---|"
} >"$OUT"

postmap_dir=$WORK/postfix
mkdir -p "$postmap_dir"
printf 'compatibility_level = 3.6\n' >"$postmap_dir/main.cf"
for name in virtual-mailbox-domains virtual-mailbox-maps virtual-alias-maps email2email email-submission recipient-access dovecot-passdb dovecot-userdb; do
  result=$(pgbench -n -M simple -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_PER" -f "$WORK/$name.sql" \
    -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB" 2>&1)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$result" | head -1)
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$result")
  per_postmap=-
  if [ -f "$REPO/deploy/mta/sql/$name.query" ]; then
    { echo "user = $PG_USER"; echo "hosts = $PG_HOST:$PG_PORT"; echo "dbname = $DB"
      cat "$REPO/deploy/mta/sql/$name.query"; } >"$WORK/$name.cf"
    start=$(date +%s%N)
    for i in $(seq 1 "$POSTMAPS"); do
      d=$(( (i * 7919) % D + 1 )); u=$(( (i * 104729) % M + 1 ))
      if [ "$name" = virtual-mailbox-domains ]; then key=$(printf 'd%04d.bench.example.org' "$d")
      else key=$(printf 'u%06d@d%04d.bench.example.org' "$u" "$d"); fi
      postmap -c "$postmap_dir" -q "$key" "pgsql:$WORK/$name.cf" >/dev/null || true
    done
    per_postmap=$(( ($(date +%s%N) - start) / POSTMAPS / 10000 ))
    per_postmap=$(printf '%d.%02d' $((per_postmap / 100)) $((per_postmap % 100)))
  fi
  echo "| $name | ${tps:-?} | ${lat:-?} | $per_postmap |" >>"$OUT"
done
if [ -n "${LOOKUPS_MARIADB_DB:-}" ]; then
  MDB=$LOOKUPS_MARIADB_DB
  my() { mariadb -h 127.0.0.1 -P 3306 -u "${MARIADB_USER:-root}" "$@"; }
  if [ -z "${LOOKUPS_MARIADB_REUSE:-}" ]; then
    my -e "DROP DATABASE IF EXISTS \`$MDB\`; CREATE DATABASE \`$MDB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    for f in $(for f in "$REPO"/src/main/resources/db/migration/{common,mariadb,mariadb-h2}/V*.sql; do
      echo "$(basename "$f" | sed -E 's/^V([0-9_]+)__.*/\1/') $f"; done | sort -t' ' -k1,1V | cut -d' ' -f2); do
      my "$MDB" <"$f"
    done
    started=$(date +%s)
    my "$MDB" <<SQL
SET SESSION foreign_key_checks = 0, unique_checks = 0;
INSERT INTO domain (id, name, enabled, version, created_at, updated_at)
  SELECT d.seq, CONCAT('d', LPAD(d.seq, 4, '0'), '.bench.example.org'), TRUE, 0, NOW(6), NOW(6)
    FROM seq_1_to_${D} d;
INSERT INTO mailbox (id, domain_id, local_part, address, display_name, password_hash, quota_mb,
                     enabled, send_only, version, created_at, updated_at)
  SELECT (d.seq - 1) * $M + u.seq, d.seq, CONCAT('u', LPAD(u.seq, 6, '0')),
         CONCAT('u', LPAD(u.seq, 6, '0'), '@d', LPAD(d.seq, 4, '0'), '.bench.example.org'),
         CONCAT('User ', u.seq), '\$2y\$04\$abcdefghijklmnopqrstuu5u1oPqGq1Gm4JxVd4mP7w6T7bCkQhqW', 1024,
         TRUE, u.seq % 50 = 0, 0, NOW(6), NOW(6)
    FROM seq_1_to_${D} d, seq_1_to_${M} u;
INSERT INTO alias (id, domain_id, local_part, address, enabled, version, created_at, updated_at)
  SELECT (d.seq - 1) * ($M + 1) + a.seq + 1, d.seq, CONCAT('a', LPAD(a.seq, 6, '0')),
         CONCAT('a', LPAD(a.seq, 6, '0'), '@d', LPAD(d.seq, 4, '0'), '.bench.example.org'),
         TRUE, 0, NOW(6), NOW(6)
    FROM seq_1_to_${D} d, seq_1_to_${M} a;
INSERT INTO alias (id, domain_id, local_part, address, enabled, version, created_at, updated_at)
  SELECT (d.seq - 1) * ($M + 1) + 1, d.seq, '', CONCAT('@d', LPAD(d.seq, 4, '0'), '.bench.example.org'),
         TRUE, 0, NOW(6), NOW(6)
    FROM seq_1_to_${D} d WHERE (d.seq - 1) % 4 = 0;
INSERT INTO alias_destination (alias_id, position, destination)
  SELECT a.id, 0, CONCAT('u', LPAD(1 + (COALESCE(NULLIF(SUBSTRING(a.local_part, 2), ''), 1) - 1) % $M, 6, '0'),
                         '@', SUBSTRING(a.address, POSITION('@' IN a.address) + 1))
    FROM alias a;
INSERT INTO alias_destination (alias_id, position, destination)
  SELECT a.id, 1, CONCAT('ext', SUBSTRING(a.local_part, 2), '@elsewhere.example')
    FROM alias a WHERE a.local_part <> '' AND SUBSTRING(a.local_part, 2) % 2 = 0;
INSERT INTO alias_domain (id, name, target_domain_id, enabled, version, created_at, updated_at)
  SELECT k.seq, CONCAT('ad', LPAD(k.seq, 4, '0'), '.bench.example.net'),
         1 + (k.seq - 1) * $D DIV GREATEST(2, $D DIV 100), TRUE, 0, NOW(6), NOW(6)
    FROM seq_1_to_$(( D / 100 > 2 ? D / 100 : 2 )) k;
ANALYZE TABLE domain, alias_domain, mailbox, alias, alias_destination;
SQL
    echo "MariaDB $MDB filled in $(($(date +%s) - started)) s" >&2
  fi
  {
    echo
    echo "Side by side, the same $POSTMAPS keys per map through \`postmap -q\` (spawn + connect + query), same run:"
    echo
    echo "| map | PostgreSQL pgsql: avg ms | MariaDB $(my -N -e 'SELECT VERSION()' | cut -d- -f1) mysql: avg ms |"
    echo "|---|---|---|"
  } >>"$OUT"
  for name in virtual-mailbox-domains virtual-mailbox-maps virtual-alias-maps email2email email-submission recipient-access; do
    { echo "user = ${MARIADB_USER:-root}"; echo "password ="; echo "hosts = 127.0.0.1:3306"; echo "dbname = $MDB"
      cat "$REPO/deploy/mta/sql/$name.query"; } >"$WORK/$name-mysql.cf"
    row="| $name"
    : >"$WORK/$name-pgsql.answers"
    : >"$WORK/$name-mysql.answers"
    for cf in "pgsql:$WORK/$name.cf" "mysql:$WORK/$name-mysql.cf"; do
      start=$(date +%s%N)
      for i in $(seq 1 "$POSTMAPS"); do
        d=$(( (i * 7919) % D + 1 )); u=$(( (i * 104729) % M + 1 ))
        if [ "$name" = virtual-mailbox-domains ]; then key=$(printf 'd%04d.bench.example.org' "$d")
        else key=$(printf 'u%06d@d%04d.bench.example.org' "$u" "$d"); fi
        answer=$(postmap -c "$postmap_dir" -q "$key" "$cf" 2>&1) || true
        [ -z "$answer" ] || echo "$answer" >>"$WORK/$name-${cf%%:*}.answers"
      done
      t=$(( ($(date +%s%N) - start) / POSTMAPS / 10000 ))
      row="$row | $(printf '%d.%02d' $((t / 100)) $((t % 100)))"
    done
    if cmp -s "$WORK/$name-pgsql.answers" "$WORK/$name-mysql.answers"; then row="$row |"; else row="$row (answers differ!) |"; fi
    echo "$row" >>"$OUT"
    rm -f "$WORK/$name-pgsql.answers" "$WORK/$name-mysql.answers"
  done
fi
echo >>"$OUT"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$OUT"
cat "$OUT"
