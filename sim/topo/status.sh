# shellcheck shell=bash
# shellcheck disable=SC2153 # PREFIX is set by load_state (common.sh)
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/status.sh - "status" (sourced by sim/snic-topo): the health of a
# topology that is up (snic-sims running and answering, namespaces, links),
# as text (status_text) or JSON (status_json), of one topology or of all
# (cmd_status).

# link_state NS IFNAME -> LINK ("up", "down", "no-carrier", "absent")
link_state() {
	local out
	LINK=absent
	out=$(ip -n "$1" -o link show dev "$2" 2>/dev/null) || return 0
	if [[ $out == *"<"*",UP"* || $out == *"<UP"* ]]; then
		if [[ $out == *LOWER_UP* ]]; then LINK=up; else LINK=no-carrier; fi
	else
		LINK=down
	fi
}

json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

# host_health I: HPID, HRUN (yes/no), HANS (yes/no)
host_health() {
	local sd=$TOPO_DIR/$PREFIX name=${H_NAME[$1]}
	HPID=- HRUN=no HANS=no
	if [[ -r $sd/$name.pid ]]; then
		read -r HPID <"$sd/$name.pid" || HPID=-
	fi
	if [[ $HPID =~ ^[0-9]+$ ]] && proc_alive "$HPID"; then
		HRUN=yes
		if [[ $SIM == false ]]; then
			HANS=unknown # no snic-sim binary to ask with
		elif [[ -S $sd/$name.ctl ]] && "$SIM" ctl --ctl "$sd/$name.ctl" status >/dev/null 2>&1; then
			HANS=yes
		fi
	fi
}

host_word() {
	if [[ $HRUN != yes ]]; then
		echo DEAD
	elif [[ $HANS == no ]]; then
		echo NOT-ANSWERING
	else
		echo running
	fi
}

