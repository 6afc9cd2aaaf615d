#!/usr/bin/env bash
# Benchmarks of lava-server (figures go to BENCHMARKS.md):
#   bench/run.sh [sqlite|postgres ...]     default: both
#   LOG_STORE=files|database               where the logs go (default: the server's, database on
#                                          PostgreSQL, files on SQLite)
# For each database: a release lava-server on 127.0.0.1:8100, a worker and running jobs made
# through the admin commands and the REST API, then wrk: worker pings (8 keep-alive connections)
# and log uploads (1000-line batches, one sender and four), the stored logs checked line by
# line, and the server's RSS when idle.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
backends=("$@")
[[ ${#backends[@]} -gt 0 ]] || backends=(sqlite postgres)
DURATION=${DURATION:-20s}
PORT=${PORT:-8100}
URL="http://127.0.0.1:$PORT"
VERSION=2026.11

scripts/install-deps.sh
swift build -c release --product lava-server --scratch-path .build-release >&2
BIN=.build-release/release/lava-server
export LAVA_VERSION=$VERSION

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

run_backend() {
  local backend=$1 data database
  data=$(mktemp -d /tmp/lava-bench.XXXXXX)
  if [[ $backend == postgres ]]; then
    local base
    base=$(scripts/postgres.sh start)
    psql "$base" -XAqc "DROP DATABASE IF EXISTS lava_bench WITH (FORCE)" -c "CREATE DATABASE lava_bench"
    database=${base%/*}/lava_bench
  else
    database=sqlite:$data/lava.sqlite3
  fi
  local storage=(--data-dir "$data" --database "$database" --config-dir "$data/etc")
  [[ -z ${LOG_STORE:-} ]] || storage+=(--log-store "$LOG_STORE")
  local admin worker
  admin=$($BIN users add admin --admin "${storage[@]}")
  worker=$($BIN workers add bench-worker "${storage[@]}" | awk '/^token:/ {print $2}')
  $BIN device-types add docker "${storage[@]}"
  for n in 1 2 3 4 5; do $BIN devices add "docker-0$n" --type docker --worker bench-worker "${storage[@]}"; done

  $BIN serve --bind "127.0.0.1:$PORT" "${storage[@]}" --log-level warning &
  local server=$!
  trap "kill $server 2>/dev/null || true" RETURN
  until curl -fsS "$URL/health" >/dev/null 2>&1; do sleep 0.1; done
  sleep 2
  local idle_rss
  idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

  curl -fsS -H "LAVA-Token: $worker" "$URL/scheduler/internal/v1/workers/bench-worker/?version=$VERSION" >/dev/null
  local definition ids=() jobs=()
  definition=$(python3 -c 'import json; print(json.dumps({"definition": "device_type: docker\njob_name: bench\nvisibility: public\ntimeouts: {job: {hours: 1}}\nactions:\n- deploy: {to: docker, image: debian}\n"}))')
  for n in 1 2 3 4 5; do
    ids+=("$(curl -fsS -H "Authorization: Token $admin" -H 'Content-Type: application/json' -d "$definition" "$URL/api/v0.2/jobs/" | json 'd["job_ids"][0]')")
  done
  sleep 3  # the in-process scheduler assigns them
  for id in "${ids[@]}"; do
    jobs+=("$id:$(curl -fsS -H "Authorization: Token $admin" "$URL/api/v0.2/jobs/$id/" | json 'd["token"]')")
  done

  echo "== $backend: idle RSS ${idle_rss} kB"
  # One wrk thread drives the 8 connections: on 2 cores a second wrk thread only takes CPU
  # from the server (measured: -t2 gives about 8 % fewer pings/s).
  echo "== $backend: pings, 8 connections, $DURATION"
  WORKER=bench-worker TOKEN=$worker VERSION=$VERSION wrk -t1 -c8 -d"$DURATION" --latency -s bench/ping.lua "$URL"
  echo "== $backend: reference, the version endpoint (no database), 8 connections, $DURATION"
  WORKER=bench-worker TOKEN=$worker VERSION=$VERSION PING_PATH=/api/v0.2/system/version/ \
    wrk -t1 -c8 -d"$DURATION" --latency -s bench/ping.lua "$URL"
  echo "== $backend: logs, one sender"
  JOBS=${jobs[0]} wrk -t1 -c1 -d"$DURATION" -s bench/logs.lua "$URL"
  echo "== $backend: logs, four senders"
  JOBS=$(IFS=,; echo "${jobs[*]:1:4}") wrk -t4 -c4 -d"$DURATION" -s bench/logs.lua "$URL"

  echo "== $backend: stored logs checked"
  for id in "${ids[@]}"; do
    curl -fsS "$URL/api/v0.2/jobs/$id/logs/" | python3 -c '
import sys, re
n = 0
for line in sys.stdin:
    m = re.search(r"\"msg\": \"tick (\d+)\"", line)
    if not m or int(m.group(1)) != n:
        sys.exit("job '"$id"': line %d is %r, expected tick %d" % (n, line[:80], n))
    n += 1
print("job '"$id"': %d lines, tick 0..%d in order, none lost or duplicated" % (n, n - 1))'
  done
  echo "== $backend: RSS after the runs $(awk '/VmRSS/ {print $2}' "/proc/$server/status") kB"
  if [[ $backend == postgres ]]; then
    psql "$database" -XAtc "SELECT 'logs in the database: ' || COALESCE(SUM(line_count), 0) || ' lines, '
        || pg_total_relation_size('job_log_batches') || ' bytes (table, TOAST and index), '
        || COALESCE(pg_total_relation_size('job_log_batches') * 1000000 / NULLIF(SUM(line_count), 0), 0) || ' bytes per million lines'
        FROM job_log_batches"
  fi
  kill "$server"; wait "$server" || true
  rm -rf "$data"
}

for backend in "${backends[@]}"; do run_backend "$backend"; done
