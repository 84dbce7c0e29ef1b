#!/usr/bin/env bash
# test_sriov_sim.sh SIM SRIOV OFFLOADD SNICCTL - snic-sriov end to end on a
# simulated NIC (issue 7, must-show 2 and 3):
#
#  1. enable 4 VFs: their TAPs appear, no more; refusals (9 VFs, a different
#     nonzero count) change nothing;
#  2. MACs and VLAN+QoS set; the tag is on the wire (tshark on the uplink);
#  3. attach two VFs to VM namespaces (created by attach): the TAPs move with
#     the VF MACs; traffic flows; attaching again or disabling is refused;
#  4. spoof check drops a VM's forged-MAC frames, counted by the firmware;
#  5. max_tx_rate 100 Mbit/s holds within 10 % under iperf3;
#  6. link disable stops traffic (the VM sees no carrier), enable restores it;
#  7. switchdev + snic-offloadd holding the NIC: snic-sriov still works (a
#     command-only attachment), and it agrees with `snicctl show` on VFs and
#     representors;
#  8. detach returns the TAPs (down, no addresses) and deletes the namespaces
#     attach made; no record is left.
set -euo pipefail
sim=$1 sriov=$2 off=$3 ctl=$4
pass=0 fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
die() { echo "FAIL: $*"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (namespaces, TAPs)"
for t in python3 ping iperf3 tshark; do
	command -v $t >/dev/null || die "$t missing: run scripts/setup.sh"
done

id=$$ name=v$((RANDOM % 9000 + 1000))
vma=sriovA.$id vmb=sriovB.$id
dir=/run/snic-test-sriov.$id
nic=$dir/nic.sock
simpid= offpid=
cleanup() {
	for p in $offpid $simpid; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in $vma $vmb; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir -m 0755 "$dir"

"$sim" --name "$name" --socket "$nic" --num-vfs 0 --no-pf-tap -q 2>"$dir/sim.log" &
simpid=$!
for _ in $(seq 100); do "$sim" ctl --ctl "$dir/nic.ctl" status >/dev/null 2>&1 && break; sleep 0.05; done
kill -0 $simpid 2>/dev/null || die "snic-sim did not start: $(cat "$dir/sim.log")"

sv() { "$sriov" --state-dir "$dir/state" "$@"; }
# a field of `snic-sriov --json list NIC`: nic.FIELD or vf.N.FIELD(.SUB)
js() {
	sv --json list "$nic" | python3 -c '
import json, sys
n = json.load(sys.stdin)["nics"][0]
path = sys.argv[1].split(".")
v = n
if path[0] == "vf":
    v = [x for x in n["vfs"] if x["vf"] == int(path[1])][0]; path = path[2:]
for k in path:
    v = v[k]
print("null" if v is None else v)' "$1"
}
tap_exists() { ip link show "$1" >/dev/null 2>&1; }

# ---- 1. enable ----
[[ $(js num_vfs) == 0 && $(js total_vfs) == 8 ]] && ok "a NIC with 8 VFs, none enabled" \
	|| bad "before enable: num_vfs $(js num_vfs) total $(js total_vfs)"
tap_exists "${name}pf0vf0" && bad "a TAP for a disabled VF exists" || ok "no TAP while VFs are disabled"
sv enable "$nic" 4 && ok "enable 4 VFs" || bad "enable 4"
n=0; for i in 0 1 2 3; do tap_exists "${name}pf0vf$i" && n=$((n + 1)); done
[[ $n == 4 ]] && ! tap_exists "${name}pf0vf4" && ok "TAPs for VF 0-3, none for VF 4" \
	|| bad "$n TAPs of 4; vf4 TAP exists: $(tap_exists "${name}pf0vf4" && echo yes || echo no)"
if out=$(sv enable "$nic" 9 2>&1); then bad "enable 9 of 8 accepted"
else [[ $out == *"at most 8"* ]] && ok "enable 9 refused: $out" || bad "enable 9: $out"; fi
if out=$(sv enable "$nic" 2 2>&1); then bad "enable 2 while 4 are enabled accepted"
else [[ $out == *"4 VFs are enabled"*"disable"* ]] && ok "enable 2 over 4 refused: $out" || bad "enable 2: $out"; fi
[[ $(js num_vfs) == 4 ]] && ok "still 4 VFs after the refusals" || bad "num_vfs $(js num_vfs) after refusals"

# ---- 2. MAC, VLAN + QoS ----
sv set "$nic" 0 mac 02:5a:00:00:00:0a vlan 100 qos 3 && sv set "$nic" 1 mac 02:5a:00:00:00:0b vlan 100 \
	&& ok "set MACs and VLAN 100 (qos 3 on VF 0)" || bad "set mac/vlan"
[[ $(js vf.0.mac) == 02:5a:00:00:00:0a && $(js vf.0.vlan) == 100 && $(js vf.0.qos) == 3 ]] \
	&& ok "list shows VF 0: $(js vf.0.mac) vlan $(js vf.0.vlan) qos $(js vf.0.qos)" \
	|| bad "VF 0 reads $(js vf.0.mac) vlan $(js vf.0.vlan) qos $(js vf.0.qos)"
if out=$(sv set "$nic" 0 mac 01:00:5e:00:00:01 2>&1); then bad "multicast VF MAC accepted"
else [[ $out == *multicast* ]] && ok "multicast MAC refused: $out" || bad "multicast MAC: $out"; fi
if out=$(sv set "$nic" 6 mac 02:00:00:00:00:06 2>&1); then bad "setting a disabled VF accepted"
else [[ $out == *"VF 6 is not enabled"* ]] && ok "VF 6 refused: $out" || bad "VF 6: $out"; fi
if out=$(sv set "$nic" 0 vlan 100 qos 9 2>&1); then bad "qos 9 accepted"; else ok "qos 9 refused: $out"; fi
[[ $(js vf.0.mac) == 02:5a:00:00:00:0a && $(js vf.0.qos) == 3 ]] && ok "refusals changed nothing" \
	|| bad "after refusals VF 0 is $(js vf.0.mac) qos $(js vf.0.qos)"

# ---- 3. attach ----
if out=$(sv attach "$nic" 0 "$vma"); then ok "attach VF 0: ${out%%$'\n'*}"; else bad "attach VF 0: $out"; fi
sv attach "$nic" 1 "$vmb" >/dev/null && ok "attach VF 1 to $vmb" || bad "attach VF 1"
[[ -e /run/netns/$vma && -e /run/netns/$vmb ]] && ok "attach created the VM namespaces" || bad "namespaces missing"
m=$(ip -n "$vma" -br link show "${name}pf0vf0" 2>/dev/null | awk '{print $3}')
[[ $m == 02:5a:00:00:00:0a ]] && ok "VF 0's TAP is in $vma with the VF's MAC" || bad "TAP in $vma: '$m'"
tap_exists "${name}pf0vf0" && bad "the TAP is still in the host namespace" || ok "the TAP left the host namespace"
[[ $(js vf.0.vm) == "$vma" && $(js vf.1.vm) == "$vmb" ]] && ok "list names the VMs" || bad "list vm: $(js vf.0.vm) $(js vf.1.vm)"
if out=$(sv attach "$nic" 1 other 2>&1); then bad "VF 1 attached twice"
else [[ $out == *"in use by VM $vmb"* ]] && ok "second attach refused: $out" || bad "second attach: $out"; fi
if out=$(sv disable "$nic" 2>&1); then bad "disable with attached VFs accepted"
else [[ $out == *"VF 0 is attached to VM $vma"* ]] && ok "disable refused: $out" || bad "disable: $out"; fi
if out=$(sv attach "$nic" 2 'bad/name' 2>&1); then bad "VM name with / accepted"; else ok "bad VM name refused: $out"; fi

ip -n "$vma" addr add 10.77.0.1/24 dev "${name}pf0vf0"; ip -n "$vma" link set lo up
ip -n "$vmb" addr add 10.77.0.2/24 dev "${name}pf0vf1"; ip -n "$vmb" link set lo up
if ip netns exec "$vma" ping -c 3 -i 0.2 -W 2 10.77.0.2 >"$dir/ping" 2>&1; then
	ok "VM A pings VM B: $(grep -o '[0-9]* received' "$dir/ping")"
else bad "VM A cannot ping VM B: $(tail -2 "$dir/ping")"; fi
# the VLAN on the wire: VM A's broadcast ARP also floods to the uplink
"$sim" ctl --ctl "$dir/nic.ctl" capture uplink0 "$dir/up.pcap" >/dev/null
ip -n "$vma" neigh flush dev "${name}pf0vf0"
ip netns exec "$vma" ping -c 1 -W 1 10.77.0.99 >/dev/null 2>&1 || true
"$sim" ctl --ctl "$dir/nic.ctl" capture uplink0 off >/dev/null
tag=$(tshark -r "$dir/up.pcap" -Y 'arp && eth.src == 02:5a:00:00:00:0a' -T fields -e vlan.id -e vlan.priority 2>/dev/null | sort -u | tr '\t\n' ' ;')
[[ $tag == "100 3;" ]] && ok "tshark: VM A's ARP leaves the NIC tagged VLAN 100, priority 3" \
	|| bad "tshark on the uplink: vlan/prio '$tag'"

# ---- 4. spoof check ----
sv set "$nic" 0 spoofchk on && ok "spoofchk on for VF 0" || bad "spoofchk on"
d0=$(js vf.0.stats.drop_spoof)
ip -n "$vma" link set dev "${name}pf0vf0" address 02:66:66:66:66:66
# a static neighbor: the three echo requests go out at once (no ARP first)
ip -n "$vma" neigh replace 10.77.0.2 lladdr 02:5a:00:00:00:0b dev "${name}pf0vf0"
if ip netns exec "$vma" ping -c 3 -i 0.2 -W 1 10.77.0.2 >/dev/null 2>&1; then
	bad "a forged source MAC got through"
else ok "a forged source MAC does not get through"; fi
d1=$(js vf.0.stats.drop_spoof)
[[ $((d1 - d0)) -ge 3 ]] && ok "the firmware counted $((d1 - d0)) spoofed frames" || bad "drop_spoof $d0 -> $d1"
ip -n "$vma" link set dev "${name}pf0vf0" address 02:5a:00:00:00:0a
ip -n "$vma" neigh del 10.77.0.2 dev "${name}pf0vf0" 2>/dev/null || true
ip netns exec "$vma" ping -c 2 -i 0.2 -W 2 10.77.0.2 >/dev/null 2>&1 && ok "the VF's own MAC passes again" \
	|| bad "ping with the right MAC after spoof check"

# ---- 5. rate ----
sv set "$nic" 0 max_tx_rate 100 && ok "max_tx_rate 100 on VF 0" || bad "max_tx_rate 100"
[[ $(js vf.0.max_tx_rate) == 100 ]] || bad "max_tx_rate reads $(js vf.0.max_tx_rate)"
ip netns exec "$vmb" iperf3 -s -1 -D --logfile /dev/null
sleep 0.3
if ip netns exec "$vma" iperf3 -c 10.77.0.2 -t 5 -J >"$dir/iperf.json" 2>&1; then
	mbps=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e6))' "$dir/iperf.json")
	[[ $mbps -ge 90 && $mbps -le 110 ]] && ok "iperf3 through a 100 Mbit/s VF: $mbps Mbit/s (within 10 %)" \
		|| bad "iperf3 through a 100 Mbit/s VF: $mbps Mbit/s"
