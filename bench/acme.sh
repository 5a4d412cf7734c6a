#!/usr/bin/env bash
# ACME issuance time: mailplane vs the reference client lego, same Pebble, same run.
# Needs deploy/local/acme-services.sh start (Pebble on 127.0.0.1:14000 validating HTTP-01 on port
# 5002 through pebble-challtestsrv). Both clients get one warm-up issuance that registers their
# account, then ACME_RUNS issuances of a one-name EC P-256 certificate each: lego first, then
# mailplane (both need port 5002, where Pebble validates, so they cannot interleave).
#   lego:      wall time of `lego run` (process start to certificate on disk)
#   mailplane: PUT /api/v1/certificates/<name> until GET shows status valid (polled every 20 ms)
#   bench/acme.sh        ACME_RUNS=10 ACME_PORT=18082 BENCH_SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${ACME_RUNS:-10}
APP_PORT=${ACME_PORT:-18082}
ACME_DIR=${MAILPLANE_ACME_DIR:-/var/tmp/mailplane-acme}
OUT=target/bench/acme
APP_LOG=$OUT/app.log
rm -rf "$OUT" && mkdir -p "$OUT/lego" "$OUT/tls"
mysql -h127.0.0.1 -uroot -e "CREATE DATABASE IF NOT EXISTS mailplane_bench" 2>/dev/null || true
. bench/app.sh
app_build
APP_JAVA_OPTS=(
  -Dmailplane.acme.trust-store="$ACME_DIR/ca.pem"
  -Dmailplane.acme.challenge-port=5002 -Dmailplane.acme.challenge-host=127.0.0.1
  -Dmailplane.crypto.keys.bench1=bWFpbHBsYW5lLWJlbmNoLWtleS0wMTIzNDU2Nzg5YWI=
  -Dmailplane.crypto.active-key=bench1
  -Dmailplane.tls.directory="$PWD/$OUT/tls"
)
SUFFIX=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')

now_ms() { echo $(($(date +%s%N) / 1000000)); }

lego_issue() { # name
  LEGO_CA_CERTIFICATES="$ACME_DIR/ca.pem" lego --server https://127.0.0.1:14000/dir \
    --http --http.port 127.0.0.1:5002 --email bench@acme.test --accept-tos --key-type ec256 \
    --path "$OUT/lego" --domains "$1.acme.test" run >>"$OUT/lego.log" 2>&1
}

mailplane_issue() { # name
  curl -fsS -o /dev/null -X PUT -H "$T" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$APP_PORT/api/v1/certificates/$1" -d "{\"domains\":[\"$1.acme.test\"],
      \"challenge\":\"http-01\",\"keyType\":\"ec-p256\",\"issuer\":{\"directoryUrl\":
      \"https://127.0.0.1:14000/dir\",\"contactEmail\":\"bench@acme.test\",\"termsAgreed\":true}}"
  for _ in $(seq 1 3000); do
    status=$(curl -fsS -H "$T" "http://127.0.0.1:$APP_PORT/api/v1/certificates/$1" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
    case $status in
      valid) return 0 ;;
      failed) echo "mailplane order for $1 failed" >&2; return 1 ;;
    esac
    sleep 0.02
  done
  return 1
}

: >"$OUT/times.tsv"
lego_issue "lego-warm-$SUFFIX"
for i in $(seq 1 "$RUNS"); do
  t0=$(now_ms); lego_issue "lego-$i-$SUFFIX"; t1=$(now_ms)
  echo -e "lego\t$((t1 - t0))" >>"$OUT/times.tsv"
done
app_start
T="Authorization: Bearer $APP_TOKEN"
mailplane_issue "mp-warm-$SUFFIX"
for i in $(seq 1 "$RUNS"); do
  t0=$(now_ms); mailplane_issue "mp-$i-$SUFFIX"; t1=$(now_ms)
  echo -e "mailplane\t$((t1 - t0))" >>"$OUT/times.tsv"
done
app_stop

stats() { # client
  awk -v c="$1" '$1 == c { print $2 }' "$OUT/times.tsv" | sort -n | awk '
    { v[NR] = $1; s += $1 } END { printf "%d\t%d\t%d\t%d", v[int((NR + 1) / 2)], s / NR, v[1], v[NR] }'
}
lego=$(stats lego)
mp=$(stats mailplane)
echo
echo "| client | runs | median ms | mean ms | min ms | max ms |"
echo "|---|---|---|---|---|---|"
echo "| lego $(lego --version 2>/dev/null | awk '{print $3}') | $RUNS | $(echo "$lego" | tr '\t' '|' | sed 's/|/ | /g') |"
echo "| mailplane | $RUNS | $(echo "$mp" | tr '\t' '|' | sed 's/|/ | /g') |"
awk -v a="$(echo "$mp" | cut -f1)" -v b="$(echo "$lego" | cut -f1)" \
  'BEGIN { printf "\nratio mailplane/lego (median): %.2f\n", a / b }'
