# shellcheck shell=bash
# The PostgreSQL server and bench database of pg-explain.sh (which creates and fills it) and
# pg-lookups.sh (which reads it).
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
DB=${PG_EXPLAIN_DB:-mailplane_pg_bench}
