#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh [--time SECONDS] [--grow] [HARNESS...]
#
# Harnesses (Sources/lava-fuzz, one file each; all of them when none is named):
#   log-batch       the server's log upload parser (LogBatch, its fast scanner, results mapping),
#                   checked against Yams: an accepted record must load the same with Yams
#   log-line        lava-run's LogLine and ResultsLine writers: what they write, the server accepts
#   job-definition  JobDefinition(yaml:), a submitted job
#   form            FormDecoding (every worker request body) and its round trip with FormEncoding
#   signal-parser   the test shell's SignalParser on console lines; its records must be accepted
#   tar-listing     TarListing, the headers of a fetched test-definition archive
#   version-policy  VersionPolicy(parsing:) and its round trip through its description
#   docker-stream   the Docker engine's streams: LineSplitter, progress messages, events, and
#                   the multiplexed log stream
#   device-template DeviceTemplateRenderer on any device dictionary and template (NUL-separated):
#                   it renders or fails with a TemplateError, within its limits, the same way twice
#   websocket       lava-worker's WebSocket client: the upgrade answer's head, the frame decoder
#                   (the same frames however the stream is cut) and the message assembler's bound
#   xmlrpc          XMLRPCCall(parsing:), the server's /RPC2 (libexpat under limits): a call or a
#                   fault, and a call it reads is read back the same from what it writes
#
# Builds lava-fuzz once, in release with -sanitize=address and the fuzzer's coverage, in its own
# scratch path .build-fuzz (the normal build's lava-fuzz, without LAVA_FUZZ, only replays files:
# `.build/debug/lava-fuzz HARNESS FILE...`). Then runs each harness for SECONDS (default 60) on a
# copy of its seed corpus Tests/FuzzCorpus/HARNESS in .build-fuzz/runs/HARNESS (--grow merges the
# new inputs that add coverage back into Tests/FuzzCorpus), with -timeout=10 per input,
# -rss_limit_mb=2048 and -max_len=8192. Prints one line per harness with its executions per second.
# Exits non-zero when a harness crashed, trapped, hung or ran out of memory, printing the
# reproducer's path (.build-fuzz/runs/HARNESS/crash-..., timeout-..., oom-...); replay it with
#   .build-fuzz/release/lava-fuzz HARNESS PATH      or, without sanitizers, under the debugger:
#   swift build --product lava-fuzz && .build/debug/lava-fuzz HARNESS PATH
# A fixed defect gets a regression test in the normal test suite, and its reproducer goes into
# Tests/FuzzCorpus/HARNESS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

die() {
  echo "fuzz.sh: $*" >&2
  exit 2
}

seconds=60
grow=0
harnesses=()
while (($#)); do
  case $1 in
    --time) (($# >= 2)) || die "--time needs a number of seconds"; seconds=$2; shift 2 ;;
    --time=*) seconds=${1#--time=}; shift ;;
    --grow) grow=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "--time must be a whole number of seconds, not '$seconds'"

corpora=Tests/FuzzCorpus
if ((${#harnesses[@]} == 0)); then
  for dir in "$corpora"/*/; do harnesses+=("$(basename "$dir")"); done
fi
for harness in "${harnesses[@]}"; do
  [[ -d $corpora/$harness ]] || die "no harness '$harness' (no seed corpus $corpora/$harness; see --help)"
done

# -sanitize=fuzzer only at compile time (coverage instrumentation): at link time it would add
# libFuzzer's own main, and lava-fuzz has one that picks the harness, then calls
# LLVMFuzzerRunDriver from the no-main runtime.
resource_dir=$(dirname "$(command -v swift)")/../lib/clang
fuzzer_runtime=$(find "$resource_dir" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -n 1)
[[ -n $fuzzer_runtime ]] || die "libclang_rt.fuzzer_no_main-x86_64.a not found under $resource_dir"
scratch=.build-fuzz
swift build -c release --product lava-fuzz --scratch-path "$scratch" \
  -Xswiftc -sanitize=address -Xswiftc -Xfrontend -Xswiftc -sanitize=fuzzer -Xswiftc -DLAVA_FUZZ \
  -Xlinker "$fuzzer_runtime" -Xlinker -lstdc++ >&2
binary=$scratch/release/lava-fuzz

status=0
for harness in "${harnesses[@]}"; do
  run=$scratch/runs/$harness
  rm -rf "$run"
  mkdir -p "$run/corpus"
  cp -R "$corpora/$harness/." "$run/corpus/"
  log=$run/fuzz.log
  # Swift's backtracer would hold the crashed process; ASan and libFuzzer report instead.
  if SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    "$binary" "$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$run/" "$run/corpus" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz.sh: $harness: ok, ${execs:-?} inputs in ${seconds}s ($(((${execs:-0}) / seconds)) execs/s)," \
      "corpus $(find "$run/corpus" -type f | wc -l) inputs"
  else
    status=1
    reproducers=$(find "$run" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
      -o -name 'leak-*' \) | tr '\n' ' ')
    grep -E '^(lava-fuzz:|Fatal error|==[0-9]+==ERROR|SUMMARY)' "$log" | head -n 5 >&2 || true
    echo "fuzz.sh: $harness: FAILED; reproducer: ${reproducers:-none written (see $log)}; log: $log" >&2
  fi
  if ((grow)); then
    "$binary" "$harness" -merge=1 -max_len=8192 "$corpora/$harness" "$run/corpus" >>"$log" 2>&1
  fi
done
exit "$status"
