#!/usr/bin/env bash
# bench_insert.sh - the insert section of the benchmarks, or with --scale
# the scale section (tests/bench/README.md has the row contract; this writes
# their rows).
#
# insert: one rules file (bench_insert_rules.py: 100 k per-VM ACL and
#   forwarding rules of six kinds, every one offloadable) installed
#   twice, each timed from the command's start to its end:
#   - `snicctl add-flows` (one request) into snic-offloadd over snic-sim; the
#     hardware state must be reached: snicctl show says every rule is in
#     hardware, and the NIC's entry count (`snic-sim ctl status`) is the
#     manager's hardware rule count;
#   - `ovs-ofctl add-flows` into an ovs-vswitchd userspace bridge
#     (datapath_type=netdev) this script starts in a private directory, with
#     ports named as snic names them (uplink = OpenFlow port 1, vfN = 2 + N);
#     `ovs-ofctl dump-aggregate` must count every rule.
#   Then both switches' rules are compared text for text (snic dumps them in
#   ovs-ofctl's canonical syntax).  Row insert.snicctl: rules/s, the
#   reference being ovs-ofctl.  Before snic-offloadd attaches, bench_rteflow
#   times raw rte_flow_create() of as many rules on the same NIC: row
#   insert.rteflow (no reference).
# scale (--scale): snic-sim and snic-offloadd from scratch, hardware rules grown
#   1 k -> 10 k -> 100 k -> 1 M with add-flows requests of at most 100 k
#   rules (a 100 k request is ~10 MiB; the control protocol takes 64 MiB);
#   per decade the rate of that decade's additions, rows scale.rate.d1..d4;
#   memory per rule at the largest size, (VmRSS there - VmRSS with no
#   rules) / rules, of snic-offloadd and snic-sim: scale.mem.offloadd,
#   scale.mem.sim (no reference).
#   After every request: every rule in hardware, the NIC's entries checked.
# --quick: 2 k rules for insert, 10 -> 10 k for scale (sizes 100 x smaller;
#   the rows' conditions say so).
#
# Everything runs in a network namespace of its own (snic-sim's TAPs and
# OVS's ports live there) with a private directory under /run; processes,
# namespace and directory go on every exit path.  Needs root.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench_insert.sh [--quick] --out FILE [--scale] [--build DIR] [--help]

Section insert: snicctl add-flows into snic-offloadd over snic-sim (to the
hardware) against ovs-ofctl add-flows into an ovs-vswitchd userspace bridge,
and raw rte_flow_create() on net_snic (rows insert.snicctl, insert.rteflow).
Section scale (--scale): hardware rules from 1 k to 1 M, insertion rate per
decade and memory per rule (rows scale.rate.d1..d4, scale.mem.offloadd,
scale.mem.sim; with the current snic-offloadd about 30 min).  Rows are
appended to FILE as JSON Lines (tests/bench/README.md).

  --quick      small sizes (insert 2 k rules; scale 10 -> 10 k), for CI
  --out FILE   where the rows go (appended)
  --scale      the scale section instead of insert
  --build DIR  the build tree with snic-sim, snic-offloadd, snicctl and
               bench_rteflow (default: $SNIC_BUILD_DIR, else build/release)
  -h, --help   this text
EOF
}

die() { echo "bench_insert.sh: $*" >&2; exit 1; }

