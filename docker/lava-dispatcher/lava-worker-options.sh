#!/bin/sh
# Prints the long options a lava-worker binary accepts, space-separated, in its --help order:
#
#   lava-worker-options.sh /path/to/lava-worker
#
# The one parser of that list: scripts/images.sh and the tests' WorkerImage run it on the
# host to fill the image's org.lavasoftware.lava-worker.options label, and the Dockerfile runs it
# again inside the image and fails the build if the two differ, so the label cannot lie.
#
# ArgumentParser prints each option's names indented by exactly two spaces, then its description
# after two or more spaces (or on the next, deeper indented line). Only that names column is
# read, so an option mentioned in a description ("runs lava-run with --debug") is not counted.
set -eu
help=$("$1" --help)
options=$(printf '%s\n' "$help" \
  | sed -n 's/^  \(-.*\)$/\1/p' \
  | sed 's/  .*//' \
  | grep -o -e '--[A-Za-z0-9][A-Za-z0-9-]*' \
  | tr '\n' ' ')
options=${options% }
if [ -z "$options" ]; then
  echo "lava-worker-options.sh: no option found in the output of $1 --help" >&2
  exit 1
fi
printf '%s\n' "$options"
