#!/usr/bin/env bash
# tests/bench/bench_e2e.sh - the "e2e" and "first" parts of the benchmark
# suite (tests/bench/README.md has the row contract).
#
# e2e: two VMs on two hosts over a VXLAN overlay (VNI 100), VM va
# (10.10.0.1, host h1) to VM vb (10.10.0.2, host h2), through three
# topologies this script builds, measures and tears down one after another:
#   snic    two snic-sim hosts (tests/bench/e2e.topo, snic-topo up with a
#           prefix of its own) with a snic-offloadd each and the overlay
#           rules of snic-topo offload, all in hardware (checked: dump-flows
#           state hw, and the rules' hardware counters carried the traffic);
#   kernel  two host namespaces on a veth underlay, in each a Linux bridge
#           with a kernel vxlan device (VNI 100, dstport 4789, remote = the
#           other host) and a veth to the VM's namespace;
#   ovs     per host an ovsdb-server and ovs-vswitchd of their own (private
#           run/db/log directories under /run) in the host's namespace: br-int
#           (datapath_type=netdev) with the VM's veth and a vxlan port,
#           userspace tunnelling through br-phy (netdev, holding the underlay
#           veth, the VTEP address on br-phy); br-int has the explicit
#           OpenFlow rules snic-topo offload gives snic, br-phy NORMAL.
# Every VM interface has MTU 1450 (1500-byte underlay minus VXLAN's 50) and
# a permanent neighbour entry for the other VM, in all three.  Measured:
# iperf3 TCP (one stream, 10 s; --quick 2 s) va -> vb, checked to have gone
# through the tunnel (hardware counters of the encap/decap rules, the vxlan
# device's, the vxlan port's); ping RTT p50/p99 from per-packet RTTs of 1000
# pings at 10 ms (--quick 50).
#
# first: snic installs rules proactively (a rule goes to the NIC when it is
# added; nothing is installed on a miss), so:
#   miss     the first packet of a new flow through the miss path: a flow
#            (fresh UDP source port) whose rule runs in snic-offloadd's
#            software datapath (mod_nw_tos has no hardware equivalent: the
#            NIC traps the packet to software, which classifies it, caches
#            the flow, encapsulates and sends it); RTT of its first datagram
#            to a UDP echo in vb (e2e_probe.py first).  Reference: Open
#            vSwitch userspace, the same rule, where the first packet misses
#            the megaflow cache (upcall, translation, megaflow install);
#   hw_time  the time until a new flow runs in hardware: from the start of
#            "snicctl add-flow" of a rule that rewrites the flow's UDP
#            destination port (in hardware) to the send time of the first
#            probe datagram the echo saw on the rewritten port (probes every
#            250 us; e2e_probe.py hwtime); every such rule is checked to be
#            in hardware with hardware packets and no software packets.
#            Reference: the same with "ovs-ofctl add-flow" on OVS userspace
#            (flow-mod, revalidation, upcall, megaflow in its datapath).
# 50 flows each (--quick 5), plus one warm-up flow not counted.
#
# usage: bench_e2e.sh [--quick] --out FILE [--section e2e|first|all]
#                     [--build DIR] [--help]
# Appends the rows (JSON Lines) to FILE once a section has all of them; a
# section that cannot produce its rows says why on stderr and exits non-zero.
# Everything it starts is removed on every exit (trap): namespaces sbD<pid>-*
# (and the snic topology sbd<5 digits>, snic-topo's prefixes being lower
# case), processes (ovsdb-server, ovs-vswitchd, iperf3, echo, snic-sim,
# snic-offloadd), the private directory /run/sbD<pid>.  Needs root.
#
# Layout: this file reads the command line, cleans up, holds the helpers and
# writes the rows; bench_e2e_topo.sh builds, measures and removes the three
# topologies, bench_e2e_first.sh is section "first" (both sourced);
# e2e_probe.py is the UDP probe and echo; e2e.topo the snic topology;
# tests/bench/run.sh runs it (sections e2e and first); the bench-quick test
# runs that with --quick.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../.." && pwd)

