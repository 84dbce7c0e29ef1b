#!/usr/bin/env bash
# test_offloadd.sh SIM OFFLOADD SNICCTL - snic-offloadd over a snic-sim NIC,
# driven with snicctl, with two VMs (network namespaces) on VF0 and VF1:
#
#  1. rules added with snicctl move real VM traffic (ping), in hardware:
#     dump-flows says hw and its hardware counters rise;
#  2. a rule the driver refuses runs in software, with the driver's reason;
#  3. kill -9 of snic-offloadd in the middle of a 10 000-rule add-flows: after
#     the restart the rules are exactly before or after the request, the
#     NIC holds exactly the manager's hardware rules (no duplicate, nothing
#     stale), and a ping from a VM never lost a packet meanwhile;
#  4. a clean stop leaves the NIC forwarding; the next start changes nothing.
set -euo pipefail
sim=$1 off=$2 ctl=$3
pass=0 fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
[[ $(id -u) -eq 0 ]] || { echo "FAIL: needs root (namespaces, TAPs)"; echo "0 passed, 1 failed"; exit 1; }
for t in python3 ping; do
	command -v $t >/dev/null || { echo "FAIL: $t missing: run scripts/setup.sh"; echo "0 passed, 1 failed"; exit 1; }
done

id=$$ name=o$((RANDOM % 9000 + 1000))
vm0=snicoff0.$id vm1=snicoff1.$id ul=snicoffu.$id
dir=/run/snic-test-off.$id
simpid= offpid= pingpid=
cleanup() {
	for p in $pingpid $offpid $simpid; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in $vm0 $vm1 $ul; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir -m 0755 "$dir"
for n in $vm0 $vm1 $ul; do ip netns add "$n"; ip -n "$n" link set lo up; done
# the underlay host speaks IPv4 only (its IPv6 chatter would be the only
# non-VXLAN traffic on the wire besides ARP)
ip netns exec "$ul" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

ip netns exec "$ul" "$sim" --name "$name" --socket "$dir/nic.sock" \
	--vf-netns "0=$vm0" --vf-netns "1=$vm1" -q &
simpid=$!
for _ in $(seq 100); do "$sim" ctl --ctl "$dir/nic.ctl" status >/dev/null 2>&1 && break; sleep 0.05; done
ip -n "$vm0" addr add 10.0.0.1/24 dev "${name}pf0vf0"
ip -n "$vm0" link set "${name}pf0vf0" up
ip -n "$vm1" addr add 10.0.0.2/24 dev "${name}pf0vf1"
ip -n "$vm1" link set "${name}pf0vf1" up

start_off() {
	"$off" --dev "$dir/nic.sock" --vfs 4 --state "$dir/state.db" --socket "$dir/ctl.sock" \
		-q 2>>"$dir/offloadd.log" &
	offpid=$!
	for _ in $(seq 600); do   # 30 s: a restart re-plans 10 000 rules
		"$ctl" --socket "$dir/ctl.sock" ping >/dev/null 2>&1 && return 0
		kill -0 "$offpid" 2>/dev/null || break
		sleep 0.05
	done
	echo "snic-offloadd did not come up:"; cat "$dir/offloadd.log"; return 1
}
c() { "$ctl" --socket "$dir/ctl.sock" "$@"; }
# field of dump-flows --json: rule selected by a text substring
flow() {
	c --json dump-flows | python3 -c '
import json, sys
want, field = sys.argv[1], sys.argv[2].split(".")
for f in json.load(sys.stdin)["flows"]:
    if want in f["text"]:
        v = f
        for k in field:
            v = v[k] if v is not None else None
        print(v); break
else:
    print("missing")' "$1" "$2"
}
nflows() { c --json dump-flows | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["flows"]))'; }
hw_rules() { c --json show | python3 -c 'import json,sys; print(json.load(sys.stdin)["capacity"]["hw_rules"])'; }
fw_entries() { "$sim" ctl --ctl "$dir/nic.ctl" status | sed -n 's/^steering .*entries=\([0-9]*\).*/\1/p'; }

start_off || { echo "0 passed, 1 failed"; exit 1; }

# ---- 1. traffic through hardware rules added with snicctl ----
printf '%s\n' "priority=100,in_port=vf0,actions=output:vf1" \
	"priority=100,in_port=vf1,actions=output:vf0" >"$dir/l2.txt"
