#!/usr/bin/env bash
# Benchmark of how soon a submitted job starts (figures go to BENCHMARKS.md, "Event stream (issue 13)"):
#   bench/job-start.sh
# A release lava-server on 127.0.0.1:8102 (SQLite, its scheduler every 2 s) with a docker device on
# one worker, and a release lava-worker on it with --ping-interval 20 whose lava-run is a stand-in
# that exits after a second (no Docker needed: the start is what is measured; the jobs then end
# Incomplete, which does not matter here). RUNS jobs (10) are
# submitted one after the other, each at a random moment of the ping cycle (a pause of 0 to
# --ping-interval seconds after the previous job ended); for each, the server's submit_time to
# start_time (RUNNING recorded) is read back through the REST API. Two rounds: with the event
# stream (the default --ws-url, the server's /ws/), and without it (--ws-url on a port where nothing
# listens, so the worker learns of a job only at its next ping, as LAVA 2023.01's worker without
# lava-publisher). Prints each delay, then the median, mean and maximum of each round.
# Environment: PORT (8102), PING_INTERVAL (20), RUNS (10), BIN (a directory with lava-server and
# lava-worker to use instead of building them in release into .build-release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT=${PORT:-8102}
URL="http://127.0.0.1:$PORT"
PING_INTERVAL=${PING_INTERVAL:-20}
RUNS=${RUNS:-10}
export LAVA_VERSION=2026.11

if [[ -z ${BIN:-} ]]; then
  for product in lava-server lava-worker; do
    swift build -c release --product "$product" --scratch-path .build-release >&2
  done
  BIN=.build-release/release
fi

data=$(mktemp -d /tmp/lava-bench-start.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

storage=(--data-dir "$data" --database "sqlite:$data/lava.sqlite3" --config-dir "$data/etc")
mkdir -p "$data/etc"
cp -r server/etc/device-types "$data/etc/"
admin=$($BIN/lava-server users add admin --admin "${storage[@]}")
token=$($BIN/lava-server workers add bench-worker "${storage[@]}" | awk '/^token:/ {print $2}')
$BIN/lava-server device-types add docker "${storage[@]}"
$BIN/lava-server devices add docker-01 --type docker --worker bench-worker "${storage[@]}"
$BIN/lava-server serve --bind "127.0.0.1:$PORT" "${storage[@]}" --log-level warning &
pids+=("$!")
until curl -fsS "$URL/health" >/dev/null 2>&1; do sleep 0.1; done

# lava-worker recognises its lava-run by name and by --job-id= on its command line.
mkdir -p "$data/stand-in"
printf '#!/bin/sh\nsleep 1\n' >"$data/stand-in/lava-run"
chmod +x "$data/stand-in/lava-run"

definition=$(python3 -c 'import json; print(json.dumps({"definition": """device_type: docker
job_name: bench-start
timeouts: {job: {minutes: 5}}
visibility: public
actions:
- deploy: {to: docker, image: debian:bookworm-slim}
- boot: {method: docker, command: bash}
- test:
    timeout: {minutes: 1}
    definitions:
    - from: inline
      name: nothing
      path: inline/nothing.yaml
      repository:
        metadata: {format: Lava-Test Test Definition 1.0, name: nothing}
        run: {steps: ["true"]}
"""}))')

round() {
  local name=$1 delays=() i id state
  shift
  rm -rf "$data/worker"
  $BIN/lava-worker --name bench-worker --url "$URL" --token "$token" --worker-dir "$data/worker" \
    --log-file "$data/worker-$name.log" --ping-interval "$PING_INTERVAL" --lava-run "$data/stand-in/lava-run" "$@" &
  local worker=$!
  pids+=("$worker")
  until [[ $(curl -fsS "$URL/api/v0.2/workers/bench-worker/" | json 'd["state"]') == Online ]]; do sleep 0.2; done
  echo "== $name: lava-worker --ping-interval $PING_INTERVAL $*"
  for ((i = 1; i <= RUNS; i++)); do
    sleep "$(python3 -c "import random; print('%.2f' % random.uniform(0, $PING_INTERVAL))")"
    id=$(curl -fsS -H "Authorization: Token $admin" -H 'Content-Type: application/json' -d "$definition" \
      "$URL/api/v0.2/jobs/" | json 'd["job_ids"][0]')
    local deadline=$((SECONDS + 120))
    until [[ $(curl -fsS "$URL/api/v0.2/jobs/$id/" | json 'd["state"]') == Finished ]]; do
      ((SECONDS < deadline)) || { echo "job $id not finished after 120 s" >&2; exit 1; }
      sleep 0.2
    done
    delays+=("$(curl -fsS "$URL/api/v0.2/jobs/$id/" | json '"%.2f" % (__import__("datetime").datetime.fromisoformat(d["start_time"]) - __import__("datetime").datetime.fromisoformat(d["submit_time"])).total_seconds()')")
    echo "job $id: submitted to Running in ${delays[-1]} s"
  done
  python3 -c "
import statistics, sys
d = [float(x) for x in sys.argv[1:]]
print('$name: %d jobs, submitted to Running: median %.2f s, mean %.2f s, max %.2f s' % (len(d), statistics.median(d), statistics.mean(d), max(d)))
" "${delays[@]}"
  kill "$worker"
  wait "$worker" 2>/dev/null || true
}

round "event stream"
# Port 9 (discard) has no listener on loopback: the worker's stream never connects.
round "no event stream" --ws-url "http://127.0.0.1:9/ws/"
