# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # R (associative), schema and the rest are bench_e2e.sh's
# tests/bench/bench_e2e_first.sh - section "first" of bench_e2e.sh (sourced
# by it; its header says what is measured): snic_first and ovs_first, each on
# a topology that is up (bench_e2e_topo.sh), with the UDP probe
# e2e_probe.py: the first packet of new flows (R[KEY.miss_p50], ...) and the
# time until a new rule carries its flow (R[KEY.hw_p50], ...).

# ---------------------------------------------------------------------------
# first packet, and time to hardware

ECHO_NEW=7007 ECHO_OLD=7009
# echo_start NS: the UDP echo in VM vb
echo_start() {
  bg "$PRIV/echo.out" ip netns exec "$1" "$PY" "$PROBE" echo "$ECHO_NEW,$ECHO_OLD"
  wait_for 10 echo grep -q ready "$PRIV/echo.out" || die "the UDP echo in $1 did not start: $(cat "$PRIV/echo.out")"
}

# first_rules PORT OUT SPORT...: one rule per flow (a fresh UDP source port),
# mod_nw_tos:0 (a no-op OVS runs in its datapath, snic only in software)
first_rules() {
  local port=$1 outp=$2 s
  shift 2
  for s in "$@"; do
    echo "priority=300,in_port=$port,udp,tp_src=$s,actions=mod_nw_tos:0,output:$outp"
  done
}