usage() {
  cat <<'USAGE'
usage: tests/bench/bench_e2e.sh [--quick] --out FILE [--section e2e|first|all]
                                [--build DIR] [--help]

Two VMs on two hosts over VXLAN, through snic (two snic-sim hosts, overlay
rules offloaded), the Linux kernel (bridge + vxlan) and Open vSwitch
userspace (netdev bridges): iperf3 TCP and ping RTT p50/p99 (section e2e);
the first packet of a new flow through snic's miss path and the time until a
new rule runs in hardware, against OVS userspace (section first).  Appends
one JSON row per figure to FILE (tests/bench/README.md).

  --out FILE      where the rows go (appended; required)
  --section S     e2e, first or all (default all); --first = --section first
  --build DIR     the build tree with sim/snic-sim, offload-mgr/snic-offloadd
                  and offload-mgr/snicctl/snicctl (default build/release)
  --quick         short runs (iperf3 2 s, 50 pings, 5 flows): keeps the
                  harness working, the figures mean little
  -h, --help      this text

Needs root, iperf3, ping, python3, Open vSwitch (ovsdb-server, ovs-vswitchd,
ovs-vsctl, ovs-ofctl, ovs-appctl, ovsdb-tool): scripts/setup.sh installs them.
USAGE
}

say() { printf 'bench_e2e: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage_error() { say "$* (see --help)"; exit 2; }

quick=0 out="" section=all build=$root/build/release
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --out) (($# >= 2)) || usage_error "--out needs a file"; out=$2; shift ;;
    --out=*) out=${1#*=} ;;
    --section) (($# >= 2)) || usage_error "--section needs e2e, first or all"; section=$2; shift ;;
    --section=*) section=${1#*=} ;;
    --first) section=first ;;
    --build) (($# >= 2)) || usage_error "--build needs a directory"; build=$2; shift ;;
    --build=*) build=${1#*=} ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
  shift
done
[[ -n $out ]] || usage_error "--out FILE is required"
case $section in e2e | first | all) ;; *) usage_error "--section '$section': e2e, first or all" ;; esac
((EUID == 0)) || die "needs root (network namespaces, veths, TAPs)"
[[ -d $build ]] || die "--build $build: no such directory (configure and build it, or pass --build DIR)"
build=$(cd -- "$build" && pwd)
SIM=$build/sim/snic-sim OFFLOADD=$build/offload-mgr/snic-offloadd SNICCTL=$build/offload-mgr/snicctl/snicctl
for b in "$SIM" "$OFFLOADD" "$SNICCTL"; do
  [[ -x $b ]] || die "$b missing: cmake --build $build --target snic-sim snic-offloadd snicctl"
done
for t in ip ping iperf3 python3 ss ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ovs-appctl; do
  command -v "$t" >/dev/null || die "$t missing: run scripts/setup.sh (packages iperf3, iputils-ping, iproute2, python3, openvswitch-switch)"
done
schema=/usr/share/openvswitch/vswitch.ovsschema
[[ -r $schema ]] || die "$schema missing: install openvswitch-common (scripts/setup.sh)"
PY=$(python3 -c 'import sys; print(sys.executable)')   # no pyenv shim in the timed paths
PROBE=$here/e2e_probe.py
TOPO_FILE=$here/e2e.topo
out_dir=$(dirname -- "$out")
[[ -d $out_dir && -w $out_dir ]] || die "--out $out: directory $out_dir does not exist or is not writable"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
sanitize=$(sed -n 's/^SNIC_SANITIZE:BOOL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
build_desc="${build_type:-unknown} build${sanitize:+, SNIC_SANITIZE=$sanitize}"

if ((quick)); then
  TCP_S=2 PINGS=50 FLOWS=5 mode=quick
else
  TCP_S=10 PINGS=1000 FLOWS=50 mode=full
fi

# ---------------------------------------------------------------------------
# names, and cleanup on every exit

id=$$
NS=sbD$id                                  # our own namespaces: $NS-*
TP=sbd$(printf '%05d' $((id % 100000)))    # the snic topology's prefix
PRIV=/run/sbD$id                           # private directory
TOPO=("$root/sim/snic-topo" --sim "$SIM" --offloadd "$OFFLOADD" --snicctl "$SNICCTL")
SD=/run/snic/topo/$TP
PIDS=()            # processes we started and must stop

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
stop_pids() {
  ((${#PIDS[@]})) || return 0
  bench_stop_pids "${PIDS[@]}"
  PIDS=()
}

# del_ns NAME...: stop what runs inside, delete the namespaces
del_ns() {
  local n pids
  for n in "$@"; do
    [[ -e /run/netns/$n ]] || continue
    pids=$(ip netns pids "$n" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
  done
  for n in "$@"; do
    [[ -e /run/netns/$n ]] || continue
    ip netns del "$n" 2>/dev/null || say "cannot delete namespace $n"
  done
}
our_ns() { ip netns list 2>/dev/null | awk -v p="$NS-" 'index($1, p) == 1 { print $1 }'; }

snic_down() {
  [[ -e $SD ]] || ip netns list 2>/dev/null | grep -q "^$TP-" || return 0
  "${TOPO[@]}" down --prefix "$TP" -q >/dev/null 2>&1 || "${TOPO[@]}" down --prefix "$TP" -q >&2 || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  trap '' INT TERM HUP PIPE
  set +e
  stop_pids
  snic_down
  # shellcheck disable=SC2046
  del_ns $(our_ns)
  rm -rf -- "$PRIV"
  exit "$rc"
}
trap cleanup EXIT
trap 'say interrupted; exit 130' INT TERM HUP

mkdir -m 0700 "$PRIV" || die "cannot create $PRIV"
rows=$PRIV/rows.jsonl
: >"$rows"

# ---------------------------------------------------------------------------
# small helpers

# bg FILE CMD...: start CMD in the background (output to FILE), remember it
bg() {
  local f=$1
  shift
  "$@" </dev/null >"$f" 2>&1 &
  PIDS+=("$!")
  LAST_PID=$!
}

# reap PID: wait for a process bg started and forget it (its pid may be reused)
reap() {
  local p keep=()
  wait "$1" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# wait_for SECONDS WHAT CMD...: poll CMD every 50 ms until it succeeds
wait_for() {
  local t=$1 end   # WHAT only tells the reader what is awaited
  shift 2
  end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.05
  done
}

nx() { local n=$1; shift; ip netns exec "$n" "$@"; }
listening() { nx "$1" ss -Hltn "sport = :$2" | grep -q .; }

# json FIELD < JSON: one field (a.b.c) of a JSON document
json() { "$PY" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"; }

# pct P... < numbers, one per line: the nearest-rank percentiles
pct() { "$PY" -c 'import math, sys
xs = sorted(float(l) for l in sys.stdin if l.strip())
if not xs:
    sys.exit("no samples")
print(" ".join("%.3f" % xs[max(0, math.ceil(float(p) / 100 * len(xs)) - 1)] for p in sys.argv[1:]))' "$@"; }

# row ID SECTION METRIC UNIT SNIC REF REF_NAME BETTER CONDITIONS
row() {
  "$PY" - "$@" >>"$rows" <<'EOF'
import json, math, sys
i, sec, metric, unit, snic, ref, ref_name, better, cond = sys.argv[1:]
snic = float(snic)
ref = None if ref == "null" else float(ref)
if not math.isfinite(snic) or (ref is not None and not math.isfinite(ref)):
    sys.exit(f"row {i}: not a number")
ratio = None if ref is None or ref == 0 else round(snic / ref, 4)
print(json.dumps({"id": i, "section": sec, "metric": metric, "unit": unit,
                  "snic": round(snic, 4), "ref": None if ref is None else round(ref, 4),
                  "ref_name": ref_name, "ratio": ratio, "better": better,
                  "conditions": cond}))
EOF
}

# iperf NS_SERVER NS_CLIENT -> IPERF_GBPS IPERF_BYTES IPERF_RETR
iperf() {
  local srv=$1 cli=$2 port=$((5201 + RANDOM % 500)) j=$PRIV/iperf.json
  bg "$PRIV/iperf-server.log" ip netns exec "$srv" iperf3 -s -1 -p "$port"
  wait_for 10 "iperf3 server" listening "$srv" "$port" ||
    die "iperf3 server in $srv did not start: $(cat "$PRIV/iperf-server.log")"
  if ! nx "$cli" iperf3 -c 10.10.0.2 -p "$port" -t "$TCP_S" -J --connect-timeout 3000 >"$j" 2>&1; then
    die "iperf3 $cli -> 10.10.0.2 failed: $(head -c 600 "$j")"
  fi
  IPERF_GBPS=$(json end.sum_received.bits_per_second <"$j")
  IPERF_GBPS=$("$PY" -c "print(${IPERF_GBPS} / 1e9)")
  IPERF_BYTES=$(json end.sum_sent.bytes <"$j")
  IPERF_RETR=$(json end.sum_sent.retransmits <"$j")
  reap "$LAST_PID"
}

# pings NS -> RTT_P50 RTT_P99 (us), PING_RX (replies)
pings() {
  local f=$PRIV/ping.out
  nx "$1" ping -n -i 0.01 -c "$PINGS" -W 1 10.10.0.2 >"$f" 2>&1 || true
  PING_RX=$(grep -c 'time=' "$f" || true)
  ((PING_RX >= PINGS * 9 / 10)) || die "ping from $1: only $PING_RX of $PINGS replies: $(tail -3 "$f")"
  read -r RTT_P50 RTT_P99 < <(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$f" | awk '{ print $1 * 1000 }' | pct 50 99)
}

MAC_A=02:00:00:0a:01:01 MAC_B=02:00:00:0a:02:01
declare -A R=()    # results: R[topology.what]

# the topologies (snic, kernel, ovs) and section "first"
# shellcheck source=bench_e2e_topo.sh
. "$here/bench_e2e_topo.sh"
# shellcheck source=bench_e2e_first.sh
. "$here/bench_e2e_first.sh"

# ---------------------------------------------------------------------------
# main

t_start=$SECONDS
do_e2e=0 do_first=0
[[ $section == first ]] || do_e2e=1
[[ $section == e2e ]] || do_first=1
common="VM va (10.10.0.1, host h1) -> vb (10.10.0.2, h2) over VXLAN VNI 100, inner MTU 1450 on every VM interface (underlay 1500), permanent neighbour entries in the VMs; snic: two snic-sim hosts + snic-offloadd ($build_desc), e2e.topo overlay rules from snic-topo offload; $mode run on $(nproc) CPUs shared with other work"

snic_up
((do_e2e == 0)) || snic_e2e
((do_first == 0)) || snic_first
snic_down

if ((do_e2e)); then
  kernel_up
  kernel_e2e
  kernel_down
fi

ovs_up
((do_e2e == 0)) || ovs_e2e
((do_first == 0)) || ovs_first
ovs_down

ovs_ver=$(ovs-vswitchd --version | sed -n '1s/.* //p')
if ((do_e2e)); then
  tcp_c="iperf3 TCP, 1 stream, ${TCP_S} s, Gbit/s at the receiver; $common; snic: all overlay rules in hardware, the encap/decap rules' hardware counters carried the transfer (${R[snic.hw_bytes]} bytes on h1's encap rule, ${R[snic.sw_bytes]} bytes in software), ${R[snic.retr]} retransmits; kernel: Linux bridge + vxlan device, veth underlay, default offloads (TSO/GSO on), ${R[kernel.retr]} retransmits; ovs: Open vSwitch $ovs_ver userspace datapath (br-int + br-phy netdev bridges, explicit OpenFlow rules as snic's, br-phy NORMAL), VM tx checksum offload off (needed by OVS userspace on veths), ${R[ovs.retr]} retransmits"
  rtt_c="ping RTT from $PINGS pings at 10 ms intervals (nearest-rank percentiles of the per-packet RTTs; replies: snic ${R[snic.rx]}, kernel ${R[kernel.rx]}, ovs ${R[ovs.rx]}); $common; the encap rule's hardware counters counted every ping; kernel: bridge + vxlan; ovs: Open vSwitch $ovs_ver userspace (netdev), explicit rules"
  row e2e.tcp.kernel e2e "TCP throughput VM to VM over VXLAN" Gbit/s "${R[snic.tcp]}" "${R[kernel.tcp]}" "kernel bridge+vxlan" higher "$tcp_c"
  row e2e.tcp.ovs e2e "TCP throughput VM to VM over VXLAN" Gbit/s "${R[snic.tcp]}" "${R[ovs.tcp]}" "ovs-vswitchd netdev (userspace)" higher "$tcp_c"
  row e2e.rtt_p50.kernel e2e "ping RTT p50 VM to VM over VXLAN" µs "${R[snic.p50]}" "${R[kernel.p50]}" "kernel bridge+vxlan" lower "$rtt_c"
  row e2e.rtt_p50.ovs e2e "ping RTT p50 VM to VM over VXLAN" µs "${R[snic.p50]}" "${R[ovs.p50]}" "ovs-vswitchd netdev (userspace)" lower "$rtt_c"
  row e2e.rtt_p99.kernel e2e "ping RTT p99 VM to VM over VXLAN" µs "${R[snic.p99]}" "${R[kernel.p99]}" "kernel bridge+vxlan" lower "$rtt_c"
  row e2e.rtt_p99.ovs e2e "ping RTT p99 VM to VM over VXLAN" µs "${R[snic.p99]}" "${R[ovs.p99]}" "ovs-vswitchd netdev (userspace)" lower "$rtt_c"
fi
if ((do_first)); then
  miss_c="RTT of the first UDP datagram of each of $FLOWS new flows (fresh source port, its own rule matching tp_src added beforehand; one warm-up flow not counted), VM va -> UDP echo in vb -> va; $common; snic installs rules proactively, never on a miss: the measured flows' rule (mod_nw_tos:0,output:tunnel) runs in snic-offloadd's software datapath (${R[snic.miss_reason]}), so the NIC traps the packet to software (classifier, cache miss, encap, send); the reply returns in hardware; second datagram p50 ${R[snic.second_p50]} us; ovs: Open vSwitch $ovs_ver userspace, the same rule on br-int, the first packet misses the megaflow cache (upcall, translation, megaflow install), second datagram p50 ${R[ovs.second_p50]} us"
  hw_c="time from the start of the add-flow command to the send time of the first probe datagram the new rule handled (probes every 250 us from a fixed source port; the rule rewrites the UDP destination port, the echo in vb says which port it got), over $FLOWS rules (one warm-up not counted); $common; snic: snicctl add-flow of priority=300,in_port=vf0,udp,tp_src=P,actions=mod_tp_dst,output:tunnel, each checked in hardware with hardware packets and no software packets (the command itself returned after p50 ${R[snic.cmd_p50]} ms); ovs: ovs-ofctl add-flow of the same rule on OVS $ovs_ver userspace (flow-mod, revalidation, upcall, megaflow: its datapath is software, there is no hardware), command returned after p50 ${R[ovs.cmd_p50]} ms"
  row first.miss_p50 first "first packet of a new flow through the miss path, RTT p50" µs "${R[snic.miss_p50]}" "${R[ovs.miss_p50]}" "ovs-vswitchd netdev first packet (upcall)" lower "$miss_c"
  row first.miss_p99 first "first packet of a new flow through the miss path, RTT p99" µs "${R[snic.miss_p99]}" "${R[ovs.miss_p99]}" "ovs-vswitchd netdev first packet (upcall)" lower "$miss_c"
  row first.hw_time_p50 first "time until a new rule carries its flow in hardware, p50" ms "${R[snic.hw_p50]}" "${R[ovs.hw_p50]}" "ovs-ofctl add-flow until the flow runs in the OVS userspace datapath" lower "$hw_c"
  row first.hw_time_p99 first "time until a new rule carries its flow in hardware, p99" ms "${R[snic.hw_p99]}" "${R[ovs.hw_p99]}" "ovs-ofctl add-flow until the flow runs in the OVS userspace datapath" lower "$hw_c"
fi
cat "$rows" >>"$out" || die "cannot append to $out"
say "$(wc -l <"$rows") rows appended to $out in $((SECONDS - t_start)) s"
