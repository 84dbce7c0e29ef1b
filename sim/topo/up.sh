# shellcheck shell=bash
# shellcheck disable=SC2034 # the globals set here are read in common.sh and describe.sh
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/up.sh - building a topology (sourced by sim/snic-topo): cmd_up
# validates, claims the state dir and runs up_build in a child (namespaces,
# underlay bridge, snic-sims, VM addresses, peers and kernel VTEPs); on any
# failure or interrupt up_abort removes everything through do_down.

up_abort() {
	local why=${1:-}
	trap - ERR INT TERM HUP
	trap '' PIPE INT TERM HUP
	if [[ $BASHPID != "$SCRIPT_PID" ]]; then
		exit 1 # a subshell: the main shell cleans up
	fi
	UP_ACTIVE=0
	set +e
	cd "$ORIG_PWD" 2>/dev/null || cd /
	[[ -z $why ]] || warn "$why"
	warn "up $UP_PREFIX failed: removing what was built"
	if do_down "$UP_PREFIX"; then
		warn "cleaned up: nothing of $UP_PREFIX is left"
	fi
	exit 1
}

# run CMD...: run it; on failure die with its message
run() {
	local out
	if ! out=$("$@" 2>&1); then
		die "$* failed: ${out//$'\n'/ }"
	fi
}

log_tail() {
	if [[ -s $1 ]]; then
		printf '\n--- last lines of %s ---\n' "$1"
		tail -n "${2:-15}" "$1"
		printf -- '---'
	fi
}

