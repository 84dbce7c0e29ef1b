# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/describe.sh - the description file (sourced by sim/snic-topo):
# parse_desc reads and validates one (the format is in sim/snic-topo's
# header) into the H_* (hosts), V_* (VMs) and P_* (peers) arrays, PREFIX,
# UL_* and KERNEL_VTEP, collecting errors in ERRS (print_errs shows them
# sorted by line); board_nvfs checks a board and reads its VF count;
# write_topology writes the normalized description that up keeps in the
# state dir.

# ---------------------------------------------------------------------------
# small parsers (results in globals: no subshells, so errors stay visible)

IP_INT=0
# parse_ip4 A.B.C.D: IP_INT; fails on anything else (no leading zeros)
parse_ip4() {
	local o='(0|[1-9][0-9]{0,2})' a b c d
	[[ $1 =~ ^$o\.$o\.$o\.$o$ ]] || return 1
	a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]} c=${BASH_REMATCH[3]} d=${BASH_REMATCH[4]}
	((a <= 255 && b <= 255 && c <= 255 && d <= 255)) || return 1
	IP_INT=$(((a << 24) | (b << 16) | (c << 8) | d))
}

CIDR_LEN=0
# parse_cidr A.B.C.D/LEN: IP_INT, CIDR_LEN
parse_cidr() {
	[[ $1 =~ ^([^/]+)/(0|[1-9][0-9]?)$ ]] || return 1
	CIDR_LEN=${BASH_REMATCH[2]}
	((CIDR_LEN <= 32)) || return 1
	parse_ip4 "${BASH_REMATCH[1]}"
}

mask_of() { # LEN -> MASK_INT
	MASK_INT=$(((0xffffffff << (32 - $1)) & 0xffffffff))
}

int_to_ip4() {
	IP_STR="$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"
}

valid_name() { [[ $1 =~ ^[a-z0-9][a-z0-9_-]{0,14}$ ]]; }

# ---------------------------------------------------------------------------
# boards

# board_nvfs FILE: NVFS_CACHE[FILE] = number of VFs, or fails with BOARD_ERR.
declare -A NVFS_CACHE=()
BOARD_ERR=
board_nvfs() {
	local f=$1 out
	[[ -z ${NVFS_CACHE[$f]:-} ]] || return 0
	if [[ ! -f $f || ! -r $f ]]; then
		BOARD_ERR="board $f: no such readable file"
		return 1
	fi
	if ! command -v fdtget >/dev/null; then
		return 0 # cannot tell the VF count: snic-sim will say
	fi
	if [[ $f == *.dts ]]; then
		if ! out=$(dtc -q -I dts -O dtb "$f" 2>&1 >/dev/null); then
			BOARD_ERR="board $f: dtc cannot compile it: ${out//$'\n'/ }"
			return 1
		fi
		out=$(dtc -q -I dts -O dtb "$f" | fdtget -t u - /nic/sriov num-vfs 2>&1) || {
			BOARD_ERR="board $f: no /nic/sriov num-vfs: ${out//$'\n'/ }"
			return 1
		}
	else
		out=$(fdtget -t u "$f" /nic/sriov num-vfs 2>&1) || {
			BOARD_ERR="board $f: not a board (.dtb) with /nic/sriov num-vfs: ${out//$'\n'/ }"
			return 1
		}
	fi
	[[ $out =~ ^[0-9]+$ ]] || {
		BOARD_ERR="board $f: num-vfs is '$out'"
		return 1
	}
	NVFS_CACHE[$f]=$out
}

# ---------------------------------------------------------------------------
# the description

PREFIX=
UL_CIDR=
UL_NET=0
UL_LEN=0
KERNEL_VTEP=0
H_NAME=() H_VTEP=() H_BOARD=() H_LINE=()
V_NAME=() V_HOST=() V_VF=() V_MAC=() V_IP=() V_TENANT=() V_LINE=()
P_NAME=() P_VTEP=() P_LINE=()
ERRS=()
PREFIX_OVERRIDE=
declare -A HOST_IDX=()

