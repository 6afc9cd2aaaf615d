/// The units and environment file templates, embedded so the installer needs nothing beside its
/// own binary. They must stay identical to systemd/lava-docker-worker.service,
/// systemd/lava-docker-worker and their instance counterparts lava-docker-worker@.service and
/// lava-docker-worker@.conf in the repository (a test compares them), which are the readable
/// copies for admins who install by hand.
enum UnitTemplates {
    /// The binary path in `unit`'s ExecStart=, replaced when installing another path.
    static let defaultBinary = "/usr/local/bin/lava-docker-worker"

    static let unit = #"""
# lava-swift's lava-docker-worker: runs lava-worker in a Docker container of the server's
# version and upgrades it. The variables are LAVA's, set in EnvironmentFile= (written by
# `lava-docker-worker install`); Type=notify and the watchdog because the supervisor reports
# READY=1 and pings WATCHDOG=1 only while the server answers (cut off, it gets restarted).
[Unit]
Description=LAVA docker worker
After=network-online.target remote-fs.target containerd.service docker.service
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
WatchdogSec=120
# READY=1 comes once the worker container runs: after the server answered and, the first
# time, the worker image was pulled, which systemd's 90 s would cut short on a slow link.
TimeoutStartSec=15min
Environment=URL=http://localhost/ LOGLEVEL=INFO WORKER_DIR="/var/lib/lava/dispatcher/docker-worker" BUILD_DIR="/etc/lava-dispatcher-host/build" LOG_FILE="-"
EnvironmentFile=-/etc/lava-dispatcher-host/lava-docker-worker
ExecStart=/usr/local/bin/lava-docker-worker --level $LOGLEVEL --url $URL $TOKEN $WORKER_NAME $WS_URL $HTTP_TIMEOUT $JOB_LOG_INTERVAL --worker-dir $WORKER_DIR --build-dir $BUILD_DIR $BUILD_OPTIONS $MOUNTS $IMAGE $DOCKER_SOCKET $METRICS_ADDRESS $SECCOMP --log-file $LOG_FILE $SENTRY_DSN
# On SIGTERM the supervisor has the worker take no new job and exit once its jobs have ended,
# however long they take; a second SIGTERM (systemctl kill lava-docker-worker) kills the worker.
# KillMode=process, as LAVA's: systemd signals the supervisor alone, which stops the worker.
# No sandboxing: the Docker socket makes the supervisor root on this host anyway, and the worker
# container gets the host's /dev, /boot, /lib/modules and --mount paths as they are.
TimeoutStopSec=infinity
Restart=always
KillMode=process

[Install]
WantedBy=multi-user.target

"""#

    static let environmentFile = #"""
# Configuration of lava-docker-worker.service: the variables of LAVA's
# /etc/lava-dispatcher-host/lava-docker-worker. `lava-docker-worker install` writes
# URL, WORKER_NAME, TOKEN and WORKER_DIR at the end, and IMAGE, DOCKER_SOCKET and METRICS_ADDRESS
# with --image, --docker-socket and --metrics-address; uncomment the others to change them.
# Options are passed whole ("--name lab-1"), so an unset variable passes nothing.

# Worker name, as the server knows it (default: the host's FQDN).
# WORKER_NAME="--name <hostname.fqdn>"

# Logging level: DEBUG, INFO, WARN or ERROR.
# LOGLEVEL="INFO"

# Log file: "-" is the standard output, which systemd sends to the journal
# (journalctl -u lava-docker-worker); LAVA logs to /var/log/lava-dispatcher-host/lava-docker-worker.log.
# LOG_FILE="-"

# Server connection. The token is read from a file in the worker directory, never put
# here: this file is readable by every user.
# URL="http://localhost/"
# TOKEN="--token-file /var/lib/lava/dispatcher/docker-worker/token"
# WS_URL="--ws-url http://localhost/ws/"
# HTTP_TIMEOUT="--http-timeout 600"
# JOB_LOG_INTERVAL="--job-log-interval 5"
# MOUNTS="--mount /path/to/directory --mount /path/on/host:/path/on/container --mount /path/host:/path/container:ro"

# Worker directory: job database and token, mounted into the worker container.
# WORKER_DIR="/var/lib/lava/dispatcher/docker-worker"

# Worker image, {version} standing for the server's version (default: LAVA's images,
# lavasoftware/lava-dispatcher:<version> for releases), e.g. this project's images built with
# scripts/worker-image.sh and pushed to the lab's registry.
# IMAGE="--image registry.example/lava-dispatcher:{version}"

# The Docker engine's socket; another for e.g. a rootless engine (/run/user/1000/docker.sock).
# DOCKER_SOCKET="--docker-socket /var/run/docker.sock"

# Prometheus metrics at /metrics, and what `lava-docker-worker status` reads (default: off).
# METRICS_ADDRESS="--metrics-address 127.0.0.1:9250"

# Docker build directory: a Dockerfile there customises the worker image.
# BUILD_DIR="/etc/lava-dispatcher-host/build"
# By default '--no-cache' forces a clean build; "--use-cache" uses the build cache.
# BUILD_OPTIONS="--use-cache"

# The seccomp filters (default: on; docs/security.md): a JSON file of system calls the worker's
# processes may make or not on top of them, e.g. mount for a board job that loop-mounts an image,
# mounted read-only into the worker container; "off" goes without (logged as a warning).
# SECCOMP="--seccomp <default|off|FILE>"

# Sentry Data Source Name.
# SENTRY_DSN="--sentry-dsn <sentry-dsn>"

"""#

    static let instanceUnit = #"""
# lava-swift's lava-docker-worker, one of several on a host: lava-docker-worker@NAME is the
# worker NAME on the server (WORKER_NAME overrides), configured in its own environment file
# /etc/lava-dispatcher-host/NAME.conf (the path of LAVA's template unit), with its own worker
# directory (job database and token) and build directory, so that instances share nothing but
# the host and its Docker engine. Everything else is as in lava-docker-worker.service.
[Unit]
Description=LAVA docker worker %i
After=network-online.target remote-fs.target containerd.service docker.service
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
WatchdogSec=120
TimeoutStartSec=15min
Environment=URL=http://localhost/ LOGLEVEL=INFO WORKER_NAME="--name %i" WORKER_DIR="/var/lib/lava/dispatcher/docker-worker/%i" BUILD_DIR="/etc/lava-dispatcher-host/build/%i" LOG_FILE="-"
EnvironmentFile=-/etc/lava-dispatcher-host/%i.conf
ExecStart=/usr/local/bin/lava-docker-worker --level $LOGLEVEL --url $URL $TOKEN $WORKER_NAME $WS_URL $HTTP_TIMEOUT $JOB_LOG_INTERVAL --worker-dir $WORKER_DIR --build-dir $BUILD_DIR $BUILD_OPTIONS $MOUNTS $IMAGE $DOCKER_SOCKET $METRICS_ADDRESS $SECCOMP --log-file $LOG_FILE $SENTRY_DSN
# See lava-docker-worker.service for why start and stop may take long and for the lack of sandboxing.
TimeoutStopSec=infinity
Restart=always
KillMode=process

[Install]
WantedBy=multi-user.target

"""#

    static let instanceEnvironmentFile = #"""
# Configuration of lava-docker-worker@NAME.service, installed as
# /etc/lava-dispatcher-host/NAME.conf (one file per instance, where LAVA's template unit reads
# it): the variables of lava-docker-worker.service's environment file, whose defaults here are
# the instance's own. `lava-docker-worker install --instance NAME` writes URL, WORKER_NAME, TOKEN
# and WORKER_DIR at the end, and IMAGE, DOCKER_SOCKET and METRICS_ADDRESS with --image,
# --docker-socket and --metrics-address; uncomment the others to change them.
# Options are passed whole ("--name lab-1"), so an unset variable passes nothing.

# Worker name, as the server knows it (default: the instance name).
# WORKER_NAME="--name NAME"

# Logging level: DEBUG, INFO, WARN or ERROR.
# LOGLEVEL="INFO"

# Log file: "-" is the standard output, which systemd sends to the journal
# (journalctl -u lava-docker-worker@NAME).
# LOG_FILE="-"

# Server connection. Keep the token in a file in the worker directory (mode 0600), never
# here: this file is readable by every user.
# URL="http://localhost/"
# TOKEN="--token-file /var/lib/lava/dispatcher/docker-worker/NAME/token"
# WS_URL="--ws-url http://localhost/ws/"
# HTTP_TIMEOUT="--http-timeout 600"
# JOB_LOG_INTERVAL="--job-log-interval 5"
# MOUNTS="--mount /path/to/directory --mount /path/on/host:/path/on/container --mount /path/host:/path/container:ro"

# Worker directory: job database and token, mounted into the worker container. Each instance
# needs its own.
# WORKER_DIR="/var/lib/lava/dispatcher/docker-worker/NAME"

# Worker image, {version} standing for the server's version (default: LAVA's images,
# lavasoftware/lava-dispatcher:<version> for releases), e.g. this project's images built with
# scripts/worker-image.sh and pushed to the lab's registry.
# IMAGE="--image registry.example/lava-dispatcher:{version}"

# The Docker engine's socket; another for e.g. a rootless engine (/run/user/1000/docker.sock).
# DOCKER_SOCKET="--docker-socket /var/run/docker.sock"

# Prometheus metrics at /metrics, and what `lava-docker-worker status --metrics-address` reads
# (default: off); each instance on its own port.
# METRICS_ADDRESS="--metrics-address 127.0.0.1:9251"

# Docker build directory: a Dockerfile there customises this instance's worker image.
# BUILD_DIR="/etc/lava-dispatcher-host/build/NAME"
# By default '--no-cache' forces a clean build; "--use-cache" uses the build cache.
# BUILD_OPTIONS="--use-cache"

# The seccomp filters (default: on; docs/security.md): a JSON file of system calls the worker's
# processes may make or not on top of them, e.g. mount for a board job that loop-mounts an image,
# mounted read-only into the worker container; "off" goes without (logged as a warning).
# SECCOMP="--seccomp <default|off|FILE>"

# Sentry Data Source Name.
# SENTRY_DSN="--sentry-dsn <sentry-dsn>"

"""#
}
