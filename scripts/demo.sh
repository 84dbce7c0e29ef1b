#!/usr/bin/env bash
# scripts/demo.sh - THE main-job command: setup, a release build in
# build/release (gcc, no sanitizers), the firmware self-check, and a
# simulated cloud of two snic-sim hosts with VMs that talk through the
# simulated NICs.  Runnable from any directory; needs root.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/demo.sh [--keep] [--help]

Runs scripts/setup.sh, configures and builds build/release (gcc,
CMAKE_BUILD_TYPE=Release, no sanitizers) with -j$(nproc), then:
  1. the firmware self-check over the default board (snic-fw-selfcheck:
     VXLAN encap/decap, exception path, counters, in memory);
  2. a simulated cloud (sim/examples/two-hosts.topo): two snic-sim hosts on
     an underlay bridge, two VMs each; the VMs ping each other through the
     simulated NICs' TAPs and the underlay (the NICs' e-switches are in
     legacy mode, forwarding by MAC: the VXLAN overlay and tenant isolation
     come with the offload manager), the NICs' counters are shown, and
     everything is torn down.
Exits 0 when every step worked.

  --keep          leave the simulated cloud up and print how to use it
  -h, --help      this text
USAGE
}

keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --keep)    keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *)         echo "demo.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$root"
build=build/release
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
setup_and_build "$build" gcc "gcc, Release, no sanitizers" -DCMAKE_BUILD_TYPE=Release -DSNIC_SANITIZE=OFF -DSNIC_FUZZ=OFF

stage "firmware self-check: $build/nic-fw/snic-fw-selfcheck"
"$build/nic-fw/snic-fw-selfcheck" </dev/null

sim=$build/sim/snic-sim
topo=(sim/snic-topo --sim "$sim")
desc=sim/examples/two-hosts.topo
state=/run/snic/topo/demo

stage "simulated cloud: snic-topo up $desc"
"${topo[@]}" down --prefix demo -q || true
if [[ $keep -eq 0 ]]; then
  trap '"${topo[@]}" down --prefix demo -q || true' EXIT
fi
"${topo[@]}" up "$desc"

stage "traffic between VMs, through the simulated NICs"
fail=0
while read -r vm ip what; do
  if out=$("${topo[@]}" exec --prefix demo "$vm" -- ping -c 3 -i 0.2 -W 2 "$ip" 2>&1); then
    printf '  %-4s -> %-10s %-28s %s\n' "$vm" "$ip" "$what" \
      "$(grep -Eo '[0-9]+ received, [0-9]+% packet loss' <<<"$out")"
  else
    printf '  %-4s -> %-10s %-28s FAILED\n%s\n' "$vm" "$ip" "$what" "$out"
    fail=1
  fi
done <<'PAIRS'
a1 10.10.0.2 (tenant 100, host h1 -> h2)
b1 10.20.0.2 (tenant 200, host h1 -> h2)
a2 10.10.0.1 (tenant 100, host h2 -> h1)
PAIRS

stage "the NICs' counters (snic-sim ctl status)"
for h in h1 h2; do
  "$sim" ctl --ctl "$state/$h.ctl" status 2>/dev/null |
    grep -E '^(nic|port (uplink0|vf0|vf1) )' | sed 's/^/  /' || true
done

if [[ $keep -eq 1 ]]; then
  stage "left up"
  printf '%s\n' \
    "The simulated cloud is up.  Enter a VM:" \
    "  sim/snic-topo exec --prefix demo a1 -- bash" \
    "Status:        sim/snic-topo status --prefix demo" \
    "Tear it down:  sim/snic-topo down --prefix demo"
fi
if [[ $fail -ne 0 ]]; then
  stage "demo FAILED"
  exit 1
fi
stage "demo passed"
