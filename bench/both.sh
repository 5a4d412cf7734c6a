#!/usr/bin/env bash
# One benchmark on both engines in one run: the script given runs first with BENCH_ENGINE=mariadb
# on BENCH_MARIADB_DB, then with BENCH_ENGINE=postgresql on BENCH_POSTGRESQL_DB, with the same
# remaining environment (sizes, budgets, LOOKUPS_ARGS/BENCH_ARGS); the two result files follow
# each other in target/bench/both-<script>.md, for docs/benchmarks.md.
#
#   bench/both.sh bench/lookups.sh
#   BENCH_SIZES=1000x1000 bench/both.sh bench/run.sh
#   BENCH_MARIADB_DB=mailplane_bench BENCH_POSTGRESQL_DB=mailplane_pg_bench (defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
script=${1:?usage: bench/both.sh bench/lookups.sh|bench/run.sh}
name=$(basename "$script" .sh)
out=target/bench/both-$name.md
mkdir -p target/bench
: >"$out"
for engine in mariadb postgresql; do
  if [ "$engine" = mariadb ]; then db=${BENCH_MARIADB_DB:-mailplane_bench}; else db=${BENCH_POSTGRESQL_DB:-mailplane_pg_bench}; fi
  BENCH_ENGINE=$engine BENCH_DB=$db "$script"
  case $name in
    lookups) result=target/bench/lookups/$engine/results.md ;;
    *) result=target/bench/$engine/results.md ;;
  esac
  { echo "### $engine"; echo; cat "$result"; echo; } >>"$out"
done
echo "results: $out" >&2
