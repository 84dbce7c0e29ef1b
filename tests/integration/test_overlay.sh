#!/usr/bin/env bash
# test_overlay.sh SIM OFFLOADD SNICCTL TOPO - a three-host simulated cloud
# (snic-topo) with a snic-offloadd per host and the tenants' VXLAN overlay
# (snic-topo offload):
#
#   h1: a1 (tenant 100), b1 (200), a3 (100)   h2: a2 (100), b2 (200)
#   h3: a4 (100)                              tenants share 10.10.0.0/24
#
#  - tenant 100 VMs ping each other on one host and across hosts, ARP
#    included: broadcast is replicated by the head end, to the local VM in
#    hardware with one tunnel, to two tunnels in software;
#  - iperf3 (TCP) between a1 and a2 across hosts;
#  - a VM of tenant 200 never sees a frame of tenant 100 (captured on its
#    VF), and cannot reach tenant 100's addresses;
#  - the managers' rules are in hardware except the replication to two
#    tunnels (software, with the reason).
set -euo pipefail
sim=$1 off=$2 ctl=$3 topo=$4
pass=0 fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
[[ $(id -u) -eq 0 ]] || { echo "FAIL: needs root"; echo "0 passed, 1 failed"; exit 1; }
for t in tshark iperf3 python3; do
	command -v $t >/dev/null || { echo "FAIL: $t missing: run scripts/setup.sh"; echo "0 passed, 1 failed"; exit 1; }
done
p=ov$((RANDOM % 90000 + 10000))
work=$(mktemp -d /var/tmp/test_overlay.XXXXXX)
T=("$topo" --sim "$sim" --offloadd "$off" --snicctl "$ctl")
cleanup() { "${T[@]}" down --prefix "$p" -q >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
cat >"$work/cloud.topo" <<EOF
prefix $p
underlay 192.0.2.0/24
host h1 vtep 192.0.2.11
host h2 vtep 192.0.2.12
host h3 vtep 192.0.2.13
vm a1 host h1 vf 0 mac 02:00:00:0a:01:01 ip 10.10.0.1/24 tenant 100
vm b1 host h1 vf 1 mac 02:00:00:0b:01:01 ip 10.10.0.11/24 tenant 200
vm a3 host h1 vf 2 mac 02:00:00:0a:01:03 ip 10.10.0.3/24 tenant 100
vm a2 host h2 vf 0 mac 02:00:00:0a:02:01 ip 10.10.0.2/24 tenant 100
vm b2 host h2 vf 1 mac 02:00:00:0b:02:01 ip 10.10.0.12/24 tenant 200
vm a4 host h3 vf 0 mac 02:00:00:0a:03:01 ip 10.10.0.4/24 tenant 100
EOF
sd=/run/snic/topo/$p
"${T[@]}" up "$work/cloud.topo" -q || { echo "FAIL: snic-topo up"; echo "0 passed, 1 failed"; exit 1; }
"${T[@]}" offload --prefix "$p" -q || { echo "FAIL: snic-topo offload"; cat "$sd"/*-offloadd.log; echo "0 passed, 1 failed"; exit 1; }
ok "three hosts up, a snic-offloadd on each with the overlay"

x() { "${T[@]}" exec --prefix "$p" "$@"; }
# tenant 200's VFs: b1 (h1 vf1), b2 (h2 vf1), captured during tenant 100's traffic
"$sim" ctl --ctl "$sd/h1.ctl" capture vf1 "$work/b1.pcap" >/dev/null
"$sim" ctl --ctl "$sd/h2.ctl" capture vf1 "$work/b2.pcap" >/dev/null

while read -r vm ip what; do
	if out=$(x "$vm" -- ping -c 3 -i 0.2 -W 2 "$ip" 2>&1); then
		ok "$vm -> $ip ($what): $(grep -o '[0-9]* received' <<<"$out")"
	else
		bad "$vm -> $ip ($what): $(tail -2 <<<"$out" | tr '\n' ' ')"
	fi
done <<'EOF'
a1 10.10.0.3 same host, tenant 100
a1 10.10.0.2 h1 -> h2, tenant 100
a1 10.10.0.4 h1 -> h3, tenant 100
a4 10.10.0.2 h3 -> h2, tenant 100
EOF
x a2 -- iperf3 -s -1 -D --logfile /dev/null
sleep 0.3
if out=$(x a1 -- iperf3 -c 10.10.0.2 -t 2 -f m 2>&1); then
	mbps=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print int($i) }' <<<"$out")
	[[ ${mbps:-0} -gt 0 ]] && ok "iperf3 a1 -> a2 across hosts: $mbps Mbit/s" || bad "iperf3: ${mbps:-?} Mbit/s: $out"
else
	bad "iperf3 a1 -> a2 failed: $(tail -3 <<<"$out")"
fi
"$sim" ctl --ctl "$sd/h1.ctl" capture vf1 off >/dev/null
"$sim" ctl --ctl "$sd/h2.ctl" capture vf1 off >/dev/null
for b in b1 b2; do
	n=$(tshark -r "$work/$b.pcap" -Y 'eth.addr == 02:00:00:0a:01:01 || eth.addr == 02:00:00:0a:02:01 || eth.addr == 02:00:00:0a:01:03 || eth.addr == 02:00:00:0a:03:01' 2>/dev/null | wc -l)
	all=$(tshark -r "$work/$b.pcap" 2>/dev/null | wc -l)
	[[ $n -eq 0 ]] && ok "$b (tenant 200) saw none of tenant 100's frames ($all frames captured)" \
		|| bad "$b saw $n frames of tenant 100"
done
if out=$(x b1 -- ping -c 2 -i 0.2 -W 1 10.10.0.2 2>&1); then
	bad "b1 (tenant 200) reached tenant 100's 10.10.0.2"
else
	ok "b1 (tenant 200) cannot reach tenant 100's 10.10.0.2"
fi
if out=$(x b1 -- ping -c 3 -i 0.2 -W 2 10.10.0.12 2>&1); then
	ok "b1 -> b2 (tenant 200 across hosts): $(grep -o '[0-9]* received' <<<"$out")"
else
	bad "b1 -> b2: $(tail -2 <<<"$out" | tr '\n' ' ')"
fi
# where the rules run: a1's flood (a3 + two tunnels) is software, the rest hardware
"$ctl" --socket "$sd/h1-offloadd.sock" --json dump-flows >"$work/h1.json"
python3 - "$work/h1.json" <<'EOF' && ok "h1: every rule in hardware but the two-tunnel floods (software, with the reason)" || bad "h1's rule states"
import json, sys
flows = json.load(open(sys.argv[1]))["flows"]
sw = [f for f in flows if f["state"] != "hw"]
ok = all("two tunnels" in (f["reason"] or "") and f["sw"]["packets"] > 0 for f in sw) and \
     len(sw) >= 1 and all(f["state"] == "hw" for f in flows if f not in sw)
for f in flows:
    print("   ", f["state"], f["hw"]["packets"], f["sw"]["packets"], f["text"], "|", f["reason"] or "")
sys.exit(0 if ok else 1)
EOF
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
