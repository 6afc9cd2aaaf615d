#!/usr/bin/env bash
# A throwaway Docker engine (and local registry) for tests, not the system service.
#
#   scripts/docker-engine.sh start            # install (first time) + start dockerd; idempotent; prints the socket path
#   scripts/docker-engine.sh socket           # prints the socket path
#   scripts/docker-engine.sh status           # exit 0 if the engine answers /_ping
#   scripts/docker-engine.sh status registry  # exit 0 if the registry answers /v2/
#   scripts/docker-engine.sh base-image       # makes debian:bookworm-slim (debootstrap minbase) if the engine lacks it
#   scripts/docker-engine.sh registry         # starts docker-registry on 127.0.0.1:5000; idempotent; prints 127.0.0.1:5000
#   scripts/docker-engine.sh stop             # stops the registry and the engine (no-op if not running)
#   scripts/docker-engine.sh stop registry    # stops the registry only
#
# Environment:
#   LAVA_DOCKER_DIR  base directory (default /tmp/lava-docker): data-root in data/, exec-root in
#                    exec/, socket docker.sock, pidfile pid, log dockerd.log, registry storage in registry/
#
# Only the socket path / registry address goes to stdout; everything else goes to stderr.
# Must run as root (no sudo). See docs in /work/shared/notes/docker-engine.md for why each piece
# is there (runc wrapper, --bridge=none, loopback registry).
set -euo pipefail

DIR=${LAVA_DOCKER_DIR:-/tmp/lava-docker}
SOCKET="$DIR/docker.sock"
PIDFILE="$DIR/pid"
LOG="$DIR/dockerd.log"
WRAPPER="$DIR/runc-wrapper"
REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_PIDFILE="$DIR/registry.pid"
REGISTRY_LOG="$DIR/registry.log"
BASE_REPO=debian
BASE_TAG=bookworm-slim

PACKAGES=(docker.io debootstrap docker-registry curl jq)

log() { echo "docker-engine.sh: $*" >&2; }
die() { log "$*"; exit 1; }

ensure_packages() {
  local missing=() pkg status
  for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) -eq 0 ]] || die "missing packages (${missing[*]}) and not root; install them or rerun as root"
  log "installing ${missing[*]}"
  local apt_log
  apt_log=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
              -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
              "${missing[@]}"; } >"$apt_log" 2>&1 </dev/null; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    die "apt-get failed"
  fi
  rm -f "$apt_log"
}

# curl against the engine's API; the host part of the URL is ignored over a unix socket.
engine() { curl -sS --unix-socket "$SOCKET" "$@"; }