c add-flows "$dir/l2.txt" && ok "add-flows of 2 rules" || bad "add-flows"
if ip netns exec "$vm0" ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$dir/ping1" 2>&1; then
	ok "vm0 pings vm1 through the NIC: $(grep -o '[0-9]* received' "$dir/ping1")"
else
	bad "vm0 cannot ping vm1: $(tail -2 "$dir/ping1")"
fi
st=$(flow "in_port=vf0" state) pk=$(flow "in_port=vf0" hw.packets)
[[ $st == hw && $pk -ge 3 ]] && ok "the vf0 rule is in hardware and counted $pk packets" \
	|| bad "vf0 rule: state $st, hw packets $pk"
pk2=$(flow "in_port=vf1" hw.packets)
[[ $pk2 -ge 3 ]] && ok "the vf1 rule counted $pk2 packets in hardware" || bad "vf1 rule counted $pk2"

# ---- 2. a rule the driver refuses: software, with the driver's reason ----
# (17 header rewrites: the translation makes them, the NIC takes 16 per rule)
ttl=$(printf 'mod_nw_ttl:%d,' $(seq 10 26))
c add-flow "priority=50,in_port=vf2,ip,actions=${ttl}output:vf3" \
	&& ok "add-flow of a rule the NIC cannot do is accepted" || bad "add-flow of 17 rewrites"
st=$(flow "mod_nw_ttl:26" state) why=$(flow "mod_nw_ttl:26" reason)
[[ $st == sw && $why == *"NIC refused"* ]] && ok "it runs in software: $why" \
	|| bad "17-rewrite rule: state $st, reason $why"

# ---- 2a. partial offload: a software rule above an overlapping hardware one ----
# ICMP from vm0 must get DSCP 8 (ToS 0x20) on its way to vm1: the NIC cannot
# rewrite it, so the rule runs in software, and the NIC must trap its
# packets away from the lower "in_port=vf0 -> vf1" hardware rule (which
# would deliver them unchanged)
c add-flow "priority=200,in_port=vf0,icmp,actions=mod_nw_tos:32,output:vf1" >/dev/null \
	&& ok "add-flow of a rule only software can do" || bad "add-flow mod_nw_tos"
st=$(flow "mod_nw_tos" state) why=$(flow "mod_nw_tos" reason)
[[ $st == sw && $why == *mod_nw_tos* ]] && ok "it is in software: $why" || bad "mod_nw_tos rule: $st ($why)"
"$sim" ctl --ctl "$dir/nic.ctl" capture vf1 "$dir/vf1.pcap" >/dev/null
if ip netns exec "$vm0" ping -c 4 -i 0.2 -W 2 10.0.0.2 >"$dir/ping_tos" 2>&1; then
	ok "vm0 still pings vm1: $(grep -o '[0-9]* received' "$dir/ping_tos")"
else
	bad "ping with the software rule: $(tail -2 "$dir/ping_tos")"
fi
"$sim" ctl --ctl "$dir/nic.ctl" capture vf1 off >/dev/null
tos=$(tshark -r "$dir/vf1.pcap" -Y 'icmp.type == 8' -T fields -e ip.dsfield 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';')
[[ $tos == " 4 0x20;" ]] && ok "vm1 got the 4 echo requests with ToS 0x20 (the OpenFlow outcome, via software)" \
	|| bad "ToS of the echo requests vm1 got: $tos"
swp=$(flow "mod_nw_tos" sw.packets) hwp=$(flow "mod_nw_tos" hw.packets)
[[ $swp -ge 4 && $hwp -eq 0 ]] && ok "the software rule counted $swp packets in software, $hwp in hardware" \
	|| bad "software rule counters: sw $swp hw $hwp"
c del-flows "in_port=vf0,icmp" >/dev/null || bad "del-flows icmp"

# ---- 2b. VXLAN with a Linux kernel VXLAN peer on the underlay ----
# the underlay host (ul) is on the NIC's wire: 192.168.1.2, VNI 100 to the
# NIC's VTEP 192.168.1.1; the VM reaches 10.0.0.9 behind it.  No static
# neighbor anywhere: the kernel ARPs for the VTEP (the manager answers), the
# manager ARPs for the kernel's VTEP, the VM and the peer ARP for each other
# through the tunnel (untagged ARP: hardware rules)
upl=${name}p0
ip -n "$ul" addr add 192.168.1.2/24 dev "$upl"
ip -n "$ul" link set "$upl" up
ip -n "$ul" link add vx0 type vxlan id 100 local 192.168.1.2 remote 192.168.1.1 \
	dstport 4789 dev "$upl"
