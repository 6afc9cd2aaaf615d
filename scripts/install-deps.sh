#!/usr/bin/env bash
# Installs the Debian packages that the build, the tests and the benchmarks need.
# Idempotent: does nothing (and prints nothing) when everything is already installed;
# runs `apt-get update` only when something is missing. Must run as root (no sudo).
set -euo pipefail

PACKAGES=(
  libcurl4-openssl-dev   # FoundationNetworking / HTTP client
  libsystemd-dev         # sd_notify, journal
  systemd                # tests: systemd-analyze verify on the units in systemd/
  libseccomp-dev         # worker sandboxing
  postgresql             # test/bench database (scripts/postgres.sh); brings psql, pg_ctl, initdb
  wrk                    # HTTP benchmarks (bench/*.lua)
  procps                 # pgrep/pkill/ps used by scripts
  util-linux             # runuser (postgres.sh runs initdb/pg_ctl as the postgres user); unshare (NameLookupTests)
  strace                 # tests: every socket address a worker uses (NetworkTrace, NameLookupTests)
  libsqlite3-dev         # the worker's job database (system SQLite)
  git                    # lava-run fetches git test definitions
  xz-utils               # lava-run: tar.xz test definitions
  bzip2                  # lava-run: tar.bz2 test definitions
  openssl                # tests: a CA and a server certificate for the TLS test
  haproxy                # server/haproxy/haproxy.cfg, run by the scaled-out deployment test
  lava-dispatcher        # tests: LAVA 2023.01's own lava-worker and lava-run as a worker of our server
  python3-jinja2         # tests: Python's Jinja2, against which the device-template renderer is compared
  chromium               # tests: the headless browser the web-page tests drive
  chromium-driver        # tests: chromedriver, which drives it over WebDriver (Tests/LavaTestSupport/ChromeDriver.swift)
  lavacli                # tests: Debian's lavacli, the XML-RPC client run against /RPC2 (LavacliTests)
  libexpat1-dev          # the XML-RPC request parser (libexpat, the CExpat system library)
  ca-certificates
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  # "ii " = installed and configured
  if [[ "$status" != ii* ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps.sh: missing packages (${missing[*]}) and not root; install them or rerun as root" >&2
  exit 1
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q \
       && apt-get install -y -q --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${missing[@]}"; } >"$log" 2>&1 </dev/null; then
  cat "$log" >&2
  echo "install-deps.sh: apt-get failed" >&2
  exit 1
fi
