# Throwaway PostgreSQL and Redis servers on free loopback ports, for the scale-out test and the benchmark.
# Source this file, then call `services_start DIR`: it exports SERVICES_DATABASE_URL and SERVICES_CACHE_URL and
# registers `services_stop` to run at exit. Needs root (initdb runs as the postgres user), postgresql-15 (on the
# image) and redis-server (installed here when missing). On failure it returns non-zero and exports nothing.

_services_pg_data=""
_services_redis_pid=""
_services_dir=""

_services_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

services_install() {
  if ! command -v redis-server >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || return 1
    echo "services: installing redis-server" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || return 1
  fi
  PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    [ "$(id -u)" = 0 ] || return 1
    echo "services: installing postgresql" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  export PG_BIN
}

services_start() {
  local dir="$1" pg_port redis_port
  [ "$(id -u)" = 0 ] || { echo "services: not root, cannot run initdb as postgres" >&2; return 1; }
  services_install || { echo "services: PostgreSQL/Redis not installable" >&2; return 1; }
  mkdir -p "$dir/pg" "$dir/redis"
  chown postgres:postgres "$dir/pg"
  chmod 755 "$dir"
  pg_port="$(_services_free_port)"
  redis_port="$(_services_free_port)"
  _services_pg_data="$dir/pg/data"
  _services_dir="$dir"
  trap services_stop EXIT
  su postgres -c "$PG_BIN/initdb -D $dir/pg/data -U postgres --auth=trust -E UTF8 --no-sync" >/dev/null || return 1
  su postgres -c "$PG_BIN/pg_ctl -D $dir/pg/data -l $dir/pg/server.log \
    -o '-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -w start" \
    >/dev/null || { cat "$dir/pg/server.log" >&2; return 1; }
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" || return 1
  for _ in $(seq 50); do
    [ -s "$dir/redis/redis.pid" ] && redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  _services_redis_pid="$(cat "$dir/redis/redis.pid")"
  export SERVICES_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
  export SERVICES_CACHE_URL="redis://127.0.0.1:$redis_port/0"
  echo "services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port" >&2
}

services_stop() {
  if [ -n "$_services_redis_pid" ]; then
    kill -TERM "$_services_redis_pid" 2>/dev/null || true
    _services_redis_pid=""
  fi
  if [ -n "$_services_pg_data" ] && [ -f "$_services_pg_data/postmaster.pid" ]; then
    su postgres -c "$PG_BIN/pg_ctl -D $_services_pg_data -m fast -w stop" >/dev/null 2>&1 \
      || kill -INT "$(head -1 "$_services_pg_data/postmaster.pid")" 2>/dev/null || true
  fi
  [ -n "$_services_dir" ] && rm -rf "$_services_dir"
  _services_pg_data=""
  _services_dir=""
}
