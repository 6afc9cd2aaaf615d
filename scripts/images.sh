#!/usr/bin/env bash
# Builds the two images of one LAVA version from this checkout: the lava-dispatcher image
# (lava-worker and lava-run, which lava-docker-worker runs) and the lava-server image.
#
#   scripts/images.sh [--push] VERSION [PREFIX]
#
# Tags PREFIX/lava-dispatcher:VERSION and PREFIX/lava-server:VERSION; PREFIX defaults to
# lavasoftware, e.g. 127.0.0.1:5000/lavasoftware tags for that registry. --push then pushes
# both (without credentials: a registry that wants a login is pushed to with its own tools).
#
# Builds the static binaries (swift build --static-swift-stdlib, debug, in .build-static;
# incremental), then each image from docker/<name>/Dockerfile through the Engine API
# (POST /build), as the product talks to the engine: no docker CLI needed. The binaries report
# $LAVA_VERSION, which the images set to VERSION, so one build of them makes images of any
# version. Running it again with nothing changed gives the same images from the engine's cache.
#
# Environment:
#   DOCKER_HOST                  unix:///path/to/docker.sock (default unix:///var/run/docker.sock)
#   LAVA_IMAGE_CONFIGURATION     debug (default) or release, the binaries' swift build configuration
#
# Only the images' tags go to stdout, one a line; the builds' output goes to stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "images.sh: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { die "usage: scripts/images.sh [--push] VERSION [PREFIX]"; }

PUSH=0
if [[ ${1:-} == --push ]]; then
  PUSH=1
  shift
fi
(($# >= 1 && $# <= 2)) || usage
VERSION=$1
PREFIX=${2:-lavasoftware}
[[ $VERSION =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || die "'$VERSION' is not a version"
[[ -n $PREFIX && $PREFIX != */ ]] || die "'$PREFIX' is not a repository prefix"
CONFIGURATION=${LAVA_IMAGE_CONFIGURATION:-debug}
[[ $CONFIGURATION == debug || $CONFIGURATION == release ]] || die "LAVA_IMAGE_CONFIGURATION must be debug or release"

DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
[[ $DOCKER_HOST == unix://* ]] || die "DOCKER_HOST=$DOCKER_HOST: only unix:// sockets are supported"
SOCKET=${DOCKER_HOST#unix://}
[[ -S $SOCKET ]] || die "no Docker engine socket at $SOCKET (set DOCKER_HOST=unix://PATH)"
for tool in curl jq tar base64; do
  command -v "$tool" >/dev/null || die "$tool is needed (apt-get install $tool)"
done
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

# One product per command: given several --product options, swift build builds only the last.
for product in lava-worker lava-run lava-server; do
  swift build -c "$CONFIGURATION" --static-swift-stdlib --product "$product" --scratch-path .build-static >&2
done
BIN=$(swift build -c "$CONFIGURATION" --static-swift-stdlib --scratch-path .build-static --show-bin-path)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

uri() { jq -rn --arg v "$1" '$v | @uri'; }

# POSTs to the engine's PATH with the extra curl arguments, stdin as the body if they say so.
# The engine answers 200 and then streams JSON messages, one of which is {"error": ...} if the
# work fails; any other status comes with a {"message": ...} body. Progress goes to stderr;
# non-JSON lines are shown as they are rather than stopping the display.
engine_stream() {
  local what=$1 path=$2
  shift 2
  local statuses status error
  # Statuses are checked by hand: on an early refusal (a bad tag) the engine closes the connection
  # before taking the whole body, and the engine's reason must not be hidden by curl's.
  set +e
  curl -sS -N --unix-socket "$SOCKET" -X POST -H 'Expect:' -D "$work/headers" "$@" "http://localhost$path" \
    | tee "$work/stream" \
    | jq -R --unbuffered -rj '(fromjson? // {stream: "\(.)\n"}) | (.stream // empty), (.error // empty | "ERROR: \(.)\n")' >&2
  statuses=("${PIPESTATUS[@]}")
  set -e
  status=$(awk '/^HTTP\// {status = $2} END {print status}' "$work/headers")
  [[ $status == 200 ]] || die "$what: the engine answered HTTP ${status:-nothing}: $(cat "$work/stream")"
  [[ ${statuses[*]} == "0 0 0" ]] || die "$what: the connection failed (curl, tee, jq exit statuses: ${statuses[*]})"
  error=$(jq -Rr 'fromjson? | .error // empty' "$work/stream" | head -n 1)
  [[ -z $error ]] || die "$what failed: $error"
}

# build_image TAG BUILDARGS_JSON TAR_ARGUMENTS...: the context is assembled by tar from its places
# (no copy of the binaries) and streamed (-T; --data-binary would hold it all in memory).
build_image() {
  local tag=$1 buildargs=$2
  shift 2
  local query="t=$(uri "$tag")&networkmode=host&rm=1&forcerm=1&buildargs=$(uri "$buildargs")"
  log "building $tag (LAVA $VERSION) on $SOCKET"
  set +e
  tar -c "$@" | engine_stream "building $tag" "/build?$query" -T - -H 'Content-Type: application/x-tar'
  local statuses=("${PIPESTATUS[@]}")
  set -e
  ((statuses[1] == 0)) || exit 1 # engine_stream said why
  ((statuses[0] == 0)) || die "building $tag: tar failed to send the context"
}

# The repository goes in the path as it is: the engine's router takes names with "/" and ":", and
# the build has already checked it. An empty X-Registry-Auth (base64 of {}): the engine wants the
# header even without credentials.
push_image() {
  local repository=${1%:*}
  log "pushing $1"
  engine_stream "pushing $1" "/images/$repository/push?tag=$(uri "$VERSION")" \
    -H "X-Registry-Auth: $(printf '{}' | base64)"
}

DISPATCHER=$PREFIX/lava-dispatcher:$VERSION
SERVER=$PREFIX/lava-server:$VERSION

# The same parser the Dockerfile checks this value with.
OPTIONS=$(docker/lava-dispatcher/lava-worker-options.sh "$BIN/lava-worker")
build_image "$DISPATCHER" "$(jq -cn --arg v "$VERSION" --arg o "$OPTIONS" '{LAVA_VERSION: $v, LAVA_WORKER_OPTIONS: $o}')" \
  -C docker/lava-dispatcher Dockerfile lava-worker-options.sh -C "$BIN" lava-worker lava-run
build_image "$SERVER" "$(jq -cn --arg v "$VERSION" '{LAVA_VERSION: $v}')" \
  -C docker/lava-server Dockerfile -C "$PWD/server/etc" device-types -C "$PWD/server" templates static -C "$BIN" lava-server

if ((PUSH)); then
  push_image "$DISPATCHER"
  push_image "$SERVER"
fi
printf '%s\n' "$DISPATCHER" "$SERVER"
