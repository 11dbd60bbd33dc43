# Source this file: pg_start starts a throwaway PostgreSQL cluster and sets PG_URL; pg_stop stops
# and removes it. Each caller gets its own folder under .pg/ and a free port, so parallel runs
# don't meet. initdb and pg_ctl refuse to run as root: as root they run as the postgres user.
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}"

_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  PG_DIR="${PG_DIR:-$PWD/.pg/run-$$}"
  PG_PORT="${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PG_DIR"; chmod 755 "$(dirname "$PG_DIR")"; fi
  _pg "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  _pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -o "-p $PG_PORT -k $PG_DIR -c fsync=off -c listen_addresses=127.0.0.1" \
      -l "$PG_DIR/log.txt" -w start >/dev/null
  _pg "$PGBIN/psql" -q -h "$PG_DIR" -p "$PG_PORT" -d postgres \
      -c "CREATE ROLE mk LOGIN PASSWORD 'mk' CREATEDB" -c "CREATE DATABASE mk OWNER mk"
  PG_URL="postgresql+psycopg://mk:mk@127.0.0.1:${PG_PORT}/mk"
  export PG_URL PG_DIR PG_PORT
}

pg_stop() {
  _pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true
  rm -rf "$PG_DIR"
}