else bad "iperf3 failed: $(tail -3 "$dir/iperf.json")"; fi
sv set "$nic" 0 max_tx_rate 0 && ok "rate limit removed" || bad "max_tx_rate 0"

# ---- 6. link state ----
sv set "$nic" 1 state disable && ok "VF 1 link disabled" || bad "state disable"
ip -n "$vmb" link show "${name}pf0vf1" | grep -q NO-CARRIER && ok "VM B sees no carrier" \
	|| bad "VM B's link: $(ip -n "$vmb" -br link show "${name}pf0vf1")"
ip netns exec "$vma" ping -c 2 -i 0.2 -W 1 10.77.0.2 >/dev/null 2>&1 && bad "traffic with the link down" \
	|| ok "no traffic to VM B while its link is down"
[[ $(js vf.1.link_up) == False && $(js vf.1.link_state) == disable ]] && ok "list: VF 1 link disable (down)" \
	|| bad "list: VF 1 link $(js vf.1.link_state) up=$(js vf.1.link_up)"
sv set "$nic" 1 state enable && ok "VF 1 link enabled" || bad "state enable"
ok_ping=0
for _ in 1 2 3; do ip netns exec "$vma" ping -c 2 -i 0.2 -W 1 10.77.0.2 >/dev/null 2>&1 && { ok_ping=1; break; }; done
[[ $ok_ping == 1 ]] && ok "traffic flows again after link enable" || bad "no traffic after link enable"