ip -n "$ul" addr add 10.0.0.9/24 dev vx0
ip -n "$ul" link set vx0 up
c add-tunnel vxlan0 remote_ip=192.168.1.2 local_ip=192.168.1.1 key=100 >/dev/null \
	&& ok "add-tunnel vxlan0" || bad "add-tunnel"
printf '%s\n' "priority=300,in_port=vf0,ip,nw_dst=10.0.0.9,actions=output:vxlan0" \
	"priority=300,in_port=vxlan0,ip,nw_dst=10.0.0.1,actions=output:vf0" \
	"priority=300,in_port=vf0,vlan_tci=0/0x1000,arp,actions=output:vxlan0,output:vf1" \
	"priority=300,in_port=vxlan0,vlan_tci=0/0x1000,arp,actions=output:vf0" >"$dir/vx.txt"
c add-flows "$dir/vx.txt" >/dev/null && ok "VXLAN rules added" || bad "VXLAN rules"
"$sim" ctl --ctl "$dir/nic.ctl" capture uplink0 "$dir/uplink.pcap" >/dev/null
ip netns exec "$vm0" ping -c 6 -i 0.3 -W 2 10.0.0.9 >"$dir/ping_vx" 2>&1 || true
rx=$(grep -o '[0-9]* received' "$dir/ping_vx" | cut -d' ' -f1)
[[ ${rx:-0} -ge 4 ]] && ok "vm0 pings the kernel VXLAN peer: $rx of 6 received (the first wait for ARP)" \
	|| bad "vm0 -> kernel VXLAN peer: $(tail -2 "$dir/ping_vx")"
ip -n "$ul" neigh show 192.168.1.1 | grep -q "$(c --json show | python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["ports"] if p["name"]=="uplink"][0]["mac"].lower())')" \
	&& ok "the kernel learnt the NIC's VTEP MAC from the manager's ARP answer" \
	|| bad "kernel neighbor of 192.168.1.1: $(ip -n "$ul" neigh show 192.168.1.1)"
"$sim" ctl --ctl "$dir/nic.ctl" capture uplink0 off >/dev/null
ip netns exec "$ul" iperf3 -s -1 -D --logfile /dev/null
sleep 0.3
if out=$(ip netns exec "$vm0" iperf3 -c 10.0.0.9 -t 2 -f m 2>&1); then
	mbps=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print int($i) }' <<<"$out")
	[[ ${mbps:-0} -gt 0 ]] && ok "TCP (iperf3) from vm0 to the kernel VXLAN peer: $mbps Mbit/s" \
		|| bad "iperf3 to the kernel peer: $out"
else
	bad "iperf3 to the kernel peer failed: $(tail -3 <<<"$out")"
fi
st1=$(flow "nw_dst=10.0.0.9" state) pk1=$(flow "nw_dst=10.0.0.9" hw.packets)
st2=$(flow "in_port=vxlan0" state) pk2=$(flow "in_port=vxlan0" hw.packets)
[[ $st1 == hw && $st2 == hw && $pk1 -ge 3 && $pk2 -ge 3 ]] \
	&& ok "encap and decap rules in hardware, counting $pk1 and $pk2 packets" \
	|| bad "VXLAN rules: $st1/$pk1, $st2/$pk2"
if command -v tshark >/dev/null; then
	vx=$(tshark -r "$dir/uplink.pcap" -Y 'vxlan.vni == 100 && icmp' -T fields -e icmp.type 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';')
	[[ $vx =~ " "[4-6]" 8;" && $vx =~ " "[4-6]" 0;" ]] && ok "tshark: echo requests and replies in VXLAN VNI 100 on the wire ($vx)" \
		|| bad "tshark on the uplink: $vx"
	total=$(tshark -r "$dir/uplink.pcap" 2>/dev/null | wc -l)
	other=$(tshark -r "$dir/uplink.pcap" -Y '!(vxlan.vni == 100) && !arp' 2>/dev/null | wc -l)
	udp=$(tshark -r "$dir/uplink.pcap" -Y 'udp.port == 4789 && !(vxlan.vni == 100)' 2>/dev/null | wc -l)
	[[ $total -gt 12 && $other -eq 0 && $udp -eq 0 ]] \
		&& ok "tshark: all $total frames on the wire are VXLAN VNI 100 (or ARP for the VTEPs)" \
		|| bad "on the wire: $total frames, $other neither VXLAN 100 nor ARP, $udp bad VXLAN"
