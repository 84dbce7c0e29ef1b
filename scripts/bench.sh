#!/usr/bin/env bash
# scripts/bench.sh - the benchmark command: setup, a Release build in
# build/release (gcc, no sanitizers: figures from a sanitized build mean
# nothing), then every benchmark section side by side with its reference
# (tests/bench/run.sh; tests/bench/README.md says what each row is).
# Runnable from any directory; needs root.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/bench.sh [--quick] [--only S[,S...]] [--json FILE] [--help]

Runs scripts/setup.sh, configures and builds build/release (gcc, Release),
then tests/bench/run.sh: classification against DPDK rte_acl (cls), the
software datapath per packet against the 10 GbE budget (pkt), rule insertion
against Open vSwitch (insert), scale to 1 M hardware rules (scale), VM to VM
over VXLAN against the Linux kernel and OVS userspace (e2e), and the first
packet of a new flow (first).  Prints the table and writes the JSON.

  --quick         small sizes, short runs (under a minute): checks the harness
  --only S,...    only these sections: cls pkt insert scale e2e first
  --json FILE     the JSON document (default: bench-results.json here)
  -h, --help      this text
USAGE
}

args=()
json=$PWD/bench-results.json
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick)   args+=("$1"); shift ;;
    --only)    [[ $# -ge 2 ]] || { echo "bench.sh: --only needs a section list" >&2; exit 2; }
               args+=("$1" "$2"); shift 2 ;;
    --json)    [[ $# -ge 2 ]] || { echo "bench.sh: --json needs a file name" >&2; exit 2; }
               json=$(realpath -m -- "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *)         echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$root"
build=build/release
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
setup_and_build "$build" gcc "gcc, Release, no sanitizers" -DCMAKE_BUILD_TYPE=Release -DSNIC_SANITIZE=OFF -DSNIC_FUZZ=OFF

stage "benchmarks (tests/bench/run.sh)"
exec bash tests/bench/run.sh --build "$build" --json "$json" "${args[@]}"
