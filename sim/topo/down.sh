# shellcheck shell=bash
# shellcheck disable=SC2034 # DOWN_SUMMARY is read by sim/snic-topo
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/down.sh - finding and removing a topology (sourced by
# sim/snic-topo): its processes (topo_pids), namespaces and stray root
# interfaces; do_down (stop, delete, remove the state dir, then check that
# nothing is left; also the cleanup of a failed up); leftovers (what exists
# of a topology that is not up, for status).

# topo_pids SD PREFIX: TOPO_PIDS = the topology's processes: snic-sims whose
# arguments point into SD, processes working in SD (an up still building, and
# what it runs), processes in PREFIX-* namespaces (never this script, its
# parent or this shell)
TOPO_PIDS=()
topo_pids() {
	local sd=$1 prefix=$2 d pid a ns have_sd=0
	local -a args
	local -A seen=()
	TOPO_PIDS=()
	[[ ! -d $sd ]] || have_sd=1
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		if ((have_sd)) && [[ $d/cwd -ef $sd ]]; then
			seen[$pid]=1
			continue
		fi
		{ mapfile -d '' -t args <"$d/cmdline"; } 2>/dev/null || continue
		for a in "${args[@]}"; do
			if [[ $a == "$sd"/*.sock ]]; then
				seen[$pid]=1
				break
			fi
		done
	done
	while read -r ns; do
		[[ -n $ns ]] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			seen[$pid]=1
		done
	done < <(topo_namespaces "$prefix")
	for pid in "${!seen[@]}"; do
		[[ $pid != "$SCRIPT_PID" && $pid != "$PPID" && $pid != "$BASHPID" ]] || continue
		proc_alive "$pid" && TOPO_PIDS+=("$pid")
	done
	return 0
}

topo_namespaces() {
	ip netns list 2>/dev/null | while read -r ns _; do
		[[ $ns == "$1"-* ]] && printf '%s\n' "$ns"
	done
	return 0
}

# root-namespace interfaces named like the topology's NICs (should never
# exist: TAPs live in the topology's namespaces and die with snic-sim)
root_leftover_links() {
	local short=${1:0:4}
	ip -o link show 2>/dev/null | while IFS=': ' read -r _ ifn _; do
		ifn=${ifn%%@*}
		[[ $ifn =~ ^${short}[0-9][0-9](p[0-9]|pf0|pf0vf[0-9]+)$ ]] && printf '%s\n' "$ifn"
	done
	return 0
}

wait_gone() { # wait up to $1 s for the pids in TOPO_PIDS to go
	local deadline=$((SECONDS + $1)) p any
	while :; do
		any=0
		for p in "${TOPO_PIDS[@]}"; do
			if proc_alive "$p"; then
				any=1
				break
			fi
		done
		((any)) || return 0
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# do_down PREFIX: remove everything of the topology; 0 when nothing is left
do_down() {
	local prefix=$1 sd=$TOPO_DIR/$1 ns ifn p n_proc=0 n_ns=0 n_if=0 left=()
	# stop processes until none is left: an up still building may have
	# started one more between a look and the kill
	for _ in 1 2 3 4 5; do
		topo_pids "$sd" "$prefix"
		((${#TOPO_PIDS[@]})) || break
		n_proc=$((n_proc + ${#TOPO_PIDS[@]}))
		kill -TERM "${TOPO_PIDS[@]}" 2>/dev/null || true
		if ! wait_gone "$STOP_WAIT_S"; then
			for p in "${TOPO_PIDS[@]}"; do
				proc_alive "$p" && warn "pid $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80)) ignored SIGTERM for ${STOP_WAIT_S}s: SIGKILL"
			done
			kill -KILL "${TOPO_PIDS[@]}" 2>/dev/null || true
			wait_gone 2 || true
		fi
	done
	while read -r ns; do
		[[ -n $ns ]] || continue
		n_ns=$((n_ns + 1))
		ip netns del "$ns" 2>/dev/null || warn "cannot delete namespace $ns"
	done < <(topo_namespaces "$prefix")
	while read -r ifn; do
		[[ -n $ifn ]] || continue
		n_if=$((n_if + 1))
		ip link del "$ifn" 2>/dev/null || warn "cannot delete interface $ifn"
	done < <(root_leftover_links "$prefix")
	if [[ -n $KEEP_LOGS ]] && compgen -G "$sd/*.log" >/dev/null; then
		if ! { mkdir -p -- "$KEEP_LOGS" && cp -- "$sd"/*.log "$KEEP_LOGS"/; }; then
			warn "cannot keep the logs in $KEEP_LOGS"
		fi
	fi
	if [[ -e $sd ]]; then
		rm -rf -- "$sd" || warn "cannot remove $sd"
	fi
	# what is left?
	topo_pids "$sd" "$prefix"
	((${#TOPO_PIDS[@]} == 0)) || left+=("processes ${TOPO_PIDS[*]}")
	ns=$(topo_namespaces "$prefix" | tr '\n' ' ')
	[[ -z $ns ]] || left+=("namespaces $ns")
	ifn=$(root_leftover_links "$prefix" | tr '\n' ' ')
	[[ -z $ifn ]] || left+=("interfaces $ifn")
	[[ ! -e $sd ]] || left+=("$sd")
	if ((${#left[@]})); then
		warn "down $prefix: still there: ${left[*]}"
		return 1
	fi
	DOWN_SUMMARY="$n_proc process(es), $n_ns namespace(s), $n_if stray interface(s)"
	return 0
}

# leftovers PREFIX: print what exists of a topology that has no state; 0 if any
leftovers() {
	local prefix=$1 sd=$TOPO_DIR/$1 found=1 x
	topo_pids "$sd" "$prefix"
	if ((${#TOPO_PIDS[@]})); then
		printf 'processes: %s\n' "${TOPO_PIDS[*]}"
		found=0
	fi
	x=$(topo_namespaces "$prefix" | tr '\n' ' ')
	if [[ -n $x ]]; then
		printf 'namespaces: %s\n' "$x"
		found=0
	fi
	x=$(root_leftover_links "$prefix" | tr '\n' ' ')
	if [[ -n $x ]]; then
		printf 'interfaces: %s\n' "$x"
		found=0
	fi
	if [[ -e $sd ]]; then
		printf 'state dir: %s\n' "$sd"
		found=0
	fi
	return $found
}