else
	bad "tshark missing: run scripts/setup.sh"
fi

# ---- 3. kill -9 during a 10 000-rule add-flows ----
python3 -c '
for i in range(10000):
    print("priority=10,in_port=vf2,ip,nw_dst=10.%d.%d.%d,actions=drop" % (i >> 16, (i >> 8) & 255, i & 255))
' >"$dir/big.txt"
ip netns exec "$vm0" ping -i 0.02 -c 500 -W 1 10.0.0.2 >"$dir/ping2" 2>&1 &
pingpid=$!
sleep 0.5
before=$(nflows)
c --timeout 60 add-flows "$dir/big.txt" >"$dir/add.out" 2>&1 &
addpid=$!
delay=${SNIC_KILL_DELAY:-$(python3 -c 'import random; print("%.2f" % random.uniform(0.05, 4.0))')}
sleep "$delay"
kill -9 "$offpid"; wait "$offpid" 2>/dev/null || true
wait "$addpid" 2>/dev/null && addrc=0 || addrc=$?
echo "snic-offloadd killed ${delay}s into the add-flows (snicctl exit $addrc)"
entries_down=$(fw_entries)
sleep 0.3
start_off || bad "restart after kill -9"
after=$(nflows)
if [[ $after -eq $before || $after -eq $((before + 10000)) ]]; then
	ok "after the restart: $after rules (before: $before; the request is all or nothing)"
else
	bad "after the restart: $after rules, before $before"
fi
[[ $addrc -ne 0 || $after -eq $((before + 10000)) ]] && ok "snicctl's answer agrees with the state" \
	|| bad "snicctl reported success but the rules are missing"
hw=$(hw_rules) fw=$(fw_entries)
[[ $hw -eq $fw ]] && ok "the NIC holds exactly the manager's $hw hardware rules (no duplicate, nothing stale; $entries_down at the kill)" \
	|| bad "manager installed $hw hardware rules, the NIC holds $fw entries"
nsw=$(c --json dump-flows | python3 -c 'import json,sys; print(sum(f["state"] != "hw" for f in json.load(sys.stdin)["flows"]))')
[[ $nsw -eq 1 ]] && ok "every rule but the refused one is in hardware" || bad "$nsw rules not in hardware"
wait "$pingpid" 2>/dev/null || true
pingpid=
loss=$(grep -o '[0-9.]*% packet loss' "$dir/ping2" || echo "? packet loss")
[[ $loss == "0% packet loss" ]] && ok "the VM's ping never stopped: $(grep -o '[0-9]* received' "$dir/ping2"), $loss" \
	|| bad "ping during the kill and restart: $loss"

# ---- 4. a clean stop leaves the NIC forwarding ----
kill -TERM "$offpid"; wait "$offpid" 2>/dev/null || true
offpid=
fw_stopped=$(fw_entries)
[[ $fw_stopped -eq $fw ]] && ok "after a clean stop the NIC still holds its $fw_stopped rules" \
	|| bad "after a clean stop: $fw_stopped entries (was $fw)"
ip netns exec "$vm0" ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$dir/ping3" 2>&1 \
	&& ok "while the manager is down, VMs still talk" || bad "no traffic while the manager is down"
start_off || bad "start after a clean stop"
[[ $(fw_entries) -eq $fw && $(hw_rules) -eq $fw ]] && ok "the next start adopted them: no change" \
	|| bad "after the restart: NIC $(fw_entries) entries, manager $(hw_rules)"
# ---- 5. idle: the daemon sleeps (no polling of its ports) ----
ticks() { awk '{print $14 + $15}' "/proc/$offpid/stat"; }
t0=$(ticks); sleep 3; t1=$(ticks)
[[ $((t1 - t0)) -le 6 ]] && ok "idle for 3 s: $((t1 - t0)) clock ticks of CPU (it sleeps in epoll)" \
	|| bad "idle snic-offloadd used $((t1 - t0)) clock ticks in 3 s"
grep -q "removed .* stale hardware rule" "$dir/offloadd.log" && echo "(offloadd log: $(grep -o 'removed [0-9]* stale' "$dir/offloadd.log" | tr '\n' ' '))"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
