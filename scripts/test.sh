#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on a throwaway PostgreSQL server when one is installed.
# CI sets REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1 so that neither run can be skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "=== test suite on SQLite ==="
env -u DATABASE_URL $BIN/pytest "$@"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL is required but not installed" >&2; exit 1
  fi
  echo "PostgreSQL is not installed: the PostgreSQL run is skipped (CI installs it)."
  exit 0
fi

echo "=== test suite on PostgreSQL ==="
source scripts/postgres.sh
pg_start
trap pg_stop EXIT
DATABASE_URL="$PG_URL" $BIN/pytest "$@"