# ---- 7. switchdev, snic-offloadd holding the NIC, snicctl show ----
sv eswitch "$nic" switchdev && [[ $(js eswitch) == switchdev ]] && ok "e-switch switched to switchdev" \
	|| bad "eswitch switchdev: $(js eswitch)"
"$off" --dev "$nic" --vfs 4 --socket "$dir/ctl.sock" -q 2>"$dir/off.log" &
offpid=$!
for _ in $(seq 200); do "$ctl" --socket "$dir/ctl.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
"$ctl" --socket "$dir/ctl.sock" ping >/dev/null 2>&1 || bad "snic-offloadd did not start: $(cat "$dir/off.log")"
sv set "$nic" 2 mac 02:5a:00:00:00:0c && [[ $(js vf.2.mac) == 02:5a:00:00:00:0c ]] \
	&& ok "snic-sriov configures the NIC while snic-offloadd holds it" || bad "set while offloadd runs"
if out=$(sv eswitch "$nic" legacy 2>&1); then bad "legacy accepted under a running manager"
else [[ $out == *"flow tables exist"* ]] && ok "legacy refused while flow tables exist: $out" || bad "eswitch legacy: $out"; fi
"$ctl" --socket "$dir/ctl.sock" --json show >"$dir/show.json"
sv --json representors "$nic" >"$dir/reps.json"
if cmp=$(python3 - "$dir/show.json" "$dir/reps.json" <<'EOF'
import json, sys
show = json.load(open(sys.argv[1]))
reps = json.load(open(sys.argv[2]))
a = sorted((p["vf"], p["representor"]) for p in show["ports"] if p["kind"] == "vf")
b = sorted((r["vf"], r["dpdk_port"]) for r in reps["representors"])
print(a == b and len(a) == 4, a, b)
EOF
); then
	[[ $cmp == True* ]] && ok "snic-sriov and snicctl show agree: ${cmp#True }" || bad "disagree: $cmp"
