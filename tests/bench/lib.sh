# shellcheck shell=bash
# tests/bench/lib.sh - what the benchmark parts share (sourced).

# bench_stop_pids PID...: SIGTERM, up to 5 s to go, then SIGKILL; reaped
# (children of this shell).  By pid only: nothing else is touched.
bench_stop_pids() {
	local p left
	(($#)) || return 0
	kill -TERM "$@" 2>/dev/null || true
	for _ in $(seq 100); do
		left=0
		for p in "$@"; do kill -0 "$p" 2>/dev/null && left=1; done
		((left)) || break
		sleep 0.05
	done
	kill -KILL "$@" 2>/dev/null || true
	for p in "$@"; do wait "$p" 2>/dev/null || true; done
}
