# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/offload.sh - "snic-topo offload": an offload manager per host of
# a topology that is up, and the tenants' VXLAN overlay as OpenFlow rules
# given to it with snicctl (sourced by sim/snic-topo).
#
# Per host H: snic-offloadd runs in H's namespace on H's NIC (state
# H-offloadd.db, control socket H-offloadd.sock and its log in the state
# dir; "down" stops it with the snic-sim, its arguments point at H.sock).
# Its VTEP is H's vtep address.  For each tenant T (VNI) and each other
# host R with VMs of T, a tunnel port tT-R (remote R's VTEP, key T).  Rules,
# for each VM v of H (VF port vfN, tenant T):
#   priority 200  in_port=v, dl_dst=w's MAC -> w         (w: T's VMs on H)
#   priority 200  in_port=v, dl_dst=w's MAC -> tT-R      (w: T's VMs on R)
#   priority 100  in_port=v -> every other VM of T on H, every tT-R
#                 (broadcast, unknown unicast, multicast: head-end replication)
# and for each tunnel port tT-R:
#   priority 200  in_port=tT-R, dl_dst=w's MAC -> w      (w: T's VMs on H)
#   priority 100  in_port=tT-R -> every VM of T on H
# So a VM never sees another tenant's frames: nothing connects two VNIs.
# The NIC runs what it can (one tunnel per rule); the rest (replication to
# several remote hosts) runs in the manager's software datapath.

find_offload_bins() {
	local d
	for d in "$(dirname "$SIM")/.." "$SCRIPT_DIR/../build/release" "$SCRIPT_DIR/../build/dev"; do
		if [[ -z $OFFLOADD && -x $d/offload-mgr/snic-offloadd ]]; then
			OFFLOADD=$(realpath -- "$d/offload-mgr/snic-offloadd")
		fi
		if [[ -z $SNICCTL && -x $d/offload-mgr/snicctl/snicctl ]]; then
			SNICCTL=$(realpath -- "$d/offload-mgr/snicctl/snicctl")
		fi
	done
	[[ -n $OFFLOADD ]] || die "snic-offloadd not found (build it, or give --offloadd PATH)"
	[[ -n $SNICCTL ]] || die "snicctl not found (build it, or give --snicctl PATH)"
}

