#!/usr/bin/env bash
# Prints the directory of Debian's LAVA device-type templates (bookworm's lava-server 2023.01),
# for the differential test (LAVA_TEST_DEVICE_TYPES; scripts/test.sh sets it from this output).
#
#   scripts/lava-templates.sh
#
# The first time, downloads the package with `apt-get download` and extracts it with
# `dpkg-deb -x` into .build/lava-server-VERSION/ (outside git: the templates are LAVA's, used by
# the tests only); afterwards only prints the path. Messages go to stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=2023.01-2
root=.build/lava-server-$version
templates=$root/usr/share/lava-server/device-types

if [[ ! -d $templates ]]; then
  mkdir -p .build
  work=$(mktemp -d ".build/lava-server-$version.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download "lava-server=$version") >&2
  dpkg-deb -x "$work"/lava-server_*.deb "$work/root"
  [[ -d $work/root/usr/share/lava-server/device-types ]] || {
    echo "lava-templates.sh: lava-server $version has no usr/share/lava-server/device-types" >&2
    exit 1
  }
  rm -rf "$root"
  mv "$work/root" "$root"
fi
echo "$PWD/$templates"
