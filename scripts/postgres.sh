#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks (not the system service).
#
#   scripts/postgres.sh start   # init (first time) + start; idempotent; prints the URL on stdout
#   scripts/postgres.sh url     # prints the URL
#   scripts/postgres.sh status  # exit 0 if running
#   scripts/postgres.sh stop    # stops the cluster (no-op if not running)
#
# Environment:
#   LAVA_PG_DIR   base directory (default /tmp/lava-pg); data in $LAVA_PG_DIR/data,
#                 log in $LAVA_PG_DIR/postgres.log, unix socket inside the data dir
#   LAVA_PG_PORT  TCP port on 127.0.0.1 (default 55432)
#   LAVA_PG_BIN   PostgreSQL bin dir (default: newest /usr/lib/postgresql/*/bin)
#
# Only the URL goes to stdout; everything else goes to stderr.
set -euo pipefail

PG_DIR=${LAVA_PG_DIR:-/tmp/lava-pg}
PG_PORT=${LAVA_PG_PORT:-55432}
DATA="$PG_DIR/data"
LOG="$PG_DIR/postgres.log"
DATABASES=(lava_test lava_bench)
URL="postgres://postgres@127.0.0.1:${PG_PORT}/lava_test"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

find_bin() {
  if [[ -n ${LAVA_PG_BIN:-} ]]; then
    echo "$LAVA_PG_BIN"; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $d && -x $d/pg_ctl ]] || die "no PostgreSQL found under /usr/lib/postgresql (run scripts/install-deps.sh)"
  echo "$d"
}

# Run a PostgreSQL binary as the postgres OS user when we are root
# (initdb/pg_ctl/postgres refuse to run as root), else as ourselves.
as_pg() {
  local bin=$1; shift
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$BIN/$bin" "$@")
  else
    (cd / && "$BIN/$bin" "$@")
  fi
}

is_running() {
  [[ -f $DATA/PG_VERSION ]] && as_pg pg_ctl status -D "$DATA" >/dev/null 2>&1
}

psql_local() {
  # Connect over the unix socket inside the data dir.
  as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$DATA" -p "$PG_PORT" -U postgres "$@"
}

ensure_dir() {
  mkdir -p "$PG_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$PG_DIR"
  fi
  chmod 700 "$PG_DIR"
}

init_cluster() {
  local version
  version=$("$BIN/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
  if [[ -f $DATA/PG_VERSION ]]; then
    local have
    have=$(cat "$DATA/PG_VERSION")
    [[ $have == "$version" ]] || die "$DATA is a PostgreSQL $have cluster but $BIN is $version; remove $PG_DIR"
    return
  fi
  [[ ! -e $DATA ]] || die "$DATA exists but is not a PostgreSQL data directory; remove it"
  log "initdb $DATA (PostgreSQL $version)"
  local tmp="$PG_DIR/data.init"
  rm -rf "$tmp"
  # --no-sync only affects initdb itself (the cluster is throwaway); the server runs with fsync=on.
  if ! as_pg initdb -D "$tmp" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    die "initdb failed"
  fi
  cat >"$tmp/pg_hba.conf" <<'HBA'
# throwaway cluster: trust on the unix socket and on 127.0.0.1 only
local   all  all                trust
host    all  all  127.0.0.1/32  trust
HBA
  echo "include_if_exists = 'lava.conf'" >>"$tmp/postgresql.conf"
  mv "$tmp" "$DATA"
}

write_conf() {
  # Rewritten on every start so LAVA_PG_PORT/LAVA_PG_DIR changes take effect.
  local conf="$DATA/lava.conf"
  cat >"$conf" <<CONF
# written by scripts/postgres.sh on every start
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DATA'
# Each test server's pool holds up to 8 connections a core, and Swift Testing runs many
# servers at once; 200 ran out (FATAL: sorry, too many clients already).
max_connections = 400
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$conf"; fi
}

ensure_databases() {
  local db
  for db in "${DATABASES[@]}"; do
    if [[ -z $(psql_local -d postgres -tAc "select 1 from pg_database where datname = '$db'") ]]; then
      log "creating database $db"
      psql_local -d postgres -c "create database $db" >&2
    fi
  done
}

cmd_start() {
  ensure_dir
  exec 9>"$PG_DIR/.lock"
  flock 9
  if ! is_running; then
    init_cluster
    write_conf
    log "starting on 127.0.0.1:$PG_PORT (log: $LOG)"
    : >>"$LOG"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$LOG"; fi
    # 9>&- : the server must not inherit the lock fd (it would hold the lock forever).
    if ! as_pg pg_ctl start -D "$DATA" -l "$LOG" -w -t 60 -s >&2 9>&-; then
      tail -n 30 "$LOG" >&2 || true
      die "PostgreSQL failed to start"
    fi
  fi
  as_pg pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -t 10 \
    || { tail -n 30 "$LOG" >&2 || true; die "PostgreSQL is not accepting connections on 127.0.0.1:$PG_PORT"; }
  ensure_databases
  echo "$URL"
}

cmd_stop() {
  [[ -d $PG_DIR ]] || return 0
  exec 9>"$PG_DIR/.lock"
  flock 9
  if is_running; then
    log "stopping"
    as_pg pg_ctl stop -D "$DATA" -m fast -w -t 60 -s >&2
  fi
}

case "${1:-}" in
  start)  BIN=$(find_bin); cmd_start ;;
  stop)   BIN=$(find_bin); cmd_stop ;;
  url)    echo "$URL" ;;
  status) BIN=$(find_bin); is_running ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