status_text() {
	local prefix=$1 sd=$TOPO_DIR/$1 i j r healthy=1 ns
	load_state "$prefix" || return $(($? == 1 ? 3 : 1))
	find_sim_quiet
	printf 'topology %s  state %s\n' "$PREFIX" "$sd"
	r=present
	ns_exists "$NS_UL" || { r=MISSING; healthy=0; }
	link_state "$NS_UL" "$BRIDGE"
	printf 'underlay  %s  ns %s (%s)  bridge %s %s\n' "$UL_CIDR" "$NS_UL" "$r" "$BRIDGE" "$LINK"
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		host_health "$i"
		[[ $HANS != no ]] || healthy=0
		ns=$(host_ns "${H_NAME[i]}")
		ns_exists "$ns" || healthy=0
		link_state "$NS_UL" "$(sim_name "$i")p0"
		printf 'host %-8s ns %s  nic %s  pid %s %s  vtep %s  uplink %s %s\n' "${H_NAME[i]}" \
			"$ns" "$(sim_name "$i")" "$HPID" \
			"$(host_word)" \
			"${H_VTEP[i]}" "$(sim_name "$i")p0" "$LINK"
		printf '     %-8s socket %s  board %s\n' "" "$sd/${H_NAME[i]}.sock" "${H_BOARD[i]}"
	done
	for ((i = 0; i < ${#V_NAME[@]}; i++)); do
		j=${HOST_IDX[${V_HOST[i]}]}
		ns=$(vm_ns "${V_NAME[i]}")
		link_state "$ns" "$(sim_name "$j")pf0vf${V_VF[i]}"
		[[ $LINK == up ]] || healthy=0
		printf 'vm   %-8s ns %s  host %s vf %s  if %s  mac %s  ip %s  tenant %s  link %s\n' \
			"${V_NAME[i]}" "$ns" "${V_HOST[i]}" "${V_VF[i]}" "$(sim_name "$j")pf0vf${V_VF[i]}" \
			"${V_MAC[i]}" "${V_IP[i]}" "${V_TENANT[i]}" "$LINK"
	done
	for ((i = 0; i < ${#P_NAME[@]}; i++)); do
		ns=$(peer_ns "${P_NAME[i]}")
		link_state "$ns" ul0
		[[ $LINK == up ]] || healthy=0
		printf 'peer %-8s ns %s  vtep %s  link %s\n' "${P_NAME[i]}" "$ns" "${P_VTEP[i]}" "$LINK"
	done
	if ((KERNEL_VTEP)); then
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do
			ns=$(vtep_ns "${H_NAME[i]}")
			link_state "$ns" ul0
			[[ $LINK == up ]] || healthy=0
			printf 'kvtep %-7s ns %s  vtep %s  link %s\n' "${H_NAME[i]}" "$ns" "${H_VTEP[i]}" "$LINK"
		done
	fi
	if ((healthy)); then
		printf 'healthy\n'
		return 0
	fi
	printf 'NOT healthy\n'
	return 1
}

status_json() {
	local prefix=$1 sd=$TOPO_DIR/$1 i j healthy=true ns sep r
	if ! load_state "$prefix"; then
		printf '{"prefix":%s,"up":false,"state_dir":%s,"leftovers":%s}\n' \
			"$(json_str "$prefix")" "$(json_str "$sd")" \
			"$(leftovers "$prefix" >/dev/null && echo true || echo false)"
		return 3
	fi
	find_sim_quiet
	r=true
	ns_exists "$NS_UL" || { r=false; healthy=false; }
	link_state "$NS_UL" "$BRIDGE"
	printf '{"prefix":%s,"up":true,"state_dir":%s,"kernel_vtep":%s,' "$(json_str "$PREFIX")" \
		"$(json_str "$sd")" "$( ((KERNEL_VTEP)) && echo true || echo false)"
	printf '"underlay":{"subnet":%s,"ns":%s,"present":%s,"bridge":%s,"link":%s},"hosts":[' \
		"$(json_str "$UL_CIDR")" "$(json_str "$NS_UL")" "$r" "$(json_str "$BRIDGE")" "$(json_str "$LINK")"
	sep=
	for ((i = 0; i < ${#H_NAME[@]}; i++)); do
		host_health "$i"
		[[ $HANS != no ]] || healthy=false
		ns=$(host_ns "${H_NAME[i]}")
		ns_exists "$ns" || healthy=false
		link_state "$NS_UL" "$(sim_name "$i")p0"
		printf '%s{"name":%s,"ns":%s,"nic":%s,"pid":%s,"running":%s,"answering":%s,"vtep":%s,"board":%s,"socket":%s,"ctl":%s,"log":%s,"uplink":%s,"uplink_link":%s,"kernel_vtep_ns":%s}' \
			"$sep" "$(json_str "${H_NAME[i]}")" "$(json_str "$ns")" "$(json_str "$(sim_name "$i")")" \
			"$([[ $HPID =~ ^[0-9]+$ ]] && echo "$HPID" || echo null)" \
			"$([[ $HRUN == yes ]] && echo true || echo false)" "$(case $HANS in yes) echo true ;; no) echo false ;; *) echo null ;; esac)" \
			"$(json_str "${H_VTEP[i]}")" "$(json_str "${H_BOARD[i]}")" \
			"$(json_str "$sd/${H_NAME[i]}.sock")" "$(json_str "$sd/${H_NAME[i]}.ctl")" \
			"$(json_str "$sd/${H_NAME[i]}.log")" "$(json_str "$(sim_name "$i")p0")" "$(json_str "$LINK")" \
			"$( ((KERNEL_VTEP)) && json_str "$(vtep_ns "${H_NAME[i]}")" || echo null)"
		sep=,
	done
	printf '],"vms":['
	sep=
	for ((i = 0; i < ${#V_NAME[@]}; i++)); do
		j=${HOST_IDX[${V_HOST[i]}]}
		ns=$(vm_ns "${V_NAME[i]}")
		link_state "$ns" "$(sim_name "$j")pf0vf${V_VF[i]}"
		[[ $LINK == up ]] || healthy=false
		printf '%s{"name":%s,"ns":%s,"host":%s,"vf":%s,"ifname":%s,"mac":%s,"ip":%s,"tenant":%s,"link":%s}' \
			"$sep" "$(json_str "${V_NAME[i]}")" "$(json_str "$ns")" "$(json_str "${V_HOST[i]}")" \
			"${V_VF[i]}" "$(json_str "$(sim_name "$j")pf0vf${V_VF[i]}")" "$(json_str "${V_MAC[i]}")" \
			"$(json_str "${V_IP[i]}")" "${V_TENANT[i]}" "$(json_str "$LINK")"
		sep=,
	done
	printf '],"peers":['
	sep=
	for ((i = 0; i < ${#P_NAME[@]}; i++)); do
		ns=$(peer_ns "${P_NAME[i]}")
		link_state "$ns" ul0
		[[ $LINK == up ]] || healthy=false
		printf '%s{"name":%s,"ns":%s,"vtep":%s,"link":%s}' "$sep" "$(json_str "${P_NAME[i]}")" \
			"$(json_str "$ns")" "$(json_str "${P_VTEP[i]}")" "$(json_str "$LINK")"
		sep=,
	done
	printf '],"healthy":%s}\n' "$healthy"
	[[ $healthy == true ]]
}

find_sim_quiet() {
	local f=$TOPO_DIR/$PREFIX/sim
	[[ -n $SIM ]] && return 0
	# the snic-sim that up used, else the usual search
	if [[ -z $SIM_OPT && -r $f ]] && read -r SIM <"$f" && [[ -x $SIM ]]; then
		return 0
	fi
	SIM=
	# status works without snic-sim (it then cannot ask the control sockets)
	if ! (find_sim) >/dev/null 2>&1; then
		SIM=false
		return 0
	fi
	find_sim
}

cmd_status() {
	local prefix=$1 json=$2 r=0 d p sep=
	if [[ -z $prefix ]]; then
		# every topology with a state dir
		[[ $json == 1 ]] && printf '['
		for d in "$TOPO_DIR"/*/; do
			[[ -d $d ]] || continue
			p=${d%/}
			p=${p##*/}
			if [[ $json == 1 ]]; then
				printf '%s' "$sep"
				status_json "$p" | tr -d '\n' || true
				sep=,
			else
				if status_text "$p" >/dev/null 2>&1; then
					printf '%-9s up, healthy\n' "$p"
				else
					printf '%-9s NOT healthy (snic-topo status --prefix %s)\n' "$p" "$p"
				fi
			fi
		done
		if [[ $json == 1 ]]; then
			printf ']\n'
		elif [[ -z $sep ]] && ! compgen -G "$TOPO_DIR/*/" >/dev/null; then
			printf 'no topology is up (%s is empty)\n' "$TOPO_DIR"
		fi
		return 0
	fi
	if [[ $json == 1 ]]; then
		status_json "$prefix" || r=$?
		return $r
	fi
	status_text "$prefix" || r=$?
	if ((r == 3)); then
		printf 'topology %s: not up\n' "$prefix"
		if leftovers "$prefix"; then
			printf 'leftovers of %s exist: snic-topo down --prefix %s\n' "$prefix" "$prefix"
			return 1
		fi
	fi
	return $r
}
