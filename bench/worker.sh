#!/usr/bin/env bash
# Benchmark of lava-worker and lava-run (figures go to BENCHMARKS.md, issue 3):
#   bench/worker.sh [INTERVAL ...]         default: 5 1 (lava-worker --job-log-interval)
# A release lava-server on 127.0.0.1:8101 (SQLite), a docker device type and device made through
# the admin commands, a release lava-worker on it with the real Docker engine of
# scripts/docker-engine.sh. For each interval: the worker's idle RSS after a few pings, then one
# docker job that prints 100,000 lines (`seq 1 100000`); its stored log is read back through the
# REST API and checked (every number once, as a `target` line, in order; the job Complete), and
# lava-run's peak RSS and CPU time are sampled from /proc while it runs.
# Environment: PORT (8101), PING_INTERVAL (lava-worker --ping-interval, 5), LINES (100000),
# IDLE_PINGS (pings before the idle RSS is read, 5), PERF=1 to run lava-run under `perf record -g`
# (the profile goes to perf.data.lava-run-<interval> in the repository's directory; perf slows
# lava-run down, so the rates of such a run are not the benchmark's), SECCOMP (lava-worker --seccomp,
# default: the filter's cost is this against SECCOMP=off).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
intervals=("$@")
[[ ${#intervals[@]} -gt 0 ]] || intervals=(5 1)
PORT=${PORT:-8101}
URL="http://127.0.0.1:$PORT"
PING_INTERVAL=${PING_INTERVAL:-5}
LINES=${LINES:-100000}
IDLE_PINGS=${IDLE_PINGS:-5}
VERSION=2026.11
export LAVA_VERSION=$VERSION

scripts/install-deps.sh
socket=$(scripts/docker-engine.sh start)
scripts/docker-engine.sh base-image >&2
export DOCKER_HOST=unix://$socket
# One product per invocation (swift build takes a single --product); the later two reuse the
# modules the first one built.
for product in lava-server lava-worker lava-run; do
  swift build -c release --product "$product" --scratch-path .build-release >&2
done
BIN=.build-release/release

data=$(mktemp -d /tmp/lava-bench-worker.XXXXXX)
pids=()
cleanup() {
  local pid run
  # lava-run leads a process group of its own and outlives a stopped lava-worker (by design):
  # SIGTERM cancels its job and removes the container; its process group gets SIGKILL after 30 s.
  for run in $(cat "$data"/lava-run-*.pid 2>/dev/null); do
    kill "$run" 2>/dev/null || continue
    timeout 30 bash -c "while kill -0 $run 2>/dev/null; do sleep 0.1; done" || kill -KILL -- "-$run" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
kib() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
# user+system CPU seconds of a process (fields 14 and 15 of /proc/PID/stat, in clock ticks)
cpu() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"; }

storage=(--data-dir "$data" --database "sqlite:$data/lava.sqlite3" --config-dir "$data/etc")
mkdir -p "$data/etc"
cp -r server/etc/device-types "$data/etc/"
# A dispatcher prefix of its own, so that the DUT container (lava-<prefix>-<job id>-<level>) cannot
# collide with one of another server's job 1 on the same engine.
mkdir -p "$data/etc/dispatcher.d"
echo "prefix: bench-${data##*.}" >"$data/etc/dispatcher.d/bench-worker.yaml"
admin=$($BIN/lava-server users add admin --admin "${storage[@]}")
token=$($BIN/lava-server workers add bench-worker "${storage[@]}" | awk '/^token:/ {print $2}')
$BIN/lava-server device-types add docker "${storage[@]}"
$BIN/lava-server devices add docker-01 --type docker --worker bench-worker "${storage[@]}"

$BIN/lava-server serve --bind "127.0.0.1:$PORT" "${storage[@]}" --log-level warning &
server=$!
pids+=("$server")
until curl -fsS "$URL/health" >/dev/null 2>&1; do sleep 0.1; done

definition=$(LINES=$LINES python3 -c '
import json, os
print(json.dumps({"definition": """device_type: docker
job_name: bench-logs
timeouts: {job: {minutes: 30}}
visibility: public
actions:
- deploy: {to: docker, image: debian:bookworm-slim}
- boot: {method: docker, command: bash}
- test:
    timeout: {minutes: 20}
    definitions:
    - from: inline
      name: lines
      path: inline/lines.yaml
      repository:
        metadata: {format: Lava-Test Test Definition 1.0, name: lines}
        run: {steps: ["seq 1 %s"]}
""" % os.environ["LINES"]}))')

# Samples VmHWM and CPU time of the lava-run that lava-worker $1 starts, every 0.1 s, into $2
# (the last line holds the final figures, read just before lava-run exits).
sample_lava_run() {
  local worker=$1 out=$2 run=""
  while [[ -z $run ]]; do
    local parent=$worker perf
    # With PERF=1 the worker's child is perf, and lava-run is perf's child.
    if [[ ${PERF:-0} == 1 ]]; then
      perf=$(pgrep -P "$worker" -x perf || true)
      [[ -n $perf ]] && parent=$perf
    fi
    run=$(pgrep -P "$parent" -x lava-run || true)
    sleep 0.05
  done
  echo "$run" >"$data/lava-run-$interval.pid"
  while [[ -e /proc/$run/status ]]; do
    local hwm rss t
    # A process that is exiting has lost its Vm* lines: keep only complete samples.
    hwm=$(kib "$run" VmHWM 2>/dev/null) && rss=$(kib "$run" VmRSS 2>/dev/null) && t=$(cpu "$run" 2>/dev/null) \
      && [[ -n $hwm && -n $rss && -n $t ]] && echo "$run $hwm $rss $t" >>"$out"
    sleep 0.1
  done
}

for interval in "${intervals[@]}"; do
  echo "== lava-worker --job-log-interval $interval --ping-interval $PING_INTERVAL"
  rm -rf "$data/worker"
  lava_run=()
  if [[ ${PERF:-0} == 1 ]]; then
    # perf runs lava-run from its first instruction (attaching later misses the streaming part).
    printf '#!/bin/sh\nexec perf record -g -o %q -- %q "$@" 2>/dev/null\n' \
      "$PWD/perf.data.lava-run-$interval" "$PWD/$BIN/lava-run" >"$data/lava-run-perf"
    chmod +x "$data/lava-run-perf"
    lava_run=(--lava-run "$data/lava-run-perf")
  fi
  $BIN/lava-worker "${lava_run[@]}" --name bench-worker --url "$URL" --token "$token" --worker-dir "$data/worker" \
    --log-file "$data/worker-$interval.log" --ping-interval "$PING_INTERVAL" --job-log-interval "$interval" \
    --seccomp "${SECCOMP:-default}" &
  worker=$!
  pids+=("$worker")
  sleep $((PING_INTERVAL * IDLE_PINGS + 1))
  echo "idle lava-worker after $IDLE_PINGS pings: VmRSS $(kib "$worker" VmRSS) kB (RssAnon $(kib "$worker" RssAnon) kB," \
    "RssFile $(kib "$worker" RssFile) kB), VmHWM $(kib "$worker" VmHWM) kB, CPU $(cpu "$worker") s"

  samples=$data/samples-$interval
  : >"$samples"
  sample_lava_run "$worker" "$samples" &
  sampler=$!
  pids+=("$sampler")
  server_cpu=$(cpu "$server")
  submitted=$(date +%s.%N)
  id=$(curl -fsS -H "Authorization: Token $admin" -H 'Content-Type: application/json' -d "$definition" \
    "$URL/api/v0.2/jobs/" | json 'd["job_ids"][0]')
  deadline=$((SECONDS + 1800))
  until [[ $(curl -fsS "$URL/api/v0.2/jobs/$id/" | json 'd["state"]') == Finished ]]; do
    ((SECONDS < deadline)) || { echo "job $id not finished after 30 minutes" >&2; exit 1; }
    sleep 0.2
  done
  finished=$(date +%s.%N)
  timeout 60 bash -c "while kill -0 $sampler 2>/dev/null; do sleep 0.1; done" || true
  echo "job $id: $(curl -fsS "$URL/api/v0.2/jobs/$id/" | json '"%s %s, start_time %s, end_time %s" % (d["state"], d["health"], d["start_time"], d["end_time"])')"
  echo "submitted to Finished seen by polling: $(python3 -c "print('%.2f' % ($finished - $submitted))") s"
  echo "lava-server CPU during the job: $(python3 -c "print('%.2f' % ($(cpu "$server") - $server_cpu))") s"
  [[ -s $samples ]] || { echo "lava-run of job $id was never seen running" >&2; exit 1; }
  read -r run hwm rss run_cpu < <(tail -n 1 "$samples")
  echo "lava-run (pid $run): peak RSS (VmHWM) $hwm kB, CPU $run_cpu s user+system (last sample, 0.1 s before it exited)"
  echo "lava-worker after the job: VmRSS $(kib "$worker" VmRSS) kB, CPU $(cpu "$worker") s"

  curl -fsS "$URL/api/v0.2/jobs/$id/logs/" >"$data/log-$id.yaml"
  curl -fsS "$URL/api/v0.2/jobs/$id/" >"$data/job-$id.json"
  LINES=$LINES python3 - "$data/log-$id.yaml" "$data/job-$id.json" <<'EOF'
import json, os, re, sys
from datetime import datetime
lines = int(os.environ["LINES"])
record = re.compile(r'^- \{"dt": "([^"]+)", "lvl": "([a-z]+)", "msg": (.*)\}$')
stored, numbers, first, last, first_target, last_target = 0, [], None, None, None, None
with open(sys.argv[1]) as log:
    for text in log:
        m = record.match(text.rstrip("\n"))
        if not m:
            sys.exit("not a log record: %r" % text[:120])
        stored += 1
        dt = datetime.fromisoformat(m.group(1))
        first = first or dt
        last = dt
        if m.group(2) == "target" and re.fullmatch(r'"\d+"', m.group(3)):
            numbers.append(int(m.group(3)[1:-1]))
            if numbers[-1] == 1 and first_target is None:
                first_target = dt
            if numbers[-1] == lines:
                last_target = dt
job = json.load(open(sys.argv[2]))
if job["state"] != "Finished" or job["health"] != "Complete":
    sys.exit("job %s is %s %s, not Finished Complete" % (job["id"], job["state"], job["health"]))
if sorted(numbers) != list(range(1, lines + 1)):
    seen = set(numbers)
    missing = [n for n in range(1, lines + 1) if n not in seen]
    sys.exit("%d number lines; %d missing (first %s); %d duplicated" %
             (len(numbers), len(missing), missing[:5], len(numbers) - len(seen)))
order = "in order" if numbers == sorted(numbers) else "NOT in order"
print("log: %d stored lines; 1..%d each once as a target line, %s; job Complete" % (stored, lines, order))
span = (last_target - first_target).total_seconds()
print("target lines: %d in %.3f s from the dt of line '1' to the dt of line '%d' = %.0f lines/s"
      % (lines, span, lines, lines / span))
span = (last - first).total_seconds()
print("all stored lines: %d in %.3f s from the first dt to the last = %.0f lines/s" % (stored, span, stored / span))
start = datetime.fromisoformat(job["start_time"].replace("Z", "+00:00"))
end = datetime.fromisoformat(job["end_time"].replace("Z", "+00:00"))
span = (end - start).total_seconds()
print("start_time to end_time (Running to Finished, deploy and boot included): %.3f s = %.0f stored lines/s"
      % (span, stored / span))
print("first stored line %.3f s after start_time; end_time %.3f s after the last stored line's dt"
      % ((first - start).total_seconds(), (end - last).total_seconds()))
span = (end - first).total_seconds()
print("end to end: %d stored lines in %.3f s from the first line's dt to end_time (all stored) = %.0f lines/s"
      % (stored, span, stored / span))
EOF
  kill "$worker"
  wait "$worker" || true
done
