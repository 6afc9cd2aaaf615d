#!/usr/bin/env bash
# THE test command of the project (README and .ci/run call exactly this).
#
#   scripts/test.sh [swift test args...]     e.g. scripts/test.sh --filter LogTests
#
# Installs missing Debian packages, starts the throwaway PostgreSQL cluster
# (scripts/postgres.sh) unless it is already running, exports
# LAVA_TEST_POSTGRES_URL, builds the tests and the static lava-worker, lava-run and lava-server
# (in .build-static, for the images), then runs `swift test --skip-build "$@"`.
# If LAVA_TEST_POSTGRES_URL is already set, that database is used and no cluster is started.
# Then starts the throwaway Docker engine (scripts/docker-engine.sh) unless it is running,
# makes sure it has debian:bookworm-slim, starts the local registry, and exports
# LAVA_TEST_DOCKER_SOCKET, LAVA_TEST_REGISTRY and LAVA_TEST_REGISTRY_LOG (the registry's access
# log; an already set variable is used as it is).
# Exports LAVA_TEST_DEVICE_TYPES, the device-type templates of Debian's lava-server 2023.01
# (scripts/lava-templates.sh extracts them, never installs or commits them).
# Before the tests, a short pass of each fuzz harness (scripts/fuzz.sh --time $LAVA_FUZZ_SECONDS,
# default 10; 0 skips it), its output on stderr.
# PostgreSQL, the engine and the registry are stopped on exit only if this script started
# them; the exit status is swift test's, else 1 when a fuzz harness failed, and swift test's
# summary is the last thing printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

scripts/install-deps.sh

started_pg=0
started_docker=0
started_registry=0
cleanup() {
  # Must stay silent: swift test's summary has to be the last output.
  if ((started_registry)); then
    scripts/docker-engine.sh stop registry >/dev/null 2>&1 || true
  fi
  if ((started_docker)); then
    scripts/docker-engine.sh stop >/dev/null 2>&1 || true
  fi
  if ((started_pg)); then
    scripts/postgres.sh stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${LAVA_TEST_POSTGRES_URL:-} ]]; then
  if ! scripts/postgres.sh status; then
    started_pg=1
  fi
  LAVA_TEST_POSTGRES_URL=$(scripts/postgres.sh start)
  export LAVA_TEST_POSTGRES_URL
fi
echo "test.sh: LAVA_TEST_POSTGRES_URL=$LAVA_TEST_POSTGRES_URL" >&2

if [[ -z ${LAVA_TEST_DOCKER_SOCKET:-} ]]; then
  if ! scripts/docker-engine.sh status; then
    started_docker=1
  fi
  LAVA_TEST_DOCKER_SOCKET=$(scripts/docker-engine.sh start)
  export LAVA_TEST_DOCKER_SOCKET
  scripts/docker-engine.sh base-image
fi
echo "test.sh: LAVA_TEST_DOCKER_SOCKET=$LAVA_TEST_DOCKER_SOCKET" >&2
if [[ -z ${LAVA_TEST_REGISTRY:-} ]]; then
  if ! scripts/docker-engine.sh status registry; then
    started_registry=1
  fi
  LAVA_TEST_REGISTRY=$(scripts/docker-engine.sh registry)
  export LAVA_TEST_REGISTRY
fi
echo "test.sh: LAVA_TEST_REGISTRY=$LAVA_TEST_REGISTRY" >&2
# Its access log, where tests see the pulls (docker-engine.sh keeps it in its directory).
export LAVA_TEST_REGISTRY_LOG=${LAVA_TEST_REGISTRY_LOG:-${LAVA_DOCKER_DIR:-/tmp/lava-docker}/registry.log}
if [[ -z ${LAVA_TEST_DEVICE_TYPES:-} ]]; then
  LAVA_TEST_DEVICE_TYPES=$(scripts/lava-templates.sh)
  export LAVA_TEST_DEVICE_TYPES
fi
echo "test.sh: LAVA_TEST_DEVICE_TYPES=$LAVA_TEST_DEVICE_TYPES" >&2

# The static binaries the image tests put in the images of docker/ (WorkerImage, scripts/images.sh)
# and the systemd tests in their containers, so the tests do not start these builds themselves.
# One product per command: given several --product options, swift build builds only the last.
for product in lava-worker lava-run lava-server lava-docker-worker; do
  swift build --static-swift-stdlib --product "$product" --scratch-path .build-static >&2
done
swift build --build-tests

# A crash found here must not hide the tests' results: both run, and either fails the run.
fuzz_status=0
fuzz_seconds=${LAVA_FUZZ_SECONDS:-10}
if ((fuzz_seconds > 0)); then
  scripts/fuzz.sh --time "$fuzz_seconds" >&2 || fuzz_status=1
fi

status=0
swift test --skip-build "$@" || status=$?
if ((status == 0)); then status=$fuzz_status; fi
exit "$status"
