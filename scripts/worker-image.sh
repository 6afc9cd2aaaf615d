#!/usr/bin/env bash
# Builds the lava-dispatcher image (lava-worker and lava-run of one LAVA version) that
# lava-docker-worker runs, from this checkout.
#
#   scripts/worker-image.sh VERSION [TAG]     TAG defaults to lavasoftware/lava-dispatcher:VERSION
#
# Builds the static binaries (swift build --static-swift-stdlib, debug, in .build-static;
# incremental), then the image from docker/lava-dispatcher/Dockerfile through the Engine API
# (POST /build), as the product talks to the engine: no docker CLI needed. The binaries report
# $LAVA_VERSION, which the image sets to VERSION, so one build of them makes images of any version.
# Running it again with nothing changed gives the same image from the engine's cache.
#
# Environment:
#   DOCKER_HOST                  unix:///path/to/docker.sock (default unix:///var/run/docker.sock)
#   LAVA_IMAGE_CONFIGURATION     debug (default) or release, the binaries' swift build configuration
#
# Only the image's tag goes to stdout; the builds' output goes to stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "worker-image.sh: $*" >&2; }
die() { log "$*"; exit 1; }

(($# >= 1 && $# <= 2)) || die "usage: scripts/worker-image.sh VERSION [TAG]"
VERSION=$1
TAG=${2:-lavasoftware/lava-dispatcher:$VERSION}
[[ $VERSION =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || die "'$VERSION' is not a version"
CONFIGURATION=${LAVA_IMAGE_CONFIGURATION:-debug}
[[ $CONFIGURATION == debug || $CONFIGURATION == release ]] || die "LAVA_IMAGE_CONFIGURATION must be debug or release"

DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
[[ $DOCKER_HOST == unix://* ]] || die "DOCKER_HOST=$DOCKER_HOST: only unix:// sockets are supported"
SOCKET=${DOCKER_HOST#unix://}
[[ -S $SOCKET ]] || die "no Docker engine socket at $SOCKET (set DOCKER_HOST=unix://PATH)"
for tool in curl jq tar; do
  command -v "$tool" >/dev/null || die "$tool is needed (apt-get install $tool)"
done
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

# One product per command: given several --product options, swift build builds only the last.
for product in lava-worker lava-run; do
  swift build -c "$CONFIGURATION" --static-swift-stdlib --product "$product" --scratch-path .build-static >&2
done
BIN=$(swift build -c "$CONFIGURATION" --static-swift-stdlib --scratch-path .build-static --show-bin-path)

# The same parser the Dockerfile checks this value with.
OPTIONS=$(docker/lava-dispatcher/lava-worker-options.sh "$BIN/lava-worker")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

query="t=$(jq -rn --arg v "$TAG" '$v | @uri')&networkmode=host&rm=1&forcerm=1"
query+="&buildargs=$(jq -rn --arg v "$VERSION" --arg o "$OPTIONS" '{LAVA_VERSION: $v, LAVA_WORKER_OPTIONS: $o} | tojson | @uri')"

log "building $TAG (LAVA $VERSION) on $SOCKET"
# The context is assembled by tar from its two places (no copy of the binaries): the Dockerfile
# with its helper, and the binaries; -T streams it (--data-binary would hold it all in memory).
# The engine answers 200 and then streams JSON messages, one of which is {"error": ...} if a
# step fails; any other status comes with a {"message": ...} body. Non-JSON lines are shown as
# they are rather than stopping the stream's display.
# Statuses are checked by hand below: on an early refusal (a bad tag) the engine closes the
# connection before taking the whole context, and tar's SIGPIPE must not hide the engine's reason.
set +e
tar -c -C docker/lava-dispatcher Dockerfile lava-worker-options.sh -C "$BIN" lava-worker lava-run \
  | curl -sS -N --unix-socket "$SOCKET" -X POST -T - -H 'Content-Type: application/x-tar' -H 'Expect:' \
      -D "$work/headers" "http://localhost/build?$query" \
  | tee "$work/stream" \
  | jq -R --unbuffered -rj '(fromjson? // {stream: "\(.)\n"}) | (.stream // empty), (.error // empty | "ERROR: \(.)\n")' >&2
statuses=("${PIPESTATUS[@]}")
set -e

status=$(awk '/^HTTP\// {status = $2} END {print status}' "$work/headers")
[[ $status == 200 ]] || die "the engine answered HTTP ${status:-nothing}: $(cat "$work/stream")"
[[ ${statuses[*]} == "0 0 0 0" ]] || die "sending the context failed (tar, curl, tee, jq exit statuses: ${statuses[*]})"
error=$(jq -Rr 'fromjson? | .error // empty' "$work/stream" | head -n 1)
[[ -z $error ]] || die "building $TAG failed: $error"
echo "$TAG"
