# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # globals set here are used by the other modules, SCRIPT_DIR is set by sim/snic-topo
# SPDX-License-Identifier: BSD-3-Clause
#
# sim/topo/common.sh - what every part of snic-topo uses (sourced by
# sim/snic-topo): constants, messages (warn, info, die, usage_error), finding
# snic-sim and its default board, the names derived from a description
# (namespaces, NICs), loading a topology's state (load_state), and small
# process and namespace checks.  Needs SCRIPT_DIR (set by sim/snic-topo:
# where to look for snic-sim).

PROG=snic-topo
TOPO_DIR=${SNIC_TOPO_DIR:-/run/snic/topo}
BRIDGE=br0
STOP_WAIT_S=5
DEFSIG=()

# ---------------------------------------------------------------------------
# messages

QUIET=0
KEEP_LOGS=
UP_ACTIVE=0
UP_PREFIX=
SCRIPT_PID=$$
ORIG_PWD=$PWD

warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }
info() { [[ $QUIET == 1 ]] || printf '%s\n' "$*"; }

die() {
	warn "$*"
	if [[ $UP_ACTIVE == 1 ]]; then
		up_abort
	fi
	exit 1
}

usage_error() {
	warn "$* (see --help)"
	exit 2
}

# ---------------------------------------------------------------------------
# finding snic-sim

SIM=
SIM_OPT=
BOARD_OPT=
OFFLOADD=
SNICCTL=

find_sim() {
	if [[ -z $SIM ]]; then
		find_sim_path
		# snic-sim runs from the state directory: make the path absolute
		SIM=$(realpath -- "$SIM")
	fi
}

find_sim_path() {
	local c best='' newest=0 m
	if [[ -n $SIM_OPT ]]; then
		c=$SIM_OPT
		[[ $c == */* ]] || c=$(command -v "$c" || true)
		[[ -n $c && -x $c && ! -d $c ]] ||
			die "--sim $SIM_OPT: not an executable file"
		SIM=$c
		return 0
	fi
	if [[ -n ${SNIC_SIM:-} ]]; then
		[[ -x $SNIC_SIM && ! -d $SNIC_SIM ]] ||
			die "SNIC_SIM=$SNIC_SIM: not an executable file"
		SIM=$SNIC_SIM
		return 0
	fi
	if [[ -x $SCRIPT_DIR/snic-sim && ! -d $SCRIPT_DIR/snic-sim ]]; then
		SIM=$SCRIPT_DIR/snic-sim
		return 0
	fi
	for c in "$SCRIPT_DIR"/../build*/sim/snic-sim "$SCRIPT_DIR"/../build*/*/sim/snic-sim; do
		[[ -x $c ]] || continue
		m=$(stat -c %Y "$c")
		if ((m > newest)); then
			newest=$m best=$c
		fi
	done
	if [[ -n $best ]]; then
		SIM=$best
		return 0
	fi
	if c=$(command -v snic-sim); then
		SIM=$c
		return 0
	fi
	die "cannot find snic-sim: build it (cmake --build BUILD --target snic-sim) and pass --sim BUILD/sim/snic-sim, or set SNIC_SIM"
}

# snic-sim's compiled-in default board, from its --help text.
SIM_DEFAULT_BOARD=
sim_default_board() {
	local help
	[[ -z $SIM_DEFAULT_BOARD ]] || return 0
	find_sim
	help=$("$SIM" --help 2>&1) || die "$SIM --help failed: $help"
	SIM_DEFAULT_BOARD=$(printf '%s\n' "$help" |
		sed -n '/--board/{n;s/^[[:space:]]*//;s/)$//;p;q;}')
	[[ -n $SIM_DEFAULT_BOARD && -r $SIM_DEFAULT_BOARD ]] ||
		die "cannot tell snic-sim's default board from '$SIM --help' (got '$SIM_DEFAULT_BOARD'): pass --board FILE"
}

# ---------------------------------------------------------------------------
# names and state

# Names derived from the description (see the header).
SHORT=
derive() {
	SHORT=${PREFIX:0:4}
	NS_UL=$PREFIX-underlay
}
sim_name() { printf '%s%02d' "$SHORT" $(($1 + 1)); }
host_ns() { printf '%s-host-%s' "$PREFIX" "$1"; }
vm_ns() { printf '%s-vm-%s' "$PREFIX" "$1"; }
peer_ns() { printf '%s-peer-%s' "$PREFIX" "$1"; }
vtep_ns() { printf '%s-vtep-%s' "$PREFIX" "$1"; }

# load_state PREFIX: parse the state's topology; 1 if not up
load_state() {
	local sd=$TOPO_DIR/$1
	[[ -f $sd/topology ]] || return 1
	parse_desc "$sd/topology" trusted || {
		print_errs
		warn "$sd/topology is damaged"
		return 2
	}
	derive
}

# ---------------------------------------------------------------------------
# processes and namespaces

# proc_alive PID: exists and is not a zombie
proc_alive() {
	local st
	[[ -r /proc/$1/stat ]] || return 1
	{ read -r st </proc/"$1"/stat; } 2>/dev/null || return 1
	st=${st##*) }
	[[ ${st:0:1} != Z ]]
}

ns_exists() { [[ -e /run/netns/$1 ]]; }
