#!/usr/bin/env bash
# scripts/demo.sh - THE main-job command: setup, a release build in
# build/release (gcc, no sanitizers) and the firmware self-check over the
# default board.  Exits with the self-check's status.  Runnable from any
# directory; needs root (setup).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/demo.sh [--help]

Runs scripts/setup.sh, configures and builds build/release (gcc,
CMAKE_BUILD_TYPE=Release, no sanitizers) with -j$(nproc), then runs
build/release/nic-fw/snic-fw-selfcheck (the firmware self-check over the
default board) and exits with its status.

  -h, --help      this text
USAGE
}

while [[ $# -gt 0 ]]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    *)         echo "demo.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$root"
build=build/release
stage() { printf '\n==> %s\n' "$*"; }

stage "setup (scripts/setup.sh)"
bash scripts/setup.sh

stage "configure $build (gcc, Release, no sanitizers)"
if [[ -f $build/CMakeCache.txt ]] &&
   ! grep -Eq '^CMAKE_C_COMPILER:[A-Z]+=(.*/)?gcc$' "$build/CMakeCache.txt"; then
  echo "$build was configured with another compiler: reconfiguring from scratch"
  rm -rf -- "$build/CMakeCache.txt" "$build/CMakeFiles"
fi
CC=gcc cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSNIC_SANITIZE=OFF -DSNIC_FUZZ=OFF

stage "build $build (-j$(nproc))"
cmake --build "$build" -j"$(nproc)"

stage "run $build/nic-fw/snic-fw-selfcheck"
rc=0
"$build/nic-fw/snic-fw-selfcheck" </dev/null || rc=$?
stage "snic-fw-selfcheck exit status $rc"
exit "$rc"