cmd_up() {
	local file=$1 prefix_opt=$2 timeout=$3 kvtep=$4 sd ns
	PREFIX_OVERRIDE=$prefix_opt
	parse_desc "$file" full || true
	if ((${#ERRS[@]})); then
		print_errs
		warn "$file: ${#ERRS[@]} error(s); nothing was created"
		exit 1
	fi
	((kvtep == 0)) || KERNEL_VTEP=1
	find_sim
	((EUID == 0)) || die "up needs root (network namespaces, TAPs)"
	command -v ip >/dev/null || die "needs ip (iproute2)"
	command -v setsid >/dev/null || die "needs setsid (util-linux)"
	DEFSIG=()
	if env --default-signal true 2>/dev/null; then
		DEFSIG=(env --default-signal)
	fi
	derive
	sd=$TOPO_DIR/$PREFIX
	if [[ -e $sd ]]; then
		die "topology $PREFIX is already up (state in $sd): snic-topo down --prefix $PREFIX first"
	fi
	ns=$(topo_namespaces "$PREFIX" | tr '\n' ' ')
	[[ -z $ns ]] || die "namespaces of prefix $PREFIX exist already ($ns): a topology left behind? snic-topo down --prefix $PREFIX"
	topo_pids "$sd" "$PREFIX"
	((${#TOPO_PIDS[@]} == 0)) || die "processes of $PREFIX are running (${TOPO_PIDS[*]}): snic-topo down --prefix $PREFIX"
	mkdir -p "$TOPO_DIR"

	# From the state dir on, any failure or interrupt removes everything.
	# The building runs in a child; this shell only waits for it.  Signal
	# traps then run in "wait", never in the middle of a $(...): bash 5.2
	# can fail to parse a trap that fires while it expands a command
	# substitution ("unexpected EOF while looking for matching `)'") and
	# exits without cleaning up.
	UP_PREFIX=$PREFIX
	UP_SIGNAL=
	trap 'UP_SIGNAL=1' INT TERM HUP
	trap '' PIPE # a closed stdout/stderr must not stop a cleanup half-way
	UP_ACTIVE=1
	if ! mkdir "$sd" 2>/dev/null; then
		UP_ACTIVE=0
		die "cannot create $sd (another up of $PREFIX running?)"
	fi
	# working in the state dir marks up and all it starts as the
	# topology's: down finds them even if this shell is SIGKILLed
	# shellcheck disable=SC2164 # set -e (sim/snic-topo) stops on failure
	cd "$sd"
	(
		trap - INT TERM HUP
		trap 'die "unexpected failure at line $LINENO: $BASH_COMMAND"' ERR
		up_build "$sd" "$timeout"
	) &
	local child=$! rc=0
	while :; do
		rc=0
		wait "$child" || rc=$?
		if [[ -n $UP_SIGNAL ]]; then
			kill -TERM "$child" 2>/dev/null || true
			wait "$child" 2>/dev/null || true
			up_abort interrupted
		fi
		proc_alive "$child" || break
	done
	((rc == 0)) || up_abort

	trap - INT TERM HUP
	UP_ACTIVE=0
	info "topology $PREFIX up: ${#H_NAME[@]} host(s), ${#V_NAME[@]} VM(s), ${#P_NAME[@]} peer(s); state in $sd"
	if [[ $QUIET != 1 ]]; then
		status_text "$PREFIX" || true
	fi
}

# up_build SD TIMEOUT: make the namespaces, start the snic-sims, wire it all
# (in a child of up: on error it says why and exits non-zero)
up_build() {
	local sd=$1 timeout=$2 i j ns sim deadline why
	local -a args pids
	write_topology "$sd/topology"
	printf '%s\n' "$SIM" >"$sd/sim"
	local sock="$sd/${H_NAME[-1]}.sock"
	((${#sock} < 108)) || die "socket path $sock is too long for a UNIX socket (108): set SNIC_TOPO_DIR shorter"

	# underlay
	run ip netns add "$NS_UL"
	run ip -n "$NS_UL" link set lo up
	ip netns exec "$NS_UL" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
	run ip -n "$NS_UL" link add "$BRIDGE" type bridge stp_state 0
	run ip -n "$NS_UL" link set "$BRIDGE" up
	# hosts and VMs
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		ns=$(host_ns "${H_NAME[i]}")
		run ip netns add "$ns"
		run ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
	done
	for ((i = 0; i < ${#V_NAME[@]}; i++)); do
		ns=$(vm_ns "${V_NAME[i]}")
		run ip netns add "$ns"
		run ip -n "$ns" link set lo up
	done
	# snic-sims, all started at once, then waited for
	pids=()
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		sim=$(sim_name "$i")
		# NICs on one underlay need distinct uplink MACs
		args=(--name "$sim" --board "${H_BOARD[i]}" --socket "$sd/${H_NAME[i]}.sock"
			--pidfile "$sd/${H_NAME[i]}.pid" --uplink-netns "$NS_UL"
			--uplink-mac "$(printf '02:5e:%02x:00:01:%02x' "$(( $(cksum <<<"$PREFIX" | cut -d' ' -f1) & 255 ))" $((i + 1)))")
		for ((j = 0; j < ${#V_NAME[@]}; j++)); do
			[[ ${V_HOST[j]} == "${H_NAME[i]}" ]] || continue
			args+=(--vf-netns "${V_VF[j]}=$(vm_ns "${V_NAME[j]}")" --vf-mac "${V_VF[j]}=${V_MAC[j]}")
		done
		printf '%s\n' "$SIM ${args[*]}" >"$sd/${H_NAME[i]}.log"
		# its own session (no terminal's SIGHUP), default signal dispositions
		# (bash starts background jobs with SIGINT and SIGQUIT ignored)
		setsid "${DEFSIG[@]}" ip netns exec "$(host_ns "${H_NAME[i]}")" "$SIM" "${args[@]}" \
			</dev/null >>"$sd/${H_NAME[i]}.log" 2>&1 &
		pids+=("$!")
	done
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		deadline=$((SECONDS + timeout))
		while :; do
			if ! proc_alive "${pids[i]}"; then
				wait "${pids[i]}" 2>/dev/null && j=0 || j=$?
				why=$(grep -E '^snic-sim: |error: ' "$sd/${H_NAME[i]}.log" | tail -n 1 || true)
				die "host ${H_NAME[i]}: snic-sim exited during start-up (status $j)${why:+: ${why#snic-sim: }}$(log_tail "$sd/${H_NAME[i]}.log")"
			fi
			if [[ -S $sd/${H_NAME[i]}.ctl ]] &&
				"$SIM" ctl --ctl "$sd/${H_NAME[i]}.ctl" status >/dev/null 2>&1; then
				break
			fi
			((SECONDS < deadline)) ||
				die "host ${H_NAME[i]}: snic-sim (pid ${pids[i]}) did not answer on $sd/${H_NAME[i]}.ctl within ${timeout}s$(log_tail "$sd/${H_NAME[i]}.log")"
			sleep 0.05
		done
	done
	# uplinks on the bridge
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		run ip -n "$NS_UL" link set "$(sim_name "$i")p0" master "$BRIDGE" up
	done
	# VM addresses
	for ((i = 0; i < ${#V_NAME[@]}; i++)); do
		j=${HOST_IDX[${V_HOST[i]}]}
		run ip -n "$(vm_ns "${V_NAME[i]}")" addr add "${V_IP[i]}" dev "$(sim_name "$j")pf0vf${V_VF[i]}"
		# room for the 50 bytes of a VXLAN header on a 1500-byte underlay
		run ip -n "$(vm_ns "${V_NAME[i]}")" link set "$(sim_name "$j")pf0vf${V_VF[i]}" mtu 1450 up
	done
	# peers and kernel VTEPs: a namespace with a veth on the bridge
	for ((i = 0; i < ${#P_NAME[@]}; i++)); do
		ul_box "$(peer_ns "${P_NAME[i]}")" "peer$((i + 1))" "${P_VTEP[i]}"
	done
	if ((KERNEL_VTEP)); then
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do
			ul_box "$(vtep_ns "${H_NAME[i]}")" "vtep$((i + 1))" "${H_VTEP[i]}"
		done
	fi
}

# ul_box NS BRIDGE_PORT ADDR: a namespace on the underlay carrying ADDR
ul_box() {
	run ip netns add "$1"
	run ip -n "$1" link set lo up
	run ip -n "$NS_UL" link add "$2" type veth peer name ul0 netns "$1"
	run ip -n "$NS_UL" link set "$2" master "$BRIDGE" up
	run ip -n "$1" addr add "$3/$UL_LEN" dev ul0
	run ip -n "$1" link set ul0 up
}
