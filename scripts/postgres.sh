# Source this file: pg_start starts a throwaway PostgreSQL cluster in .pg/ and sets PG_URL; pg_stop stops it.
# initdb and pg_ctl refuse to run as root, so they run as the postgres user when we are root.
PG_DIR="${PG_DIR:-$PWD/.pg}"
PG_PORT="${PG_PORT:-55432}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}"
PG_URL="postgresql+psycopg://mk:mk@127.0.0.1:${PG_PORT}/mk"

_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  _pg "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  _pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -o "-p $PG_PORT -k $PG_DIR -c fsync=off" -l "$PG_DIR/log.txt" -w start >/dev/null
  _pg "$PGBIN/psql" -q -h "$PG_DIR" -p "$PG_PORT" -d postgres \
      -c "CREATE ROLE mk LOGIN PASSWORD 'mk' CREATEDB" -c "CREATE DATABASE mk OWNER mk"
  export PG_URL
}

pg_stop() { _pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true; }
