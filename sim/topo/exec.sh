# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/exec.sh - "exec" (sourced by sim/snic-topo): run a command in the
# namespace of a VM, host or peer (or the underlay) of a topology that is up.

cmd_exec() {
	local prefix=$1 name=$2 d p ns='' i hits=()
	shift 2
	local -a cands=()
	if [[ -n $prefix ]]; then
		cands=("$prefix")
	else
		for d in "$TOPO_DIR"/*/topology; do
			[[ -f $d ]] || continue
			p=${d%/topology}
			cands+=("${p##*/}")
		done
	fi
	for p in "${cands[@]}"; do
		load_state "$p" 2>/dev/null || continue
		ns=
		if [[ $name == underlay ]]; then
			ns=$NS_UL
		fi
		for ((i = 0; i < ${#V_NAME[@]}; i++)); do
			[[ ${V_NAME[i]} == "$name" ]] && ns=$(vm_ns "$name")
		done
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do
			[[ ${H_NAME[i]} == "$name" ]] && ns=$(host_ns "$name")
		done
		for ((i = 0; i < ${#P_NAME[@]}; i++)); do
			[[ ${P_NAME[i]} == "$name" ]] && ns=$(peer_ns "$name")
		done
		[[ -z $ns ]] || hits+=("$ns")
	done
	if ((${#hits[@]} == 0)); then
		die "no VM, host or peer '$name' in ${prefix:-any topology that is up}"
	fi
	if ((${#hits[@]} > 1)); then
		die "'$name' exists in several topologies (${hits[*]}): pick one with --prefix"
	fi
	ns_exists "${hits[0]}" || die "namespace ${hits[0]} is gone: the topology is broken (snic-topo status)"
	exec ip netns exec "${hits[0]}" "$@"
}