# the overlay rules of host index i (see above), one per line
overlay_rules() {
	local i=$1 h=${H_NAME[$1]} j k t r vf
	local -A tenants_here=() remote=()
	for ((j = 0; j < ${#V_NAME[@]}; j++)); do
		[[ ${V_HOST[j]} == "$h" ]] && tenants_here[${V_TENANT[j]}]=1
	done
	for t in "${!tenants_here[@]}"; do
		for ((j = 0; j < ${#V_NAME[@]}; j++)); do
			[[ ${V_TENANT[j]} == "$t" && ${V_HOST[j]} != "$h" ]] && remote[$t:${V_HOST[j]}]=1
		done
	done
	for ((j = 0; j < ${#V_NAME[@]}; j++)); do
		[[ ${V_HOST[j]} == "$h" ]] || continue
		t=${V_TENANT[j]} vf=vf${V_VF[j]}
		local flood=()
		for ((k = 0; k < ${#V_NAME[@]}; k++)); do
			((k != j)) && [[ ${V_TENANT[k]} == "$t" ]] || continue
			if [[ ${V_HOST[k]} == "$h" ]]; then
				echo "priority=200,in_port=$vf,dl_dst=${V_MAC[k]},actions=output:vf${V_VF[k]}"
				flood+=("output:vf${V_VF[k]}")
			else
				echo "priority=200,in_port=$vf,dl_dst=${V_MAC[k]},actions=output:t$t-${V_HOST[k]}"
			fi
		done
		for r in "${!remote[@]}"; do
			[[ ${r%%:*} == "$t" ]] && flood+=("output:t$t-${r#*:}")
		done
		if ((${#flood[@]})); then
			echo "priority=100,in_port=$vf,actions=$(IFS=,; echo "${flood[*]}")"
		else
			echo "priority=100,in_port=$vf,actions=drop"
		fi
	done
	for r in "${!remote[@]}"; do
		t=${r%%:*}
		local local_vms=()
		for ((j = 0; j < ${#V_NAME[@]}; j++)); do
			[[ ${V_HOST[j]} == "$h" && ${V_TENANT[j]} == "$t" ]] || continue
			echo "priority=200,in_port=t$t-${r#*:},dl_dst=${V_MAC[j]},actions=output:vf${V_VF[j]}"
			local_vms+=("output:vf${V_VF[j]}")
		done
		echo "priority=100,in_port=t$t-${r#*:},actions=$(IFS=,; echo "${local_vms[*]}")"
	done
}

cmd_offload() {
	local prefix=$1 sd i j h vfs t r n pid deadline
	((EUID == 0)) || die "offload needs root"
	[[ -n $prefix ]] || die "offload: which topology? give FILE or --prefix P"
	sd=$TOPO_DIR/$prefix
	load_state "$prefix" || die "topology $prefix is not up (snic-topo up FILE first)"
	find_sim
	find_offload_bins
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		h=${H_NAME[i]}
		if [[ -f $sd/$h-offloadd.pid ]] && proc_alive "$(cat "$sd/$h-offloadd.pid")"; then
			die "host $h: snic-offloadd runs already (pid $(cat "$sd/$h-offloadd.pid"))"
		fi
		vfs=1
		for ((j = 0; j < ${#V_NAME[@]}; j++)); do
			[[ ${V_HOST[j]} == "$h" ]] && ((V_VF[j] + 1 > vfs)) && vfs=$((V_VF[j] + 1))
		done
		printf '%s\n' "$OFFLOADD --dev $sd/$h.sock --vfs $vfs ..." >"$sd/$h-offloadd.log"
		setsid "${DEFSIG[@]}" ip netns exec "$(host_ns "$h")" "$OFFLOADD" --dev "$sd/$h.sock" \
			--vfs "$vfs" --state "$sd/$h-offloadd.db" --socket "$sd/$h-offloadd.sock" \
			--pidfile "$sd/$h-offloadd.pid" -q </dev/null >>"$sd/$h-offloadd.log" 2>&1 &
		pid=$!
		deadline=$((SECONDS + 30))
		until "$SNICCTL" --socket "$sd/$h-offloadd.sock" ping >/dev/null 2>&1; do
			proc_alive "$pid" || die "host $h: snic-offloadd exited during start-up$(log_tail "$sd/$h-offloadd.log")"
			((SECONDS < deadline)) || die "host $h: snic-offloadd did not answer within 30 s$(log_tail "$sd/$h-offloadd.log")"
			sleep 0.1
		done
	done
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		h=${H_NAME[i]}
		local -A tun=()
		for ((j = 0; j < ${#V_NAME[@]}; j++)); do
			[[ ${V_HOST[j]} == "$h" ]] || continue
			for ((n = 0; n < ${#V_NAME[@]}; n++)); do
				[[ ${V_TENANT[n]} == "${V_TENANT[j]}" && ${V_HOST[n]} != "$h" ]] &&
					tun[${V_TENANT[n]}:${V_HOST[n]}]=1
			done
		done
		for t in "${!tun[@]}"; do
			r=${t#*:}
			"$SNICCTL" --socket "$sd/$h-offloadd.sock" add-tunnel "t${t%%:*}-$r" \
				"remote_ip=${H_VTEP[${HOST_IDX[$r]}]}" "local_ip=${H_VTEP[i]}" \
				"key=${t%%:*}" >/dev/null || die "host $h: add-tunnel t${t%%:*}-$r failed"
		done
		overlay_rules "$i" >"$sd/$h-overlay.flows"
		"$SNICCTL" --socket "$sd/$h-offloadd.sock" add-flows "$sd/$h-overlay.flows" >/dev/null ||
			die "host $h: add-flows $sd/$h-overlay.flows failed"
		n=$(wc -l <"$sd/$h-overlay.flows")
		info "host $h: snic-offloadd up (control socket $sd/$h-offloadd.sock), ${#tun[@]} tunnel port(s), $n overlay rules"
		unset tun
	done
}
