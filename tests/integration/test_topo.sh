#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_topo.sh CASE SNIC_SIM SNIC_TOPO - integration tests of sim/snic-topo,
# the simulated-cloud topology tool (root: namespaces, TAPs).
#
#   loop       up/down of a 2-host x 2-VM topology 20 times; after each down
#              no namespace, interface, process, state dir or socket is left
#   failed_up  ups that fail midway (a board the firmware refuses, a
#              snic-sim that never answers, signals, SIGKILL of up itself,
#              a prefix in use) leave nothing behind and name the problem
#   ping       legacy e-switch L2 forwarding through real TAPs: VM to VM on
#              one host (and across the underlay), counters move
#   idle_cpu   an idle snic-sim uses < 2 % of one core over 10 s (/proc stat)
#   validate   bad descriptions are refused with line number and problem,
#              and nothing is created
#   kill9      kill -9 of snic-sims (even with the state dir lost): down
#              still removes everything
#
# Prints "N passed, N failed" last; exits non-zero on failure; removes what it
# built on any exit.  Prefixes contain the pid, so parallel runs never meet.
set -uo pipefail

if (($# != 3)); then
	echo "usage: $0 CASE SNIC_SIM SNIC_TOPO" >&2
	exit 2
fi
CASE=$1
SIM=$(realpath "$2")
TOPO_BIN=$(realpath "$3")
TOPO_DIR=${SNIC_TOPO_DIR:-/run/snic/topo}
BASE=t$(printf %x $$) # <= 7 characters: one more for the case
PASS=0
FAIL=0
PREFIXES=()
TMP=$(mktemp -d /tmp/snic-topo-test.XXXXXX)

cleanup() {
	local p
	for p in "${PREFIXES[@]}"; do
		"$TOPO_BIN" --sim "$SIM" down -q --prefix "$p" >/dev/null 2>&1 ||
			echo "cleanup: down $p failed" >&2
	done
	rm -rf -- "$TMP"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 1' INT TERM

ok() {
	PASS=$((PASS + 1))
	echo "ok: $*"
}
bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $*"
}
# check DESCRIPTION CMD...: pass if CMD succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
summary() {
	echo "$PASS passed, $FAIL failed"
	((FAIL == 0))
}
# expect WHAT OUT GLOB: pass if OUT matches GLOB
expect() {
	# shellcheck disable=SC2053 # the glob is the point
	if [[ $2 == $3 ]]; then ok "$1"; else bad "$1: got: $2"; fi
}

topo() { "$TOPO_BIN" --sim "$SIM" "$@"; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

prereqs() {
	local t
	if ((EUID != 0)); then
		bad "this test creates network namespaces and needs root: run the suite as root (sudo)"
		return 1
	fi
	for t in ip pgrep awk setsid dtc; do
		if ! command -v "$t" >/dev/null; then
			bad "needs $t (scripts/setup.sh installs it)"
			return 1
		fi
	done
	[[ -x $SIM ]] || { bad "no snic-sim at $SIM"; return 1; }
	[[ -x $TOPO_BIN ]] || { bad "no snic-topo at $TOPO_BIN"; return 1; }
}

# mkdesc FILE PREFIX HOSTS VMS_PER_HOST [EXTRA_LINE...]
# VM v of host h: vf v, MAC 02:00:00:00:0h:0v, 10.0.0.(10h+v)/24, tenant 100
mkdesc() {
	local f=$1 p=$2 nh=$3 nv=$4 h v
	shift 4
	{
		echo "# test topology"
		echo "prefix $p"
		echo "underlay 192.0.2.0/24"
		for ((h = 1; h <= nh; h++)); do
			echo "host h$h vtep 192.0.2.$((10 + h))"
		done
		for ((h = 1; h <= nh; h++)); do
			for ((v = 1; v <= nv; v++)); do
				printf 'vm v%d%d host h%d vf %d mac 02:00:00:00:%02x:%02x ip 10.0.0.%d/24 tenant 100\n' \
					"$h" "$v" "$h" "$((v - 1))" "$h" "$v" "$((10 * h + v))"
			done
		done
		for h in "$@"; do
			echo "$h"
		done
	} >"$f"
}

# leftovers P: print what exists of topology P (nothing: all clean)
leftovers() {
	local p=$1 short=${1:0:4} x
	x=$(ip netns list | awk -v p="$p-" 'index($1, p) == 1 { printf "%s ", $1 }')
	[[ -z $x ]] || echo "namespaces: $x"
	x=$(ip -o link show | awk -F': ' -v s="^${short}[0-9][0-9](p[0-9]|pf0|pf0vf[0-9]+)$" \
		'{ n = $2; sub(/@.*/, "", n); if (n ~ s) printf "%s ", n }')
	[[ -z $x ]] || echo "root-namespace interfaces: $x"
	x=$(pgrep -f -- "$TOPO_DIR/$p/" | tr '\n' ' ')
	[[ -z $x ]] || echo "processes: $x"
	[[ ! -e $TOPO_DIR/$p ]] || echo "state dir: $(find "$TOPO_DIR/$p" | tr '\n' ' ')"
	x=$(find /run/snic -name '*.sock' -path "*/$p/*" 2>/dev/null | tr '\n' ' ')
	[[ -z $x ]] || echo "sockets: $x"
	x=$(find /run/snic -maxdepth 1 -name "${short}[0-9][0-9].*" 2>/dev/null | tr '\n' ' ')
	[[ -z $x ]] || echo "default-path sockets: $x"
}

# nothing_left WHAT P: one check
nothing_left() {
	local left
	left=$(leftovers "$2")
	if [[ -z $left ]]; then
		ok "$1: nothing of $2 left"
	else
		bad "$1: left behind: ${left//$'\n'/; }"
	fi
}

n_sims() { pgrep -f -c -- "$TOPO_DIR/$1/" || true; }
n_ns() { ip netns list | awk -v p="$1-" 'index($1, p) == 1' | wc -l; }

# sims' logs must show a clean stop and no sanitizer report
logs_clean() { # DIR
	local f r=0
	for f in "$1"/*.log; do
		[[ -e $f ]] || { echo "no logs in $1"; return 1; }
		if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$f"; then
			echo "sanitizer report in $f:"
			grep -E -A5 'AddressSanitizer|LeakSanitizer|runtime error' "$f" | head -20
			r=1
		fi
		if ! tail -n 1 "$f" | grep -q 'stopped'; then
			echo "$f does not end with a clean stop: $(tail -n 2 "$f")"
			r=1
		fi
	done
	return "$r"
}

# what a failed connectivity check needs to be understood
debug_dump() {
	local p=$1 h
	echo "--- debug: topology $p"
	topo status --prefix "$p"
	for h in "$TOPO_DIR/$p"/*.ctl; do
		echo "--- $h"
		"$SIM" ctl --ctl "$h" status
	done
	for h in "$TOPO_DIR/$p"/*.log; do
		echo "--- $h"
		tail -n 20 "$h"
	done
	ip netns list | grep "^$p-" | while read -r h _; do
		echo "--- $h"
		ip -n "$h" -br addr
		ip -n "$h" neigh
	done
	echo "--- end of debug"
}

# port counter: ctl_counter P HOST PORT FIELD
ctl_counter() {
	"$SIM" ctl --ctl "$TOPO_DIR/$1/$2.ctl" status |
		awk -v port="$3" -v f="$4" '$1 == "port" && $2 == port {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }'
}

# ---------------------------------------------------------------------------

case_loop() {
	local p=${BASE}l f=$TMP/loop.topo i t0 t1 tu td out bad_iter=0 total
	PREFIXES+=("$p")
	mkdesc "$f" "$p" 2 2
	total=$(now)
	for ((i = 1; i <= 20; i++)); do
		t0=$(now)
		if ! out=$(topo -q up "$f" 2>&1); then
			bad "iteration $i: up failed: $out"
			bad_iter=$((bad_iter + 1))
			topo -q down --prefix "$p" >/dev/null 2>&1
			continue
		fi
		tu=$(elapsed "$t0")
		local ns sims
		ns=$(n_ns "$p")
		sims=$(n_sims "$p")
		if [[ $ns != 7 || $sims != 2 ]]; then
			bad "iteration $i: after up expected 7 namespaces and 2 snic-sims, found $ns and $sims"
			bad_iter=$((bad_iter + 1))
		fi
		if ! out=$(topo status --prefix "$p" 2>&1); then
			bad "iteration $i: status after up is not healthy: $out"
			bad_iter=$((bad_iter + 1))
		fi
		t1=$(now)
		if ! out=$(topo -q down --keep-logs "$TMP/logs$i" --prefix "$p" 2>&1); then
			bad "iteration $i: down failed: $out"
			bad_iter=$((bad_iter + 1))
		fi
		td=$(elapsed "$t1")
		out=$(leftovers "$p")
		if [[ -n $out ]]; then
			bad "iteration $i: left behind: ${out//$'\n'/; }"
			bad_iter=$((bad_iter + 1))
			topo -q down --prefix "$p" >/dev/null 2>&1
		fi
		if ! out=$(logs_clean "$TMP/logs$i"); then
			bad "iteration $i: snic-sim logs: $out"
			bad_iter=$((bad_iter + 1))
		fi
		echo "iteration $i: up ${tu}s, down ${td}s"
	done
	echo "20 up/down cycles in $(elapsed "$total")s"
	if ((bad_iter == 0)); then
		ok "20 x up (7 namespaces, 2 snic-sims, healthy) / down (nothing left, clean snic-sim exits)"
	fi
	out=$(topo status --prefix "$p" 2>&1)
	check "status after down says not up (exit 3)" test $? -eq 3
	expect "status text says not up" "$out" "*not up*"
}

case_failed_up() {
	local p=${BASE}f f=$TMP/fail.topo out rc d i pid
	PREFIXES+=("$p")

	# 1. the second host's board is refused by the firmware: only snic-sim
	# can tell, after the first host's snic-sim is up
	sed 's/"0\.1\.0"/"9.9.9"/' "$(dirname "$0")/../../nic-fw/boards/snic-cx6.dts" >"$TMP/badfw.dts"
	mkdesc "$f" "$p" 2 2
	sed -i 's|^host h2 vtep 192.0.2.12$|host h2 vtep 192.0.2.12 board badfw.dts|' "$f"
	check "the description with the refused board passes validation" topo -q check "$f"
	out=$(topo up "$f" 2>&1)
	rc=$?
	check "up with a board the firmware refuses fails (exit $rc)" test $rc -ne 0
	expect "the error names the host and the problem" "$out" \
		"*host h2: snic-sim exited during start-up*fw-version*9.9.9*"
	expect "up says it cleaned up" "$out" "*cleaned up*"
	nothing_left "after the refused board" "$p"

	# 2. a snic-sim that starts but never answers: the timeout, and a process
	# without a pidfile (only its arguments say whose it is)
	cat >"$TMP/mute-sim" <<EOF
#!/bin/bash
case \${1:-} in --help|ctl) exec "$SIM" "\$@" ;; esac
sleep 60
EOF
	chmod +x "$TMP/mute-sim"
	mkdesc "$f" "$p" 2 1
	local t0
	t0=$(now)
	out=$("$TOPO_BIN" --sim "$TMP/mute-sim" --timeout 2 up "$f" 2>&1)
	rc=$?
	check "up with a snic-sim that never answers fails (exit $rc, $(elapsed "$t0")s)" test $rc -ne 0
	expect "the error says which snic-sim did not answer, and how long we waited" "$out" \
		"*host h1: snic-sim*did not answer*within 2s*"
	nothing_left "after the start-up timeout" "$p"

	# 3. SIGTERM at different moments of up: whatever was built goes
	mkdesc "$f" "$p" 2 2
	for d in 0.05 0.1 0.2 0.3 0.5; do
		# not through topo(): $! must be snic-topo itself, not a subshell
		"$TOPO_BIN" --sim "$SIM" -q up "$f" >"$TMP/term.out" 2>&1 &
		pid=$!
		sleep "$d"
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		if ((rc == 0)); then # it finished first
			topo -q down --prefix "$p" >/dev/null 2>&1
			ok "SIGTERM after ${d}s: up had finished; down"
		elif grep -q "interrupted" "$TMP/term.out" || ((rc >= 128)); then
			ok "SIGTERM after ${d}s: up stopped (exit $rc)"
		else
			bad "SIGTERM after ${d}s: exit $rc: $(cat "$TMP/term.out")"
		fi
		nothing_left "SIGTERM after ${d}s" "$p"
	done

	# 4. SIGKILL of up itself (no trap can run): down finds the leftovers
	for d in 0.1 0.2 0.3; do
		"$TOPO_BIN" --sim "$SIM" -q up "$f" >/dev/null 2>&1 &
		pid=$!
		sleep "$d"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		out=$(topo -q down --prefix "$p" 2>&1)
		check "down after SIGKILL of up at ${d}s succeeds${out:+: $out}" test $? -eq 0
		nothing_left "SIGKILL of up at ${d}s, then down" "$p"
	done

	# 5. up of a prefix already up is refused and leaves the running one alone
	out=$(topo -q up "$f" 2>&1)
	check "up $p${out:+: $out}" test $? -eq 0
	out=$(topo -q up "$f" 2>&1)
	rc=$?
	check "a second up of the same prefix is refused (exit $rc)" test $rc -ne 0
	expect "the refusal says it is already up" "$out" "*already up*"
	out=$(topo status --prefix "$p" 2>&1)
	check "the running topology is untouched (status healthy)" test $? -eq 0
	check "down" topo -q down --prefix "$p"
	nothing_left "after the refused second up and down" "$p"
}

case_ping() {
	local p=${BASE}p f=$TMP/ping.topo out a b c d e g
	PREFIXES+=("$p")
	mkdesc "$f" "$p" 1 2
	out=$(topo -q up "$f" 2>&1)
	check "up 1 host x 2 VMs${out:+: $out}" test $? -eq 0
	a=$(ctl_counter "$p" h1 vf0 rx)
	b=$(ctl_counter "$p" h1 vf1 tx)
	c=$(ctl_counter "$p" h1 vf1 rx)
	out=$(topo exec --prefix "$p" v11 -- ping -c 3 -i 0.2 -W 2 10.0.0.12 2>&1)
	check "ping v11 (10.0.0.11) -> v12 (10.0.0.12) through the NIC's legacy L2 forwarding" test $? -eq 0
	echo "$out" | tail -n 2
	[[ $out == *" 0% packet loss"* ]] || debug_dump "$p"
	d=$(ctl_counter "$p" h1 vf0 rx)
	e=$(ctl_counter "$p" h1 vf1 tx)
	g=$(ctl_counter "$p" h1 vf1 rx)
	out="vf0 rx $a -> $d, vf1 tx $b -> $e, vf1 rx $c -> $g"
	if [[ -n $a$b$c && -n $d && -n $e && -n $g ]] && ((d - a >= 3 && e - b >= 3 && g - c >= 3)); then
		ok "snic-sim counters moved (echo requests in at vf0, out at vf1, replies back): $out"
	else
		bad "snic-sim counters did not move by 3 or more: $out"
	fi
	out=$(topo exec --prefix "$p" v12 -- ip -o addr show 2>&1)
	expect "v12 has 10.0.0.12/24 on ${p:0:4}01pf0vf1" "$out" "*${p:0:4}01pf0vf1*10.0.0.12/24*"
	topo exec --prefix "$p" v11 -- sh -c 'exit 7'
	check "exec returns the command's status" test $? -eq 7
	if command -v python3 >/dev/null; then
		out=$(topo status --json --prefix "$p" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["up"] and d["healthy"], d
assert [h["running"] and h["answering"] for h in d["hosts"]] == [True], d["hosts"]
assert [(v["name"], v["vf"], v["mac"], v["ip"], v["tenant"], v["link"]) for v in d["vms"]] == [
    ("v11", 0, "02:00:00:00:01:01", "10.0.0.11/24", 100, "up"),
    ("v12", 1, "02:00:00:00:01:02", "10.0.0.12/24", 100, "up")], d["vms"]
print("json ok")' 2>&1)
		expect "status --json parses and is right" "$out" "json ok"
	fi
	check "down" topo -q down --prefix "$p"
	nothing_left "ping topology" "$p"

	# across the underlay: VM on h1 -> VM on h2 (uplink TAPs on the bridge),
	# and a Linux peer on the underlay reachable from a VM in its subnet
	p=${BASE}x
	PREFIXES+=("$p")
	mkdesc "$f" "$p" 2 1 "peer k1 vtep 192.0.2.100" \
		"vm u1 host h1 vf 3 mac 02:00:00:00:0f:01 ip 192.0.2.200/24 tenant 1"
	out=$(topo -q up "$f" 2>&1)
	check "up 2 hosts + a peer${out:+: $out}" test $? -eq 0
	out=$(topo exec --prefix "$p" v11 -- ping -c 2 -i 0.2 -W 2 10.0.0.21 2>&1)
	check "ping v11 (host h1) -> v21 (host h2) across the underlay bridge" test $? -eq 0
	[[ $out == *" 0% packet loss"* ]] || { echo "$out"; debug_dump "$p"; }
	out=$(topo exec --prefix "$p" u1 -- ping -c 2 -i 0.2 -W 2 192.0.2.100 2>&1)
	check "ping VM u1 (192.0.2.200, on h1) -> peer k1 (192.0.2.100) through the uplink" test $? -eq 0
	check "down" topo -q down --prefix "$p"
	nothing_left "cross-host topology" "$p"
}

# utime + stime of PID, in clock ticks
cpu_ticks() {
	local st
	read -r st <"/proc/$1/stat" || return 1
	st=${st##*) }
	# after "pid (comm) ": state is field 1, utime 12, stime 13
	awk '{ print $12 + $13 }' <<<"$st"
}

# nanoseconds PID spent on a CPU (empty without schedstats)
sched_ns() {
	local a _
	read -r a _ <"/proc/$1/schedstat" 2>/dev/null && echo "$a"
}

# snic-sim's loop counter (ctl status "loops N")
loops() {
	"$SIM" ctl --ctl "$TOPO_DIR/$1/$2.ctl" status | awk '$1 == "loops" { print $2 }'
}

case_idle_cpu() {
	local p=${BASE}i f=$TMP/idle.topo out h pid hz w0 w1 pct
	local -A c0=() c1=() s0=() s1=() l0=() l1=() pids=()
	PREFIXES+=("$p")
	mkdesc "$f" "$p" 2 2
	out=$(topo -q up "$f" 2>&1)
	check "up 2 hosts x 2 VMs${out:+: $out}" test $? -eq 0
	hz=$(getconf CLK_TCK)
	sleep 1
	for h in h1 h2; do
		read -r pid <"$TOPO_DIR/$p/$h.pid"
		pids[$h]=$pid
	done
	w0=$(now)
	for h in h1 h2; do
		c0[$h]=$(cpu_ticks "${pids[$h]}")
		s0[$h]=$(sched_ns "${pids[$h]}")
		l0[$h]=$(loops "$p" "$h")
	done
	sleep 10
	for h in h1 h2; do
		c1[$h]=$(cpu_ticks "${pids[$h]}")
		s1[$h]=$(sched_ns "${pids[$h]}")
		l1[$h]=$(loops "$p" "$h")
	done
	w1=$(now)
	for h in h1 h2; do
		pct=$(awk -v a="${c0[$h]}" -v b="${c1[$h]}" -v hz="$hz" -v w0="$w0" -v w1="$w1" \
			'BEGIN { printf "%.2f", 100 * (b - a) / hz / (w1 - w0) }')
		echo "snic-sim of $h (pid ${pids[$h]}): $((c1[$h] - c0[$h])) ticks (CLK_TCK $hz) in $(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.2f", b - a }')s = $pct % of one core"
		if [[ -n ${s0[$h]} && -n ${s1[$h]} ]]; then
			echo "  finer (/proc/PID/schedstat): $(awk -v a="${s0[$h]}" -v b="${s1[$h]}" -v w0="$w0" -v w1="$w1" \
				'BEGIN { printf "%.3f ms on CPU = %.4f %%", (b - a) / 1e6, 100 * (b - a) / 1e9 / (w1 - w0) }'); event-loop turns: $((l1[$h] - l0[$h])) (the ctl requests included)"
		fi
		if awk -v x="$pct" 'BEGIN { exit !(x < 2) }'; then
			ok "idle snic-sim of $h: $pct % of one core (< 2 %)"
		else
			bad "idle snic-sim of $h: $pct % of one core (limit 2 %)"
		fi
	done
	check "down" topo -q down --prefix "$p"
	nothing_left "idle topology" "$p"
}

# refused DESC_BODY LINE SUBSTRING: up must fail naming LINE and SUBSTRING,
# creating nothing
refused() {
	local body=$1 line=$2 want=$3 p=${BASE}v f=$TMP/bad.topo out rc
	printf '%s\n' "$body" >"$f"
	out=$(topo up "$f" 2>&1)
	rc=$?
	if ((rc != 0)) && [[ $out == *"$f:$line:"*"$want"* && $out == *"nothing was created"* ]]; then
		ok "refused at line $line: $(grep -F "$f:$line:" <<<"$out" | head -n 1 | sed "s|$f|FILE|")"
	elif ((rc != 0)) && [[ $line == 0 && $out == *"$f: $want"* ]]; then
		ok "refused: $(grep -F "$want" <<<"$out" | head -n 1 | sed "s|$f|FILE|")"
	else
		bad "expected a refusal at line $line with '$want', got exit $rc: $out"
	fi
	out=$(leftovers "$p")
	[[ -z $out ]] || bad "a refused description created something: $out"
}

case_validate() {
	local p=${BASE}v hdr
	PREFIXES+=("$p")
	hdr="prefix $p
underlay 192.0.2.0/24
host h1 vtep 192.0.2.11"
	local vm="vm a1 host h1 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.1/24 tenant 100"
	printf '%s\n%s\n' "$hdr" "$vm" >"$TMP/good.topo"
	check "a good description passes check" topo -q check "$TMP/good.topo"
	refused "$hdr
$vm
vm a1 host h1 vf 1 mac 02:00:00:00:00:02 ip 10.0.0.2/24 tenant 100" 5 "duplicate name 'a1' (already used on line 4)"
	refused "$hdr
vm a1 host h1 vf 8 mac 02:00:00:00:00:01 ip 10.0.0.1/24 tenant 100" 4 "vf 8 is out of range"
	refused "$hdr
vm a1 host h1 vf 0 mac 02:00:00:00:00 ip 10.0.0.1/24 tenant 100" 4 "mac '02:00:00:00:00' is not xx:xx:xx:xx:xx:xx"
	refused "$hdr
vm a1 host h1 vf 0 mac 01:00:5e:00:00:01 ip 10.0.0.1/24 tenant 100" 4 "multicast"
	refused "$hdr
vm a1 host h1 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.300/24 tenant 100" 4 "ip '10.0.0.300/24' is not A.B.C.D/LEN"
	refused "$hdr
vm a1 host h1 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.1 tenant 100" 4 "ip '10.0.0.1' is not A.B.C.D/LEN"
	refused "$hdr
vm a1 host h9 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.1/24 tenant 100" 4 "no host 'h9'"
	refused "$hdr
host h2 vtep 198.51.100.2" 4 "vtep 198.51.100.2 is outside the underlay 192.0.2.0/24"
	refused "$hdr
host h2 vtep 192.0.2.11" 4 "vtep 192.0.2.11 already used on line 3"
	refused "$hdr
host averyverylonghostname vtep 192.0.2.12" 4 "host name 'averyverylonghostname'"
	refused "prefix waytoolong9
underlay 192.0.2.0/24
host h1 vtep 192.0.2.11" 1 "prefix 'waytoolong9'"
	refused "$hdr
host h2 vtep 192.0.2.12 board /nonexistent/board.dtb" 4 "board /nonexistent/board.dtb: no such readable file"
	refused "$hdr
$vm
vm a2 host h1 vf 0 mac 02:00:00:00:00:02 ip 10.0.0.2/24 tenant 100" 5 "host h1 vf 0 already taken by the VM on line 4"
	refused "$hdr
$vm
vm a2 host h1 vf 1 mac 02:00:00:00:00:02 ip 10.0.0.1/24 tenant 100" 5 "ip 10.0.0.1 already used in tenant 100 on line 4"
	refused "$hdr
vm a1 host h1 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.1/24 tenant 16777216" 4 "tenant '16777216' must be a VNI"
	refused "$hdr
vm a1 host h1 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.1/24" 4 "missing 'tenant'"
	refused "$hdr
vm a1 host h1 vf 0 mac 02:00:00:00:00:01 ip 10.0.0.1/24 tenant 1 colour blue" 4 "unknown key 'colour'"
	refused "$hdr
bridge br0" 4 "unknown statement 'bridge'"
	refused "prefix $p
underlay 192.0.2.1/24
host h1 vtep 192.0.2.11" 2 "host bits set (did you mean 192.0.2.0/24?)"
	refused "prefix $p
host h1 vtep 192.0.2.11" 0 "no 'underlay A.B.C.D/LEN' line"
	# the same IP in two tenants is fine (overlapping tenant address spaces)
	printf '%s\n%s\n%s\n' "$hdr" "$vm" \
		"vm b1 host h1 vf 1 mac 02:00:00:00:00:02 ip 10.0.0.1/24 tenant 200" >"$TMP/good.topo"
	check "one IP in two tenants is allowed" topo -q check "$TMP/good.topo"
	nothing_left "after all refusals" "$p"
}

case_kill9() {
	local p=${BASE}k f=$TMP/kill.topo out pid sleeper
	PREFIXES+=("$p")
	mkdesc "$f" "$p" 2 2

	# one snic-sim killed, a process running in a VM
	out=$(topo -q up "$f" 2>&1)
	check "up 2 hosts x 2 VMs${out:+: $out}" test $? -eq 0
	read -r pid <"$TOPO_DIR/$p/h1.pid"
	kill -KILL "$pid"
	topo exec --prefix "$p" v21 -- sleep 300 &
	sleeper=$!
	sleep 0.5
	out=$(topo status --prefix "$p" 2>&1)
	check "status after kill -9 of h1's snic-sim is not healthy (exit 1)" test $? -eq 1
	expect "status shows h1's snic-sim DEAD" "$out" "*host h1*DEAD*"
	expect "status shows h1's VM's link absent" "$out" "*v11*link absent*"
	out=$(topo down "$f" 2>&1)
	check "down after kill -9${out:+: $out}" test $? -eq 0
	nothing_left "kill -9 of one snic-sim, then down" "$p"
	wait "$sleeper" 2>/dev/null
	if kill -0 "$sleeper" 2>/dev/null; then
		bad "the process in VM v21 ($sleeper) survived down"
	else
		ok "the process running in VM v21 was stopped"
	fi

	# every snic-sim killed and the state dir lost: down by prefix only
	out=$(topo -q up "$f" 2>&1)
	check "up again${out:+: $out}" test $? -eq 0
	kill -KILL "$(cat "$TOPO_DIR/$p/h1.pid")" "$(cat "$TOPO_DIR/$p/h2.pid")"
	rm -rf -- "${TOPO_DIR:?}/$p"
	out=$(topo status --prefix "$p" 2>&1)
	check "status of a topology without state but with leftovers: exit 1" test $? -eq 1
	expect "status reports the leftovers" "$out" "*leftovers*"
	out=$(topo down --prefix "$p" 2>&1)
	check "down --prefix without state dir${out:+: $out}" test $? -eq 0
	nothing_left "all snic-sims killed, state lost, then down" "$p"

	# state lost while the snic-sims still run: they are found by arguments
	out=$(topo -q up "$f" 2>&1)
	check "up again${out:+: $out}" test $? -eq 0
	rm -rf -- "${TOPO_DIR:?}/$p"
	out=$(topo down --prefix "$p" 2>&1)
	check "down --prefix with running snic-sims and no state dir${out:+: $out}" test $? -eq 0
	nothing_left "state lost, snic-sims running, then down" "$p"
	out=$(topo down --prefix "$p" 2>&1)
	check "down when nothing is up is fine${out:+: $out}" test $? -eq 0
}

case $CASE in
loop | failed_up | ping | idle_cpu | validate | kill9)
	if prereqs; then
		t_case=$(now)
		"case_$CASE"
		echo "case $CASE took $(elapsed "$t_case")s"
	fi
	;;
*)
	bad "unknown case '$CASE' (loop failed_up ping idle_cpu validate kill9)"
	;;
esac
summary