else bad "comparing show and representors: $cmp"; fi
kill "$offpid"; wait "$offpid" 2>/dev/null || true; offpid=

# ---- 8. detach ----
sv detach "$nic" 0 && sv detach "$nic" 1 && ok "detach VF 0 and VF 1" || bad "detach"
tap_exists "${name}pf0vf0" && tap_exists "${name}pf0vf1" && ok "the TAPs are back in the host namespace" \
	|| bad "TAPs not back"
st=$(ip -br link show "${name}pf0vf0" | awk '{print $2}') addrs=$(ip -br addr show "${name}pf0vf0" | awk '{print $3}')
[[ $st == DOWN && -z $addrs ]] && ok "VF 0's TAP is down with no addresses" || bad "VF 0's TAP: $st '$addrs'"
[[ ! -e /run/netns/$vma && ! -e /run/netns/$vmb ]] && ok "the namespaces attach made are gone" \
	|| bad "namespaces left: $(ls /run/netns | grep "$id" || true)"
[[ -z $(ls "$dir/state" 2>/dev/null | grep -v '^\.lock$' || true) ]] && ok "no attachment record left" \
	|| bad "records left: $(ls "$dir/state")"
if out=$(sv detach "$nic" 0 2>&1); then bad "detach of a detached VF accepted"
else [[ $out == *"not attached"* ]] && ok "detach again: $out" || bad "detach again: $out"; fi
[[ $(js vf.0.vm) == null ]] && ok "list: VF 0 attached to nothing" || bad "list vm after detach: $(js vf.0.vm)"

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