engine_up() { [[ -S $SOCKET ]] && [[ $(engine -m 5 http://localhost/_ping 2>/dev/null) == OK ]]; }

registry_up() { curl -sf -m 5 -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null || return 1; }

# Some build machines lack CAP_SYS_RESOURCE in their capability bounding set, so runc cannot
# grant it to privileged containers ("unable to apply caps"). This OCI runtime drops it from the
# bundle's config.json when (and only when) the host cannot grant it, then hands over to runc:
# the product still asks the engine for Privileged=true exactly as on a normal host.
write_wrapper() {
  cat >"$WRAPPER" <<'WRAPPER'
#!/bin/sh
# Written by scripts/docker-engine.sh: drops CAP_SYS_RESOURCE when the host cannot grant it.
bundle=
prev=
for arg in "$@"; do
  case "$prev" in --bundle|-b) bundle=$arg ;; esac
  case "$arg" in --bundle=*) bundle=${arg#--bundle=} ;; esac
  prev=$arg
done
capbnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
# CAP_SYS_RESOURCE is capability 24.
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ] && [ $(( 0x$capbnd >> 24 & 1 )) -eq 0 ]; then
  tmp="$bundle/config.json.lava"
  jq -c '(.process.capabilities // {}) |= map_values(map(select(. != "CAP_SYS_RESOURCE")))' \
    "$bundle/config.json" >"$tmp" && mv "$tmp" "$bundle/config.json"
fi
exec /usr/sbin/runc "$@"
WRAPPER
  chmod 755 "$WRAPPER"
}

cmd_start() {
  ensure_packages
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock 9
  if ! engine_up; then
    if [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      die "dockerd (pid $(cat "$PIDFILE")) is running but does not answer on $SOCKET; see $LOG or run '$0 stop'"
    fi
    write_wrapper
    log "starting dockerd on $SOCKET (log: $LOG)"
    # setsid + 9>&-: dockerd outlives this script and must not hold the lock.
    setsid dockerd \
      --data-root "$DIR/data" --exec-root "$DIR/exec" --pidfile "$PIDFILE" \
      -H "unix://$SOCKET" --iptables=false --bridge=none \
      --add-runtime "lava-runc=$WRAPPER" --default-runtime lava-runc \
      </dev/null >>"$LOG" 2>&1 9>&- &
    local i
    for ((i = 0; i < 120; i++)); do
      engine_up && break
      kill -0 $! 2>/dev/null || { tail -n 30 "$LOG" >&2; die "dockerd exited"; }
      sleep 0.5
    done
    engine_up || { tail -n 30 "$LOG" >&2; die "dockerd does not answer /_ping on $SOCKET"; }
  fi
  echo "$SOCKET"
}

cmd_base_image() {
  engine_up || die "no engine on $SOCKET; run '$0 start' first"
  local status
  status=$(engine -o /dev/null -w '%{http_code}' "http://localhost/images/$BASE_REPO:$BASE_TAG/json")
  [[ $status == 200 ]] && return 0
  [[ $status == 404 ]] || die "inspecting $BASE_REPO:$BASE_TAG: HTTP $status"
  ensure_packages
  exec 8>"$DIR/.base-image.lock"
  flock 8
  local rootfs="$DIR/rootfs.tmp" mirror
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  rm -rf "$rootfs"
  log "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  # minbase: dpkg, apt and the essential set (so /bin/sh, no git), like the official slim image.
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$DIR/debootstrap.log" >&2
    rm -rf "$rootfs"
    die "debootstrap failed"
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  log "importing $BASE_REPO:$BASE_TAG"
  # changes=CMD ["bash"]: the official image's default command.
  local reply
  reply=$(tar -C "$rootfs" -c . | engine -X POST -H 'Content-Type: application/x-tar' --data-binary @- \
    "http://localhost/images/create?fromSrc=-&repo=$BASE_REPO&tag=$BASE_TAG&changes=CMD%20%5B%22bash%22%5D")
  rm -rf "$rootfs"
  if grep -q '"error"' <<<"$reply"; then
    die "import failed: $reply"
  fi
  status=$(engine -o /dev/null -w '%{http_code}' "http://localhost/images/$BASE_REPO:$BASE_TAG/json")
  [[ $status == 200 ]] || die "import did not produce $BASE_REPO:$BASE_TAG: $reply"
}

cmd_registry() {
  ensure_packages
  mkdir -p "$DIR/registry"
  exec 9>"$DIR/.lock"
  flock 9
  if ! registry_up; then
    printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n' \
      "$DIR/registry" "$REGISTRY_ADDR" >"$DIR/registry.yml"
    log "starting docker-registry on $REGISTRY_ADDR (log: $REGISTRY_LOG)"
    setsid docker-registry serve "$DIR/registry.yml" </dev/null >>"$REGISTRY_LOG" 2>&1 9>&- &
    echo $! >"$REGISTRY_PIDFILE"
    local i
    for ((i = 0; i < 60; i++)); do
      registry_up && break
      kill -0 "$(cat "$REGISTRY_PIDFILE")" 2>/dev/null || { tail -n 30 "$REGISTRY_LOG" >&2; die "docker-registry exited"; }
      sleep 0.5
    done
    registry_up || { tail -n 30 "$REGISTRY_LOG" >&2; die "docker-registry does not answer on $REGISTRY_ADDR"; }
  fi
  echo "$REGISTRY_ADDR"
}

# Sends TERM to the pid in $1 and waits up to $2 seconds for it to go.
stop_pid() {
  local pidfile=$1 seconds=$2 name=$3 pid i
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    for ((i = 0; i < seconds * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && die "$name (pid $pid) did not stop"
  fi
  rm -f "$pidfile"
}

cmd_stop() {
  [[ -d $DIR ]] || return 0
  exec 9>"$DIR/.lock"
  flock 9
  stop_pid "$REGISTRY_PIDFILE" 10 docker-registry
  [[ ${1:-} == registry ]] && return 0
  stop_pid "$PIDFILE" 60 dockerd
}

case "${1:-}" in
  start)      cmd_start ;;
  stop)       cmd_stop "${2:-}" ;;
  status)     if [[ ${2:-} == registry ]]; then registry_up; else engine_up; fi ;;
  socket)     echo "$SOCKET" ;;
  base-image) cmd_base_image ;;
  registry)   cmd_registry ;;
  *) echo "usage: $0 start|stop [registry]|status [registry]|socket|base-image|registry" >&2; exit 2 ;;
esac
