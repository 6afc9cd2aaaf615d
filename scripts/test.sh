#!/usr/bin/env bash
# THE test command of the project (README and .ci/run call exactly this).
#
#   scripts/test.sh [swift test args...]     e.g. scripts/test.sh --filter LogTests
#
# Installs missing Debian packages, starts the throwaway PostgreSQL cluster
# (scripts/postgres.sh) unless it is already running, exports
# LAVA_TEST_POSTGRES_URL, builds the tests, then runs `swift test --skip-build "$@"`.
# If LAVA_TEST_POSTGRES_URL is already set, that database is used and no cluster is started.
# PostgreSQL is stopped on exit only if this script started it; the exit status is
# swift test's, and swift test's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

scripts/install-deps.sh

started_pg=0
cleanup() {
  # Must stay silent: swift test's summary has to be the last output.
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

swift build --build-tests

status=0
swift test --skip-build "$@" || status=$?
exit "$status"
