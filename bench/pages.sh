#!/usr/bin/env bash
# Web pages of lava-server (issue 15's Benchmark; figures go to BENCHMARKS.md):
#   bench/pages.sh [pages.py options]      e.g. --duration 10, --signed-in, --backend sqlite
# Builds lava-server as it is deployed (release, the Swift standard library linked in:
# .build-static, as bench/supervisor.sh) and runs bench/pages.py on SQLite
# and PostgreSQL: 10,000 jobs, 1,000 workers, 2,000 devices, a 1,000,000-record log; the time of
# each page (p50/p99, first byte and whole page) and the server's RSS while the log is read.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:$PATH
command -v wrk >/dev/null || { echo "pages.sh: wrk is missing: run scripts/install-deps.sh" >&2; exit 1; }
swift build -c release --static-swift-stdlib --product lava-server --scratch-path .build-static >&2
exec /usr/bin/python3 bench/pages.py --backend both "$@" .build-static/release/lava-server
