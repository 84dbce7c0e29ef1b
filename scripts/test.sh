#!/usr/bin/env bash
# scripts/test.sh - THE test command: setup, a sanitized clang build in
# build/ci, and every ctest label (unit, integration, fuzz-smoke).
# Exits with ctest's status.  Runnable from any directory; needs root.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/test.sh [--label LABEL] [--help]

Runs scripts/setup.sh, configures build/ci (clang, -DSNIC_SANITIZE=ON
-DSNIC_FUZZ=ON, RelWithDebInfo) and builds it with -j$(nproc), builds the
tree once more with gcc (build/gcc, Release: gcc's warnings are errors too),
and runs
  ctest --output-on-failure --timeout 600
over every label (unit, integration, fuzz-smoke); exits with ctest's status.

  --label LABEL   run only the tests with this ctest label (for developers)
  -h, --help      this text
USAGE
}

label=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --label)   [[ $# -ge 2 && -n $2 ]] || { echo "test.sh: --label needs a value" >&2; exit 2; }
               label=$2; shift 2 ;;
    --label=*) label=${1#--label=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *)         echo "test.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$root"
build=build/ci
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
setup_and_build "$build" clang "clang, ASan+UBSan, libFuzzer, RelWithDebInfo" -DSNIC_SANITIZE=ON -DSNIC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
# gcc warns about things clang does not (and the main job builds with gcc):
# the whole tree must build warning-free with it too
build_tree build/gcc gcc "gcc, Release: the tree builds warning-free with gcc too" -DCMAKE_BUILD_TYPE=Release

ctest_args=(--test-dir "$build" --output-on-failure --timeout 600)
if [[ -n $label ]]; then
  ctest_args+=(-L "^${label}\$")
  stage "test: ctest label '$label'"
else
  stage "test: ctest (unit, integration, fuzz-smoke)"
fi
rc=0
ctest "${ctest_args[@]}" || rc=$?
stage "ctest exit status $rc"
exit "$rc"
