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
     an underlay bridge, two tenants (VNI 100 and 200, the same addresses),
     two VMs per host; a snic-offloadd per host gets the tenants' VXLAN
     overlay as OpenFlow rules through snicctl (snic-topo offload); VMs of
     a tenant ping each other across the hosts and run a short iperf3, a VM
     cannot reach the other tenant; dump-flows shows every rule's offload
     state and hardware counters; everything is torn down.
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

offloadd=$build/offload-mgr/snic-offloadd snicctl=$build/offload-mgr/snicctl/snicctl
stage "offload managers: snic-topo offload (a snic-offloadd per host, the overlay via snicctl)"
"${topo[@]}" --offloadd "$offloadd" --snicctl "$snicctl" offload --prefix demo

stage "tenant traffic across the hosts, through the NICs' offloaded VXLAN rules"
fail=0
while read -r vm ip want what; do
  out=$("${topo[@]}" exec --prefix demo "$vm" -- ping -c 3 -i 0.2 -W 1 "$ip" 2>&1) && got=reach || got=unreachable
  res=$(grep -Eo '[0-9]+ received, [0-9]+% packet loss' <<<"$out" || true)
  if [[ $got == "$want" ]]; then
    printf '  %-3s -> %-10s %-40s %-11s (%s)\n' "$vm" "$ip" "$what" "$got" "$res"
  else
    printf '  %-3s -> %-10s %-40s %s, expected %s\n%s\n' "$vm" "$ip" "$what" "$got" "$want" "$out"
    fail=1
  fi
done <<'PAIRS'
a1 10.10.0.2 reach (tenant 100: h1 -> h2)
b1 10.10.0.12 reach (tenant 200: h1 -> h2)
a2 10.10.0.1 reach (tenant 100: h2 -> h1)
a1 10.10.0.12 unreachable (tenant 100 -> tenant 200's b2)
b2 10.10.0.1 unreachable (tenant 200 -> tenant 100's a1)
PAIRS

stage "iperf3 a1 -> a2 (TCP over VXLAN through both NICs, 3 s)"
"${topo[@]}" exec --prefix demo a2 -- iperf3 -s -1 -D --logfile /dev/null
sleep 0.3
if out=$("${topo[@]}" exec --prefix demo a1 -- iperf3 -c 10.10.0.2 -t 3 -f m 2>&1); then
  grep -E 'sender|receiver' <<<"$out" | sed 's/^/  /'
else
  printf '  iperf3 FAILED\n%s\n' "$out"
  fail=1
fi

stage "dump-flows on h1 (offload state, hardware/software counters)"
"$snicctl" --socket "$state/h1-offloadd.sock" dump-flows | sed 's/^/  /'

stage "h1's virtual functions (snic-sriov list: MAC, VLAN, rate, link, VM)"
"$build/sriov/snic-sriov" list "$state/h1.sock" | sed 's/^/  /' || fail=1

stage "the NICs' counters (snic-sim ctl status)"
for h in h1 h2; do
  "$sim" ctl --ctl "$state/$h.ctl" status 2>/dev/null |
    grep -E '^(nic|steering|port (uplink0|vf0|vf1) )' | sed 's/^/  /' || true
done

if [[ $keep -eq 1 ]]; then
  stage "left up"
  printf '%s\n' \
    "The simulated cloud is up.  Enter a VM:" \
    "  sim/snic-topo exec --prefix demo a1 -- bash" \
    "Rules of host h1: $snicctl --socket $state/h1-offloadd.sock dump-flows" \
    "VFs of host h1:   $build/sriov/snic-sriov list $state/h1.sock" \
    "Status:        sim/snic-topo status --prefix demo" \
    "Tear it down:  sim/snic-topo down --prefix demo"
fi
if [[ $fail -ne 0 ]]; then
  stage "demo FAILED"
  exit 1
fi
stage "demo passed"