# parse_desc FILE MODE: MODE full (validate everything, boards included),
# trusted (our own state file: no board checks), prefix (only the prefix
# matters: errors elsewhere are kept in ERRS but do not fail).  Fills the
# globals above; returns 1 with ERRS set on errors.
parse_desc() {
	local file=$1 mode=$2 dir line lineno=0 kw name k v i j
	local -a w
	local -A seen_name=() seen_vtep=() seen_mac=() seen_vf=() seen_ip=() kv=()
	local prefix_line=0 ul_line=0 prefix_seen=0 ul_seen=0 vtep_int mac lc
	PREFIX='' UL_CIDR='' UL_NET=0 UL_LEN=0 KERNEL_VTEP=0
	H_NAME=() H_VTEP=() H_BOARD=() H_LINE=()
	V_NAME=() V_HOST=() V_VF=() V_MAC=() V_IP=() V_TENANT=() V_LINE=()
	P_NAME=() P_VTEP=() P_LINE=()
	ERRS=()
	HOST_IDX=()

	if [[ ! -f $file || ! -r $file ]]; then
		ERRS+=("0"$'\t'"$file: no such readable file")
		return 1
	fi
	dir=$(cd "$(dirname "$file")" && pwd)
	# ERRS entries: "LINE<tab>message", sorted by print_errs
	err() { ERRS+=("$lineno"$'\t'"$file:$lineno: $*"); }

	while IFS= read -r line || [[ -n $line ]]; do
		lineno=$((lineno + 1))
		line=${line%$'\r'} # a file from Windows
		line=${line%%#*}
		read -r -a w <<<"$line" || true
		((${#w[@]})) || continue
		kw=${w[0]}
		# keyword NAME key value key value...
		kv=()
		case $kw in
		host | vm | peer)
			if ((${#w[@]} < 2)); then
				err "'$kw' needs a name"
				continue
			fi
			name=${w[1]}
			if ! valid_name "$name"; then
				err "$kw name '$name': use 1-15 of a-z 0-9 _ - (first a letter or digit)"
				continue
			fi
			if [[ $name == underlay ]]; then
				err "$kw name 'underlay' is reserved"
				continue
			fi
			if [[ -n ${seen_name[$name]:-} ]]; then
				err "duplicate name '$name' (already used on line ${seen_name[$name]})"
				continue
			fi
			seen_name[$name]=$lineno
			if (((${#w[@]} - 2) % 2)); then
				err "$kw $name: '${w[-1]}' has no value (expected KEY VALUE pairs)"
				continue
			fi
			local bad=0
			for ((i = 2; i < ${#w[@]}; i += 2)); do
				k=${w[i]} v=${w[i + 1]}
				case $kw:$k in
				host:vtep | host:board | vm:host | vm:vf | vm:mac | vm:ip | vm:tenant | peer:vtep) ;;
				*)
					err "$kw $name: unknown key '$k'"
					bad=1
					continue
					;;
				esac
				if [[ -n ${kv[$k]+x} ]]; then
					err "$kw $name: '$k' given twice"
					bad=1
				fi
				kv[$k]=$v
			done
			((bad == 0)) || continue
			;;
		esac
		case $kw in
		prefix)
			prefix_seen=1
			if ((${#w[@]} != 2)); then
				err "'prefix' takes one value: prefix NAME"
			elif ((prefix_line)); then
				err "'prefix' given twice (first on line $prefix_line)"
			elif [[ ! ${w[1]} =~ ^[a-z][a-z0-9]{0,7}$ ]]; then
				err "prefix '${w[1]}': use 1-8 of a-z 0-9, first a letter (it starts every namespace and NIC name)"
			else
				PREFIX=${w[1]}
				prefix_line=$lineno
			fi
			;;
		underlay)
			ul_seen=1
			if ((${#w[@]} != 2)); then
				err "'underlay' takes one value: underlay A.B.C.D/LEN"
			elif ((ul_line)); then
				err "'underlay' given twice (first on line $ul_line)"
			elif ! parse_cidr "${w[1]}"; then
				err "underlay '${w[1]}': not an IPv4 subnet A.B.C.D/LEN"
			elif ((CIDR_LEN < 8 || CIDR_LEN > 30)); then
				err "underlay '${w[1]}': prefix length must be 8..30"
			else
				mask_of "$CIDR_LEN"
				if ((IP_INT & ~MASK_INT & 0xffffffff)); then
					int_to_ip4 $((IP_INT & MASK_INT))
					err "underlay '${w[1]}': host bits set (did you mean $IP_STR/$CIDR_LEN?)"
				else
					UL_CIDR=${w[1]} UL_NET=$IP_INT UL_LEN=$CIDR_LEN
					ul_line=$lineno
				fi
			fi
			;;
		kernel-vtep)
			if ((${#w[@]} != 1)); then
				err "'kernel-vtep' takes no value"
			else
				KERNEL_VTEP=1
			fi
			;;
		host | peer)
			if [[ -z ${kv[vtep]:-} ]]; then
				err "$kw $name: missing 'vtep A.B.C.D'"
				continue
			fi
			if ! parse_ip4 "${kv[vtep]}"; then
				err "$kw $name: vtep '${kv[vtep]}' is not an IPv4 address"
				continue
			fi
			vtep_int=$IP_INT
			if [[ -n ${seen_vtep[$vtep_int]:-} ]]; then
				err "$kw $name: vtep ${kv[vtep]} already used on line ${seen_vtep[$vtep_int]}"
				continue
			fi
			seen_vtep[$vtep_int]=$lineno
			if [[ $kw == host ]]; then
				if ((${#H_NAME[@]} >= 99)); then
					err "host $name: at most 99 hosts (NIC names end in two digits)"
					continue
				fi
				v=${kv[board]:-}
				if [[ -n $v && $v != /* ]]; then
					v=$dir/$v
				fi
				HOST_IDX[$name]=${#H_NAME[@]}
				H_NAME+=("$name") H_VTEP+=("${kv[vtep]}") H_BOARD+=("$v")
				H_LINE+=("$lineno")
			else
				P_NAME+=("$name") P_VTEP+=("${kv[vtep]}") P_LINE+=("$lineno")
			fi
			;;
		vm)
			for k in host vf mac ip tenant; do
				[[ -n ${kv[$k]:-} ]] || err "vm $name: missing '$k'"
			done
			[[ -n ${kv[host]:-} && -n ${kv[vf]:-} && -n ${kv[mac]:-} &&
				-n ${kv[ip]:-} && -n ${kv[tenant]:-} ]] || continue
			if [[ ! ${kv[vf]} =~ ^(0|[1-9][0-9]{0,3})$ ]]; then
				err "vm $name: vf '${kv[vf]}' is not a VF index (0, 1, ...)"
				continue
			fi
			mac=${kv[mac]}
			if [[ ! $mac =~ ^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$ ]]; then
				err "vm $name: mac '$mac' is not xx:xx:xx:xx:xx:xx"
				continue
			fi
			lc=${mac,,}
			if ((16#${lc:0:2} & 1)); then
				err "vm $name: mac $mac is a multicast address (first byte odd); use a unicast one, e.g. 02:..."
				continue
			fi
			if [[ $lc == 00:00:00:00:00:00 ]]; then
				err "vm $name: mac 00:00:00:00:00:00 is not a usable address"
				continue
			fi
			if [[ -n ${seen_mac[$lc]:-} ]]; then
				err "vm $name: mac $mac already used on line ${seen_mac[$lc]}"
				continue
			fi
			if ! parse_cidr "${kv[ip]}" || ((CIDR_LEN < 1)); then
				err "vm $name: ip '${kv[ip]}' is not A.B.C.D/LEN (LEN 1..32)"
				continue
			fi
			if ((CIDR_LEN <= 30)); then
				mask_of "$CIDR_LEN"
				if (((IP_INT & ~MASK_INT & 0xffffffff) == 0)); then
					err "vm $name: ip ${kv[ip]} is the subnet's network address"
					continue
				fi
				if (((IP_INT | MASK_INT) == 0xffffffff)); then
					err "vm $name: ip ${kv[ip]} is the subnet's broadcast address"
					continue
				fi
			fi
			if [[ ! ${kv[tenant]} =~ ^[1-9][0-9]{0,7}$ ]] || ((kv[tenant] > 16777215)); then
				err "vm $name: tenant '${kv[tenant]}' must be a VNI 1..16777215"
				continue
			fi
			if [[ -n ${seen_ip[${kv[tenant]}/$IP_INT]:-} ]]; then
				err "vm $name: ip ${kv[ip]%/*} already used in tenant ${kv[tenant]} on line ${seen_ip[${kv[tenant]}/$IP_INT]}"
				continue
			fi
			seen_mac[$lc]=$lineno
			seen_ip[${kv[tenant]}/$IP_INT]=$lineno
			V_NAME+=("$name") V_HOST+=("${kv[host]}") V_VF+=("${kv[vf]}")
			V_MAC+=("$lc") V_IP+=("${kv[ip]}") V_TENANT+=("${kv[tenant]}")
			V_LINE+=("$lineno")
			;;
		*)
			err "unknown statement '$kw' (prefix, underlay, host, vm, peer, kernel-vtep)"
			;;
		esac
	done <"$file"

	lineno=0
	if [[ -n $PREFIX_OVERRIDE ]]; then
		PREFIX=$PREFIX_OVERRIDE
	elif ((prefix_seen == 0)); then
		ERRS+=("0"$'\t'"$file: no 'prefix NAME' line")
	fi
	[[ $mode == prefix ]] && { [[ -n $PREFIX ]]; return; }
	((ul_seen)) || ERRS+=("0"$'\t'"$file: no 'underlay A.B.C.D/LEN' line")
	((${#H_NAME[@]})) || ERRS+=("0"$'\t'"$file: no 'host' line: a topology needs at least one host")

	# addresses inside the underlay
	if ((ul_line)); then
		mask_of "$UL_LEN"
		for ((i = 0; i < ${#H_NAME[@]} + ${#P_NAME[@]}; i++)); do
			if ((i < ${#H_NAME[@]})); then
				k="host ${H_NAME[i]}" v=${H_VTEP[i]} lineno=${H_LINE[i]}
			else
				j=$((i - ${#H_NAME[@]}))
				k="peer ${P_NAME[j]}" v=${P_VTEP[j]} lineno=${P_LINE[j]}
			fi
			parse_ip4 "$v"
			if (((IP_INT & MASK_INT) != UL_NET)); then
				err "$k: vtep $v is outside the underlay $UL_CIDR"
			elif (((IP_INT & ~MASK_INT & 0xffffffff) == 0 || (IP_INT | MASK_INT) == 0xffffffff)); then
				err "$k: vtep $v is the underlay's network or broadcast address"
			fi
		done
	fi

	# boards
	if [[ $mode == full ]]; then
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do
			lineno=${H_LINE[i]}
			if [[ -z ${H_BOARD[i]} ]]; then
				if [[ -n $BOARD_OPT ]]; then
					H_BOARD[i]=$(cd "$(dirname "$BOARD_OPT")" 2>/dev/null && pwd)/$(basename "$BOARD_OPT")
				else
					sim_default_board
					H_BOARD[i]=$SIM_DEFAULT_BOARD
				fi
			fi
			board_nvfs "${H_BOARD[i]}" || err "host ${H_NAME[i]}: $BOARD_ERR"
		done
	fi

	# VMs: host, VF
	for ((i = 0; i < ${#V_NAME[@]}; i++)); do
		lineno=${V_LINE[i]}
		if [[ -z ${HOST_IDX[${V_HOST[i]}]:-} ]]; then
			err "vm ${V_NAME[i]}: no host '${V_HOST[i]}' in this file"
			continue
		fi
		j=${HOST_IDX[${V_HOST[i]}]}
		k="${V_HOST[i]}/${V_VF[i]}"
		if [[ -n ${seen_vf[$k]:-} ]]; then
			err "vm ${V_NAME[i]}: host ${V_HOST[i]} vf ${V_VF[i]} already taken by the VM on line ${seen_vf[$k]}"
			continue
		fi
		seen_vf[$k]=$lineno
		if [[ $mode == full && -n ${NVFS_CACHE[${H_BOARD[j]}]:-} ]] &&
			((V_VF[i] >= NVFS_CACHE[${H_BOARD[j]}])); then
			err "vm ${V_NAME[i]}: vf ${V_VF[i]} is out of range: host ${V_HOST[i]}'s board ${H_BOARD[j]} has ${NVFS_CACHE[${H_BOARD[j]}]} VFs (0..$((NVFS_CACHE[${H_BOARD[j]}] - 1)))"
		fi
	done
	((${#ERRS[@]} == 0))
}

print_errs() {
	((${#ERRS[@]})) || return 0
	printf '%s\n' "${ERRS[@]}" | sort -s -t $'\t' -k1,1n | cut -f2- |
		sed "s/^/$PROG: /" >&2
}

# write the normalized description (the state dir's "topology")
write_topology() {
	local i
	{
		printf '# written by snic-topo up on %s; do not edit\n' "$(date -u +%FT%TZ)"
		printf 'prefix %s\nunderlay %s\n' "$PREFIX" "$UL_CIDR"
		((KERNEL_VTEP == 0)) || printf 'kernel-vtep\n'
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do
			printf 'host %s vtep %s board %s\n' "${H_NAME[i]}" "${H_VTEP[i]}" "${H_BOARD[i]}"
		done
		for ((i = 0; i < ${#V_NAME[@]}; i++)); do
			printf 'vm %s host %s vf %s mac %s ip %s tenant %s\n' "${V_NAME[i]}" \
				"${V_HOST[i]}" "${V_VF[i]}" "${V_MAC[i]}" "${V_IP[i]}" "${V_TENANT[i]}"
		done
		for ((i = 0; i < ${#P_NAME[@]}; i++)); do
			printf 'peer %s vtep %s\n' "${P_NAME[i]}" "${P_VTEP[i]}"
		done
	} >"$1"
}
