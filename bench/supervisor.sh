#!/usr/bin/env bash
# Benchmark of lava-docker-worker (figures go to BENCHMARKS.md, "Supervisor (issue 12)" and
# "Event stream (issue 13)"):
#   bench/supervisor.sh [--runs N] [--idle SECONDS] [--cases present,pulled,ahead,announced,announced-check]
# Builds lava-worker, lava-run, lava-docker-worker and lava-server in release mode with the Swift
# standard library linked in (.build-static/release: the images carry the first two), starts the
# throwaway engine and registry of scripts/docker-engine.sh (idempotent; LAVA_TEST_REGISTRY names
# another registry) and runs bench/supervisor.py, which says what each figure is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
socket=$(scripts/docker-engine.sh start)
scripts/docker-engine.sh base-image >&2
if [[ -z ${LAVA_TEST_REGISTRY:-} ]]; then
  export LAVA_TEST_REGISTRY=$(scripts/docker-engine.sh registry)
fi
export DOCKER_HOST=unix://$socket
# One product per invocation (swift build takes a single --product); the later ones reuse the
# modules the first one built.
for product in lava-worker lava-run lava-docker-worker lava-server; do
  swift build -c release --static-swift-stdlib --product "$product" --scratch-path .build-static >&2
done
exec python3 bench/supervisor.py "$@" .build-static/release .build-static/release/lava-server
