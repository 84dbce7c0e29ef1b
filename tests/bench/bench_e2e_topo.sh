# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # R (associative), schema and the rest are bench_e2e.sh's
# tests/bench/bench_e2e_topo.sh - the three topologies of bench_e2e.sh
# (sourced by it; its header says what they are): for each, NAME_up builds
# it and checks VM va reaches vb, NAME_e2e runs iperf3 and the pings and
# checks the traffic went through the tunnel (R[NAME.tcp], R[NAME.p50],
# R[NAME.p99]...), NAME_down removes it.  Uses bench_e2e.sh's names (NS,
# TP, PRIV, SD), helpers (bg, nx, die, iperf, pings...) and results (R).

# ---------------------------------------------------------------------------
# (a) snic

snic_up() {
  local st
  say "snic: snic-topo up $TOPO_FILE --prefix $TP, offload"
  "${TOPO[@]}" up "$TOPO_FILE" --prefix "$TP" -q || die "snic-topo up $TOPO_FILE failed (its message above)"
  "${TOPO[@]}" offload --prefix "$TP" -q || die "snic-topo offload --prefix $TP failed: $(tail -5 "$SD"/*-offloadd.log 2>/dev/null)"
  st=$("${TOPO[@]}" status --prefix "$TP" --json) || die "snic topology $TP is not healthy: $st"
  S_IF_A=$(json vms.0.ifname <<<"$st") S_IF_B=$(json vms.1.ifname <<<"$st")
  S_VA=$TP-vm-va S_VB=$TP-vm-vb
  ip -n "$S_VA" neigh replace 10.10.0.2 lladdr "$MAC_B" dev "$S_IF_A" nud permanent
  ip -n "$S_VB" neigh replace 10.10.0.1 lladdr "$MAC_A" dev "$S_IF_B" nud permanent
  nx "$S_VA" ping -n -c 3 -i 0.1 -W 2 10.10.0.2 >/dev/null || die "snic: va cannot ping vb over the overlay"
}
sctl() { local h=$1; shift; "$SNICCTL" --socket "$SD/$h-offloadd.sock" "$@"; }