quick=0 scale=0 out='' build=${SNIC_BUILD_DIR:-}
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) quick=1; shift ;;
	--scale) scale=1; shift ;;
	--out)   [[ $# -ge 2 ]] || { usage >&2; die "--out needs a file name"; }
	         out=$(realpath -m -- "$2"); shift 2 ;;
	--build) [[ $# -ge 2 ]] || { usage >&2; die "--build needs a directory"; }
	         build=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
[[ -n $out ]] || { usage >&2; die "--out FILE is needed"; }
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../.." && pwd)
build=$(realpath -m -- "${build:-$root/build/release}")
sim=$build/sim/snic-sim
off=$build/offload-mgr/snic-offloadd
ctl=$build/offload-mgr/snicctl/snicctl
rteflow=$build/tests/bench/bench_rteflow
gen=$here/bench_insert_rules.py
schema=/usr/share/openvswitch/vswitch.ovsschema

[[ $(id -u) -eq 0 ]] || die "needs root (a network namespace, TAPs): run it with sudo"
need=("$sim" "$off" "$ctl") tools=(python3 ip)
((scale)) || need+=("$rteflow") tools+=(ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl)
for b in "${need[@]}"; do
	[[ -x $b ]] || die "$b missing: build it (cmake --build $build --target snic-sim snic-offloadd snicctl bench_rteflow) or give --build DIR"
done
for t in "${tools[@]}"; do
	command -v "$t" >/dev/null || die "$t missing: run scripts/setup.sh (python3, iproute2, openvswitch-switch)"
done
((scale)) || [[ -f $schema ]] || die "$schema missing: install openvswitch-switch (scripts/setup.sh)"
: >>"$out" || die "cannot write $out"
# the interpreter itself, not a version manager's shim (a shim costs ~0.1 s a call)
py=$(python3 -c 'import sys; print(sys.executable)')

if ((quick)); then n_insert=2000 sizes=(10 100 1000 10000) scale_note="sizes 100x smaller than the full run (--quick)"
else n_insert=100000 sizes=(1000 10000 100000 1000000) scale_note="full sizes"; fi
chunk_max=100000

# the build, for the conditions
cval() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null | head -1; }
ccval() { cat "$build"/CMakeFiles/*/CMakeCCompiler.cmake 2>/dev/null | sed -n "s/^set($1 \"\(.*\)\")/\1/p" | head -1; }
build_desc="$(ccval CMAKE_C_COMPILER_ID) $(ccval CMAKE_C_COMPILER_VERSION) $(cval CMAKE_BUILD_TYPE)"
[[ $(cval SNIC_SANITIZE) == ON ]] && build_desc+=" ASan+UBSan (figures not comparable)"

# ---- the private namespace and directory; cleanup on every exit ----
id=$$
ns=sbBins.$id
name=sbb$((id % 1000))        # the NIC's name (its TAPs: NAMEpf0vfN, in $ns)
dir=/run/sbB-insert.$id
ovsdir=$dir/ovs
simpid='' offpid=''

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
stop_ovs() {
	local p pids=()
	for p in "$ovsdir"/ovs-vswitchd.pid "$ovsdir"/ovsdb-server.pid; do
		[[ -f $p ]] && pids+=("$(cat "$p")")
	done
	((${#pids[@]})) && bench_stop_pids "${pids[@]}"
	rm -f "$ovsdir"/*.pid
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_ovs 2>/dev/null || true
	# shellcheck disable=SC2086
	bench_stop_pids $offpid $simpid 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf -- "$dir"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -m 0755 "$dir" "$ovsdir"
ip netns add "$ns"
ip -n "$ns" link set lo up
# no IPv6 chatter from the TAPs into the manager's software path
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

c() { "$ctl" --socket "$dir/ctl.sock" "$@"; }
fw_entries() { "$sim" ctl --ctl "$dir/nic.ctl" status | sed -n 's/^steering .*entries=\([0-9]*\).*/\1/p'; }
# snicctl show --json capacity: "rules_hw rules_sw rules_pending rules_failed hw_rules"
capacity() {
	c --json show | "$py" -c 'import json,sys; k=json.load(sys.stdin)["capacity"]
print(k["rules_hw"], k["rules_sw"], k["rules_pending"], k["rules_failed"], k["hw_rules"])'
}
# the reasons of the rules not in hardware, by count (a failure's message)
not_hw() {
	c --timeout 600 --json dump-flows | "$py" -c 'import collections, json, sys
n = collections.Counter(f["reason"] or f["state"] for f in json.load(sys.stdin)["flows"] if f["state"] != "hw")
print("; ".join("%d: %s" % (v, k) for k, v in n.most_common(3)))'
}
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
now() { echo "$EPOCHREALTIME"; }
calc() { awk "BEGIN { printf \"%.3f\n\", $1 }"; }
# row ID METRIC UNIT SNIC REF REF_NAME BETTER CONDITIONS (REF may be null)
row() {
	"$py" - "$out" "$@" <<'EOF'
import json, sys
out, rid, metric, unit, snic, ref, ref_name, better, cond = sys.argv[1:]
snic = float(snic)
ref = None if ref == "null" else float(ref)
r = {"id": rid, "section": rid.split(".")[0], "metric": metric, "unit": unit,
     "snic": round(snic, 3), "ref": None if ref is None else round(ref, 3),
     "ref_name": ref_name, "ratio": round(snic / ref, 4) if ref else None,
     "better": better, "conditions": cond}
with open(out, "a") as f:
    f.write(json.dumps(r) + "\n")
print("%-20s %12.1f %-9s ref %s (%s)" % (rid, snic, unit,
      "-" if ref is None else "%.1f" % ref, ref_name))
EOF
}

start_sim() {
	rm -f "$dir/nic.sock" "$dir/nic.ctl"
	ip netns exec "$ns" "$sim" --name "$name" --socket "$dir/nic.sock" -q 2>>"$dir/sim.log" &
	simpid=$!
	for _ in $(seq 200); do
		"$sim" ctl --ctl "$dir/nic.ctl" status >/dev/null 2>&1 && return 0
		kill -0 "$simpid" 2>/dev/null || break
		sleep 0.05
	done
	die "snic-sim did not come up: $(tail -5 "$dir/sim.log")"
}
start_off() {
	"$off" --dev "$dir/nic.sock" --vfs 8 --state "$dir/state.db" --socket "$dir/ctl.sock" \
		-q 2>>"$dir/offloadd.log" &
	offpid=$!
	for _ in $(seq 600); do
		c ping >/dev/null 2>&1 && return 0
		kill -0 "$offpid" 2>/dev/null || break
		sleep 0.05
	done
	die "snic-offloadd did not come up: $(tail -5 "$dir/offloadd.log")"
}
# add-flows of FILE (N rules) as one timed request; its seconds on stdout
add_flows() {
	local t0 t1
	t0=$(now)
	# 30 min: a request of 100 k rules gets that long before it counts as hung
	# (snic-offloadd took 8 min for the last 100 k of 1 M in November 2026)
	c --timeout 1800 add-flows "$1" >"$dir/add.out" 2>&1 ||
		die "snicctl add-flows of $2 rules ($1) failed (the NIC holds $(fw_entries) entries): $(tail -3 "$dir/add.out") (snic-offloadd log: $(tail -3 "$dir/offloadd.log"))"
	t1=$(now)
	grep -q "^added $2 rules" "$dir/add.out" || die "snicctl add-flows $1: '$(cat "$dir/add.out")', not 'added $2 rules'"
	calc "$t1 - $t0"
}
# every one of N rules in hardware, and the NIC holds exactly the manager's
# hardware rules; the NIC's entry count on stdout
check_hw() {
	local n=$1 hw sw pend failed hwr fw
	read -r hw sw pend failed hwr < <(capacity)
	fw=$(fw_entries)
	[[ $hw -eq $n && $sw -eq 0 && $pend -eq 0 && $failed -eq 0 ]] ||
		die "after adding $n rules snic-offloadd has $hw in hardware, $sw in software, $pend pending, $failed failed; every rule of the file should be offloadable (bench_insert_rules.py). Why not, by count: $(not_hw)"
	[[ $hwr -eq $fw ]] || die "snic-offloadd installed $hwr hardware rules but the NIC holds $fw entries"
	echo "$fw"
}

# ---- insert: the rules file, raw rte_flow, snicctl, then OVS ----
insert_section() {
	rules=$dir/rules.txt
	"$py" "$gen" "$n_insert" "$rules"
	echo "insert: $n_insert rules ($(du -h "$rules" | cut -f1)), build $build_desc"

	start_sim
	# raw rte_flow first: the NIC serves one driver instance at a time
	rq=(); ((quick)) && rq=(--quick)
	"$rteflow" "${rq[@]}" --out "$out" --dev "$dir/nic.sock" --ctl "$dir/nic.ctl" --sim "$sim" \
		--rules "$n_insert" >"$dir/rteflow.out" 2>&1 ||
		die "bench_rteflow failed: $(tail -5 "$dir/rteflow.out")"
	cat "$dir/rteflow.out"
	for _ in $(seq 100); do
		"$sim" ctl --ctl "$dir/nic.ctl" status | grep -q '^host none' && break
		sleep 0.05
	done

	start_off
	fw0=$(fw_entries)
	t_snic=$(add_flows "$rules" "$n_insert")
	fw1=$(check_hw "$n_insert")
	[[ $fw1 -eq $((fw0 + n_insert)) ]] || die "the NIC went from $fw0 to $fw1 entries for $n_insert rules"
	echo "snicctl add-flows: $n_insert rules in ${t_snic}s, in hardware (NIC entries $fw0 -> $fw1)"

	# ---- insert: the same file into an ovs-vswitchd userspace bridge ----
	ovsenv=(env OVS_RUNDIR="$ovsdir" OVS_DBDIR="$ovsdir" OVS_LOGDIR="$ovsdir" OVS_SYSCONFDIR="$ovsdir")
	ovsdb-tool create "$ovsdir/conf.db" "$schema"
	"${ovsenv[@]}" ip netns exec "$ns" ovsdb-server "$ovsdir/conf.db" --remote="punix:$ovsdir/db.sock" \
		--pidfile="$ovsdir/ovsdb-server.pid" --unixctl="$ovsdir/ovsdb-server.ctl" \
		--log-file="$ovsdir/ovsdb-server.log" -vconsole:off --detach --no-chdir 2>>"$ovsdir/stderr" ||
		die "ovsdb-server did not start: $(tail -3 "$ovsdir/stderr" "$ovsdir/ovsdb-server.log" 2>/dev/null)"
	vsctl() { "${ovsenv[@]}" ovs-vsctl --db="unix:$ovsdir/db.sock" --timeout=60 "$@"; }
	vsctl --no-wait init
	"${ovsenv[@]}" ip netns exec "$ns" ovs-vswitchd "unix:$ovsdir/db.sock" \
		--pidfile="$ovsdir/ovs-vswitchd.pid" --unixctl="$ovsdir/ovs-vswitchd.ctl" \
		--log-file="$ovsdir/ovs-vswitchd.log" -vconsole:off --detach --no-chdir 2>>"$ovsdir/stderr" ||
		die "ovs-vswitchd did not start: $(tail -3 "$ovsdir/stderr" "$ovsdir/ovs-vswitchd.log" 2>/dev/null)"
	# no default NORMAL flow (fail_mode=secure), no hidden in-band flows
	br=(-- add-br br0 -- set bridge br0 datapath_type=netdev fail_mode=secure
		other_config:disable-in-band=true
		-- add-port br0 uplink -- set interface uplink type=internal ofport_request=1)
	for v in 0 1 2 3 4 5 6 7; do
		br+=(-- add-port br0 "vf$v" -- set interface "vf$v" type=internal ofport_request=$((v + 2)))
	done
	vsctl "${br[@]}" || die "ovs-vsctl could not make the bridge: $(tail -3 "$ovsdir/ovs-vswitchd.log")"
	ofctl() { "${ovsenv[@]}" ovs-ofctl "$@"; }
	[[ $(ofctl dump-aggregate br0 | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p') == 0 ]] ||
		die "the new OVS bridge is not empty: $(ofctl dump-flows br0 | head -3)"
	t0=$(now)
	ofctl add-flows br0 "$rules" 2>"$dir/ofctl.err" || die "ovs-ofctl add-flows failed: $(tail -3 "$dir/ofctl.err")"
	t1=$(now)
	t_ovs=$(calc "$t1 - $t0")
	n_ovs=$(ofctl dump-aggregate br0 | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p')
	[[ $n_ovs -eq $n_insert ]] || die "ovs-vswitchd holds $n_ovs flows after adding $n_insert"
	ovs_ver=$(ovs-vswitchd --version | sed -n '1s/.* //p')
	echo "ovs-ofctl add-flows: $n_insert rules in ${t_ovs}s (ovs-vswitchd $ovs_ver)"

	# the same rules in both: canonical text, sorted
	c --timeout 600 --json dump-flows |
		"$py" -c 'import json, sys; print("\n".join(sorted(f["text"] for f in json.load(sys.stdin)["flows"])))' >"$dir/snic.dump"
	ofctl --names --no-stats dump-flows br0 | sed -n 's/^ *\(.*actions=.*\)/\1/p' |
		"$py" -c 'import sys; print("\n".join(sorted(l.rstrip("\n") for l in sys.stdin)))' >"$dir/ovs.dump"
	cmp -s "$dir/snic.dump" "$dir/ovs.dump" ||
		die "snic and OVS hold different rules for the same file: $(diff "$dir/snic.dump" "$dir/ovs.dump" | head -4)"
	stop_ovs
	rm -f -- "$rules" "$dir/snic.dump" "$dir/ovs.dump"    # /run is memory

	row insert.snicctl "rule insertion: snicctl add-flows into snic-offloadd, to hardware" rules/s \
		"$(calc "$n_insert / $t_snic")" "$(calc "$n_insert / $t_ovs")" \
		"ovs-ofctl add-flows into ovs-vswitchd $ovs_ver netdev bridge" higher \
		"$n_insert rules, one file (bench_insert_rules.py: per-VM TCP/UDP 5-tuple, ACL drop, /32 delivery (1 in 20 with mod_dl_dst), /24 routes; 8 VFs), each switch from empty; snicctl: one add-flows request to snic-offloadd --vfs 8 over snic-sim (default board; its SQLite state on tmpfs /run), timed to the reply, every rule in hardware (NIC entries $fw0 -> $fw1); OVS: ovs-ofctl add-flows to a datapath_type=netdev bridge (fail_mode=secure, 9 internal ports), dump-aggregate flow_count $n_ovs; both hold the same rules text for text; snicctl ${t_snic}s, ovs-ofctl ${t_ovs}s; $build_desc$( ((quick)) && echo '; --quick')"

}

# ---- scale: a fresh NIC and manager, 1 k -> 1 M hardware rules ----
scale_section() {
	start_sim
	start_off
	largest=${sizes[-1]}
	echo "scale: 0 -> $largest hardware rules in requests of at most $chunk_max"
	"$py" "$gen" "$largest" "$dir/scale.txt"
	# chunk files: each decade's additions, at most chunk_max per request
	bounds=() prev=0
	for s in "${sizes[@]}"; do
		for ((b = prev + chunk_max; b < s; b += chunk_max)); do bounds+=("$b"); done
		bounds+=("$s")
		prev=$s
	done
	awk -v dir="$dir" -v b="${bounds[*]}" 'BEGIN { n = split(b, lim, " "); c = 1 }
		{ while (NR > lim[c]) c++; print > (dir "/chunk." lim[c]) }' "$dir/scale.txt"
	rm -f "$dir/scale.txt"
	fw0=$(fw_entries) off0=$(rss_kb "$offpid") sim0=$(rss_kb "$simpid")
	prev=0 d=0 memnote=
	for s in "${sizes[@]}"; do
		d=$((d + 1)) t=0
		for b in "${bounds[@]}"; do
			((b > prev && b <= s)) || continue
			avail=$(sed -n 's/^MemAvailable:[[:space:]]*\([0-9]*\).*/\1/p' /proc/meminfo)
			((avail > 2097152)) || die "only $((avail / 1024)) MiB of memory left at $prev rules (snic-offloadd RSS $(($(rss_kb "$offpid") / 1024)) MiB): not enough for $largest rules"
			dt=$(add_flows "$dir/chunk.$b" "$((b - (b - chunk_max > prev ? b - chunk_max : prev)))")
			t=$(calc "$t + $dt")
			rm -f "$dir/chunk.$b"
			fw=$(check_hw "$b")      # after every request, outside the timing
			[[ $fw -eq $((fw0 + b)) ]] || die "the NIC holds $fw entries for $b rules (it had $fw0)"
			((b == s)) || echo "scale: ... $b rules (+${dt}s; snic-offloadd RSS $(($(rss_kb "$offpid") / 1024)) MiB)"
		done
		offk=$(rss_kb "$offpid") simk=$(rss_kb "$simpid")
		rate=$(calc "($s - $prev) / $t")
		echo "scale: $prev -> $s rules in ${t}s; RSS snic-offloadd $((offk / 1024)) MiB, snic-sim $((simk / 1024)) MiB"
		memnote+="${memnote:+, }$s: $(((offk - off0) * 1024 / s))/$(((simk - sim0) * 1024 / s))"
		row "scale.rate.d$d" "hardware rule insertion rate, $prev -> $s rules" rules/s "$rate" null none higher \
			"snicctl add-flows of rules $((prev + 1))..$s (requests of at most $chunk_max) into snic-offloadd --vfs 8 over snic-sim (default board, max-entries 1048576; state on tmpfs /run), timed to the replies, every rule in hardware (NIC entries checked); rules from bench_insert_rules.py; $scale_note; $build_desc"
		prev=$s
	done
	row scale.mem.offloadd "snic-offloadd memory per hardware rule at $largest rules" bytes/rule \
		"$(((offk - off0) * 1024 / largest))" null none lower \
		"(VmRSS at $largest rules - VmRSS with none) / $largest: $((off0 / 1024)) -> $((offk / 1024)) MiB; bytes/rule of snic-offloadd/snic-sim by size: $memnote; $scale_note; $build_desc"
	row scale.mem.sim "snic-sim memory per hardware rule at $largest rules" bytes/rule \
		"$(((simk - sim0) * 1024 / largest))" null none lower \
		"(VmRSS at $largest rules - VmRSS with none) / $largest: $((sim0 / 1024)) -> $((simk / 1024)) MiB (the firmware's tables are sized at boot from the board, max-entries 1048576; RSS counts the pages touched); $scale_note; $build_desc"
}

if ((scale)); then scale_section; else insert_section; fi