# first_probe NS LO HI KEY: RTTs of the first and second datagram per flow
first_probe() {
  nx "$1" "$PY" "$PROBE" first --dst 10.10.0.2 --port $ECHO_NEW --sports "$2-$3" >"$PRIV/first-$4.jsonl" ||
    die "$4: the first-packet probe failed"
  "$PY" - "$PRIV/first-$4.jsonl" "$4" <<'EOF' || die "$4: some first-packet probes got no reply"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = [r["sport"] for r in rows if r["rtt1_us"] is None or r["rtt2_us"] is None]
if bad:
    sys.exit(f"{sys.argv[2]}: no echo for source ports {bad}")
EOF
  # the warm-up flow (the first) is not counted
  read -r R["$4.miss_p50"] R["$4.miss_p99"] < <(tail -n +2 "$PRIV/first-$4.jsonl" | json_lines rtt1_us | pct 50 99)
  read -r R["$4.second_p50"] < <(tail -n +2 "$PRIV/first-$4.jsonl" | json_lines rtt2_us | pct 50)
}
json_lines() { "$PY" -c 'import json, sys
for l in sys.stdin:
    print(json.loads(l)[sys.argv[1]])' "$1"; }

# hwtime NS SPORT KEY CMD...: one measurement, appended to hw-KEY.jsonl
hwtime() {
  local ns=$1 sp=$2 key=$3
  shift 3
  nx "$ns" "$PY" "$PROBE" hwtime --dst 10.10.0.2 --old-port $ECHO_OLD --new-port $ECHO_NEW \
    --sport "$sp" -- "$@" >>"$PRIV/hw-$key.jsonl" || die "$key: hwtime probe for source port $sp failed (command: $*)"
}
hw_summary() { # KEY: R[KEY.hw_p50], R[KEY.hw_p99], R[KEY.cmd_p50]
  "$PY" - "$PRIV/hw-$1.jsonl" "$1" <<'EOF' || die "$1: a new rule never carried a probe packet"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = [r["sport"] for r in rows if r["first_ms"] is None]
if bad:
    sys.exit(f"{sys.argv[2]}: no probe packet took the new rule of source ports {bad} within the timeout")
EOF
  read -r R["$1.hw_p50"] R["$1.hw_p99"] < <(tail -n +2 "$PRIV/hw-$1.jsonl" | json_lines first_ms | pct 50 99)
  read -r R["$1.cmd_p50"] < <(tail -n +2 "$PRIV/hw-$1.jsonl" | json_lines cmd_ms | pct 50)
}

MISS_LO=41000 HW_LO=42000
snic_first() {
  local hi=$((MISS_LO + FLOWS)) s
  echo_start "$S_VB"
  say "snic: first packet of $FLOWS new flows (+1 warm-up) through the software datapath"
  # shellcheck disable=SC2046
  first_rules vf0 t100-h2 $(seq $MISS_LO $hi) >"$PRIV/snic-first.flows"
  sctl h1 add-flows "$PRIV/snic-first.flows" >/dev/null || die "snic: add-flows of the first-packet rules failed"
  snic_flows h1
  "$PY" - "$PRIV/flows-h1.json" <<'EOF' || die "snic: the first-packet rules are not in software"
import json, sys
fl = [f for f in json.load(open(sys.argv[1]))["flows"] if "mod_nw_tos" in f["text"]]
bad = [f["text"] + " " + f["state"] for f in fl if f["state"] != "sw"]
sys.exit("; ".join(bad) if bad else 0)
EOF
  R[snic.miss_reason]=$(snic_field h1 "tp_src=$MISS_LO " reason)
  first_probe "$S_VA" $MISS_LO $hi snic
  snic_flows h1
  snic_rules_ran h1 $MISS_LO $hi sw ||
    die "snic: the first-packet rules did not carry their flows in software only"
  sctl h1 del-flows "udp,in_port=vf0" >/dev/null || die "snic: del-flows of the first-packet rules failed"

  say "snic: time until $FLOWS new rules (+1 warm-up) run in hardware"
  hi=$((HW_LO + FLOWS))
  for s in $(seq $HW_LO $hi); do
    hwtime "$S_VA" "$s" snic "$SNICCTL" --socket "$SD/h1-offloadd.sock" add-flow \
      "priority=300,in_port=vf0,udp,tp_src=$s,actions=mod_tp_dst:$ECHO_NEW,output:t100-h2"
  done
  snic_flows h1
  snic_rules_ran h1 $HW_LO $hi hw ||
    die "snic: the new rules did not carry their probes in hardware only"
  hw_summary snic
  stop_pids   # the echo
}

# ovs_first_counted LO HI: the OVS rules of source ports LO..HI counted two
# packets each (the probe's two datagrams)
ovs_first_counted() {
  ofctl h1 dump-flows "udp,in_port=vm0" >"$PRIV/ovs-first.dump" || die "ovs: dump-flows failed"
  "$PY" - "$PRIV/ovs-first.dump" "$1" "$2" <<'EOF'
import re, sys
lo, hi = int(sys.argv[2]), int(sys.argv[3])
n = {int(m.group(2)): int(m.group(1)) for m in
     re.finditer(r"n_packets=(\d+),.*tp_src=(\d+)", open(sys.argv[1]).read())}
bad = [f"{p}: {n.get(p)}" for p in range(lo, hi + 1) if n.get(p, 0) < 2]
sys.exit(("packets per source port (expected 2): " + ", ".join(bad)) if bad else 0)
EOF
}

ovs_first() {
  local hi=$((MISS_LO + FLOWS)) s
  ovs_env h1
  echo_start "$NS-ovb"
  say "ovs: first packet of $FLOWS new flows (+1 warm-up) (upcall, megaflow install)"
  # shellcheck disable=SC2046
  first_rules vm0 vxlan0 $(seq $MISS_LO $hi) >"$PRIV/ovs-first.flows"
  ofctl h1 add-flows "$PRIV/ovs-first.flows" || die "ovs: add-flows of the first-packet rules failed"
  sleep 0.2   # let the revalidators finish with the new table
  first_probe "$NS-ova" $MISS_LO $hi ovs
  # OpenFlow statistics follow the datapath's with a delay (revalidators)
  wait_for 5 "ovs rule counters" ovs_first_counted $MISS_LO $hi ||
    ovs_first_counted $MISS_LO $hi || die "ovs: the first-packet rules did not count their flows' packets"
  ofctl h1 del-flows "udp,in_port=vm0" || die "ovs: del-flows of the first-packet rules failed"

  say "ovs: time until $FLOWS new rules (+1 warm-up) run in its datapath"
  hi=$((HW_LO + FLOWS))
  for s in $(seq $HW_LO $hi); do
    hwtime "$NS-ova" "$s" ovs ovs-ofctl add-flow "unix:$PRIV/ovs-h1/br-int.mgmt" \
      "priority=300,in_port=vm0,udp,tp_src=$s,actions=mod_tp_dst:$ECHO_NEW,output:vxlan0"
  done
  hw_summary ovs
  stop_pids
}