# snic_flow HOST TEXT FIELD: a field of the first rule whose text contains TEXT
snic_flows() { sctl "$1" --json dump-flows >"$PRIV/flows-$1.json" || die "snicctl dump-flows on $1 failed"; }
snic_field() { "$PY" -c 'import json, sys
want, field = sys.argv[2], sys.argv[3].split(".")
for f in json.load(open(sys.argv[1]))["flows"]:
    if want in f["text"]:
        v = f
        for k in field:
            v = v[k]
        print(v)
        break
else:
    sys.exit("bench_e2e: snic: no rule with \"" + want + "\" in dump-flows of " + sys.argv[4])' "$PRIV/flows-$1.json" "$2" "$3" "$1"; }
snic_all_hw() { "$PY" -c 'import json, sys
bad = [f["text"] + " (" + f["state"] + ": " + str(f["reason"]) + ")" for f in json.load(open(sys.argv[1]))["flows"] if f["state"] != "hw"]
sys.exit("; ".join(bad) if bad else 0)' "$PRIV/flows-$1.json"; }
# snic_rules_ran HOST LO HI hw|sw: the rules matching tp_src LO..HI are in
# that state and carried packets there only (from the last snic_flows HOST)
snic_rules_ran() { "$PY" - "$PRIV/flows-$1.json" "$2" "$3" "$4" <<'EOF'
import json, re, sys
lo, hi, want = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
other = "sw" if want == "hw" else "hw"
seen, bad = set(), []
for f in json.load(open(sys.argv[1]))["flows"]:
    m = re.search(r"tp_src=(\d+)\b", f["text"])
    if not m or not lo <= int(m.group(1)) <= hi:
        continue
    seen.add(int(m.group(1)))
    if f["state"] != want or f[want]["packets"] < 1 or f[other]["packets"] != 0:
        bad.append(f"tp_src={m.group(1)}: state {f['state']}, hw {f['hw']['packets']}, "
                   f"sw {f['sw']['packets']} packets ({f['reason']})")
bad += [f"tp_src={p}: no such rule" for p in range(lo, hi + 1) if p not in seen]
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}
snic_sw_bytes() { "$PY" -c 'import json, sys
print(sum(f["sw"]["bytes"] for f in json.load(open(sys.argv[1]))["flows"]))' "$PRIV/flows-$1.json"; }

ENC="in_port=vf0,dl_dst=$MAC_B actions=output:t100-h2"  # h1: va -> vb, encap
DEC="in_port=t100-h1,dl_dst=$MAC_B actions=output:vf0"  # h2: decap -> vb

snic_e2e() {
  local e0 d0 s0 e1 d1 s1 why
  for h in h1 h2; do
    snic_flows $h
    why=$(snic_all_hw $h 2>&1) || die "snic: rules of $h not in hardware: $why"
  done
  e0=$(snic_field h1 "$ENC" hw.bytes) d0=$(snic_field h2 "$DEC" hw.bytes)
  s0=$(( $(snic_sw_bytes h1) + $(snic_sw_bytes h2) ))
  say "snic: iperf3 ${TCP_S} s va -> vb"
  iperf "$S_VB" "$S_VA"
  R[snic.tcp]=$IPERF_GBPS R[snic.retr]=$IPERF_RETR
  snic_flows h1
  snic_flows h2
  e1=$(snic_field h1 "$ENC" hw.bytes) d1=$(snic_field h2 "$DEC" hw.bytes)
  s1=$(( $(snic_sw_bytes h1) + $(snic_sw_bytes h2) ))
  ((e1 - e0 >= IPERF_BYTES * 9 / 10 && d1 - d0 >= IPERF_BYTES * 9 / 10)) ||
    die "snic: iperf3 sent $IPERF_BYTES bytes but the hardware encap rule on h1 counted $((e1 - e0)) and the decap rule on h2 $((d1 - d0)): the traffic did not take the offloaded path"
  ((s1 - s0 <= IPERF_BYTES / 100)) ||
    die "snic: the software datapaths carried $((s1 - s0)) bytes during iperf3 ($IPERF_BYTES sent): not the offloaded path"
  R[snic.hw_bytes]=$((e1 - e0)) R[snic.sw_bytes]=$((s1 - s0))
  e0=$(snic_field h1 "$ENC" hw.packets)
  say "snic: $PINGS pings at 10 ms va -> vb"
  pings "$S_VA"
  snic_flows h1
  e1=$(snic_field h1 "$ENC" hw.packets)
  ((e1 - e0 >= PING_RX)) || die "snic: $PING_RX echo replies but the hardware encap rule counted $((e1 - e0)) packets"
  R[snic.p50]=$RTT_P50 R[snic.p99]=$RTT_P99 R[snic.rx]=$PING_RX
}

# ---------------------------------------------------------------------------
# (b) the Linux kernel: bridge + vxlan

kernel_up() {
  local i h v me peer mac
  say "kernel: namespaces $NS-k*, bridge + vxlan (VNI 100, dstport 4789)"
  for n in kh1 kh2 kva kvb; do
    ip netns add "$NS-$n" || die "cannot create namespace $NS-$n"
    ip -n "$NS-$n" link set lo up
  done
  for n in kh1 kh2; do nx "$NS-$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null; done
  ip link add ul0 netns "$NS-kh1" type veth peer name ul0 netns "$NS-kh2"
  for i in 1 2; do
    h=$NS-kh$i me=192.0.2.1$i peer=192.0.2.1$((3 - i))
    if ((i == 1)); then v=$NS-kva mac=$MAC_A; else v=$NS-kvb mac=$MAC_B; fi
    ip -n "$h" addr add "$me/24" dev ul0
    ip -n "$h" link set ul0 up
    ip -n "$h" link add br0 type bridge stp_state 0
    ip -n "$h" link set br0 up
    ip -n "$h" link add vx0 type vxlan id 100 local "$me" remote "$peer" dstport 4789 dev ul0
    ip -n "$h" link set vx0 mtu 1450 master br0 up
    ip -n "$h" link add vm0 type veth peer name eth0 netns "$v"
    ip -n "$h" link set vm0 mtu 1450 master br0 up
    ip -n "$v" link set eth0 address "$mac" mtu 1450 up
    ip -n "$v" addr add "10.10.0.$i/24" dev eth0
  done
  ip -n "$NS-kva" neigh replace 10.10.0.2 lladdr "$MAC_B" dev eth0 nud permanent
  ip -n "$NS-kvb" neigh replace 10.10.0.1 lladdr "$MAC_A" dev eth0 nud permanent
  nx "$NS-kva" ping -n -c 3 -i 0.1 -W 2 10.10.0.2 >/dev/null || die "kernel: va cannot ping vb over vxlan"
}
vx_tx() { ip -n "$NS-kh1" -s -j link show vx0 | json 0.stats64.tx.bytes; }
vx_rx() { ip -n "$NS-kh2" -s -j link show vx0 | json 0.stats64.rx.bytes; }

kernel_e2e() {
  local t0 r0 t1 r1
  t0=$(vx_tx) r0=$(vx_rx)
  say "kernel: iperf3 ${TCP_S} s va -> vb"
  iperf "$NS-kvb" "$NS-kva"
  R[kernel.tcp]=$IPERF_GBPS R[kernel.retr]=$IPERF_RETR
  t1=$(vx_tx) r1=$(vx_rx)
  ((t1 - t0 >= IPERF_BYTES * 9 / 10 && r1 - r0 >= IPERF_BYTES * 9 / 10)) ||
    die "kernel: iperf3 sent $IPERF_BYTES bytes, vx0 of h1 sent $((t1 - t0)), vx0 of h2 received $((r1 - r0)): not through the tunnel"
  say "kernel: $PINGS pings at 10 ms va -> vb"
  pings "$NS-kva"
  R[kernel.p50]=$RTT_P50 R[kernel.p99]=$RTT_P99 R[kernel.rx]=$PING_RX
}

kernel_down() { del_ns "$NS-kh1" "$NS-kh2" "$NS-kva" "$NS-kvb"; }

# ---------------------------------------------------------------------------
# (c) Open vSwitch userspace datapath

# ovs_env HOST: the private directories of HOST's OVS (exported for its tools)
ovs_env() {
  local d=$PRIV/ovs-$1
  export OVS_RUNDIR=$d OVS_DBDIR=$d OVS_LOGDIR=$d OVS_SYSCONFDIR=$d/etc
}
vsctl() { local h=$1; shift; ovs-vsctl --db="unix:$PRIV/ovs-$h/db.sock" --timeout=20 "$@"; }
ofctl() { local h=$1; shift; local c=$1; shift; ovs-ofctl "$c" "unix:$PRIV/ovs-$h/br-int.mgmt" "$@"; }
appctl() { local h=$1; shift; ovs-appctl -t "$PRIV/ovs-$h/ovs-vswitchd.ctl" --timeout=20 "$@"; }

ovs_fail() { # ovs_fail HOST MESSAGE
  local h=$1
  shift
  die "ovs: $*$(for f in "$PRIV/ovs-$h"/*.log; do [[ -s $f ]] && printf '\n--- %s ---\n%s' "$f" "$(tail -n 8 "$f")"; done)"
}

ovs_up() {
  local i h n d me peer v mac
  say "ovs: namespaces $NS-o*, ovsdb-server + ovs-vswitchd per host (private dirs in $PRIV), netdev bridges"
  for n in oh1 oh2 ova ovb; do
    ip netns add "$NS-$n" || die "cannot create namespace $NS-$n"
    ip -n "$NS-$n" link set lo up
  done
  for n in oh1 oh2; do nx "$NS-$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null; done
  ip link add ul0 netns "$NS-oh1" type veth peer name ul0 netns "$NS-oh2"
  for i in 1 2; do
    h=h$i n=$NS-oh$i d=$PRIV/ovs-$h
    mkdir -p "$d/etc"
    ovs_env "$h"
    ovsdb-tool create "$d/conf.db" "$schema" || die "ovsdb-tool create $d/conf.db failed"
    bg "$d/ovsdb-server.out" ip netns exec "$n" ovsdb-server "$d/conf.db" \
      --remote="punix:$d/db.sock" --pidfile="$d/ovsdb-server.pid" \
      --unixctl="$d/ovsdb-server.ctl" --log-file="$d/ovsdb-server.log" -vconsole:off
    wait_for 10 ovsdb-server test -S "$d/db.sock" || ovs_fail "$h" "ovsdb-server of $h did not start"
    vsctl "$h" --no-wait init || ovs_fail "$h" "ovs-vsctl init on $h failed"
    bg "$d/ovs-vswitchd.out" ip netns exec "$n" ovs-vswitchd "unix:$d/db.sock" \
      --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
      --log-file="$d/ovs-vswitchd.log" -vconsole:off
    wait_for 10 ovs-vswitchd test -S "$d/ovs-vswitchd.ctl" || ovs_fail "$h" "ovs-vswitchd of $h did not start"
  done
  for i in 1 2; do
    h=h$i n=$NS-oh$i me=192.0.2.1$i peer=192.0.2.1$((3 - i))
    if ((i == 1)); then v=$NS-ova mac=$MAC_A; else v=$NS-ovb mac=$MAC_B; fi
    ovs_env "$h"
    vsctl "$h" add-br br-phy -- set bridge br-phy datapath_type=netdev \
      other-config:hwaddr=02:5e:0e:00:00:0$i -- add-port br-phy ul0 ||
      ovs_fail "$h" "cannot create br-phy on $h"
    ip -n "$n" link set ul0 up
    ip -n "$n" addr add "$me/24" dev br-phy
    ip -n "$n" link set br-phy up
    ip -n "$n" link add vm0 type veth peer name eth0 netns "$v"
    ip -n "$n" link set vm0 mtu 1450 up
    ip -n "$v" link set eth0 address "$mac" mtu 1450 up
    ip -n "$v" addr add "10.10.0.$i/24" dev eth0
    # OVS userspace cannot complete partial checksums of what it reads from
    # a veth: the VM checksums in software (this also turns off its TSO)
    nx "$v" "$PY" "$PROBE" txcsum-off eth0 >/dev/null || die "ovs: cannot turn off tx checksum offload on eth0 in $v"
    vsctl "$h" add-br br-int -- set bridge br-int datapath_type=netdev fail-mode=secure \
      -- add-port br-int vm0 -- set interface vm0 ofport_request=1 \
      -- add-port br-int vxlan0 -- set interface vxlan0 type=vxlan ofport_request=2 \
      options:remote_ip="$peer" options:local_ip="$me" options:key=100 ||
      ovs_fail "$h" "cannot create br-int on $h"
    appctl "$h" ovs/route/add "$peer/32" br-phy >/dev/null || ovs_fail "$h" "ovs/route/add $peer br-phy failed on $h"
    appctl "$h" tnl/arp/set br-phy "$peer" "02:5e:0e:00:00:0$((3 - i))" >/dev/null ||
      ovs_fail "$h" "tnl/arp/set failed on $h"
    # the rules snic-topo offload gives snic, with OVS's port names
    if ((i == 1)); then mac=$MAC_A peer_mac=$MAC_B; else mac=$MAC_B peer_mac=$MAC_A; fi
    printf '%s\n' \
      "priority=200,in_port=vm0,dl_dst=$peer_mac,actions=output:vxlan0" \
      "priority=100,in_port=vm0,actions=output:vxlan0" \
      "priority=200,in_port=vxlan0,dl_dst=$mac,actions=output:vm0" \
      "priority=100,in_port=vxlan0,actions=output:vm0" >"$PRIV/ovs-$h/overlay.flows"
    ofctl "$h" add-flows "$PRIV/ovs-$h/overlay.flows" || ovs_fail "$h" "ovs-ofctl add-flows on $h failed"
  done
  ip -n "$NS-ova" neigh replace 10.10.0.2 lladdr "$MAC_B" dev eth0 nud permanent
  ip -n "$NS-ovb" neigh replace 10.10.0.1 lladdr "$MAC_A" dev eth0 nud permanent
  wait_for 10 "ovs ping" nx "$NS-ova" ping -n -c 1 -W 1 10.10.0.2 ||
    ovs_fail h1 "va cannot ping vb through the OVS userspace bridges"
}
ovs_port_bytes() { # HOST PORT tx|rx
  ofctl "$1" dump-ports "$2" | grep -o "$3 pkts=[0-9]*, bytes=[0-9]*" | sed 's/.*bytes=//' | head -1
}

ovs_e2e() {
  local t0 r0 t1 r1
  ovs_env h1
  t0=$(ovs_port_bytes h1 vxlan0 tx) r0=$(ovs_port_bytes h2 vxlan0 rx)
  [[ -n $t0 && -n $r0 ]] || ovs_fail h1 "cannot read the vxlan0 port counters (ovs-ofctl dump-ports)"
  say "ovs: iperf3 ${TCP_S} s va -> vb"
  iperf "$NS-ovb" "$NS-ova"
  R[ovs.tcp]=$IPERF_GBPS R[ovs.retr]=$IPERF_RETR
  t1=$(ovs_port_bytes h1 vxlan0 tx) r1=$(ovs_port_bytes h2 vxlan0 rx)
  ((t1 - t0 >= IPERF_BYTES * 9 / 10 && r1 - r0 >= IPERF_BYTES * 9 / 10)) ||
    die "ovs: iperf3 sent $IPERF_BYTES bytes, vxlan0 of h1 sent $((t1 - t0)), vxlan0 of h2 received $((r1 - r0)): not through the tunnel"
  say "ovs: $PINGS pings at 10 ms va -> vb"
  pings "$NS-ova"
  R[ovs.p50]=$RTT_P50 R[ovs.p99]=$RTT_P99 R[ovs.rx]=$PING_RX
}

ovs_down() {
  stop_pids
  del_ns "$NS-oh1" "$NS-oh2" "$NS-ova" "$NS-ovb"
  rm -rf -- "$PRIV"/ovs-h1 "$PRIV"/ovs-h2
}

