#!/usr/bin/env bash
# test_snicctl.sh SNICCTL STUB_SERVER - snicctl against the control
# protocol's stub server (offload-mgr/ctl/tests/ctl_stub_server.c): exit
# codes (0, 1, 2, 64, 65, 66, 69), --help for every command, rules files
# (comments, blank lines, stdin, a bad line named as FILE:LINE, atomicity),
# diff-flows, and --json output that python3's json.tool accepts.
set -uo pipefail
snicctl=$1 server=$2
pass=0 fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
dir=$(mktemp -d /tmp/snic-test-snicctl.XXXXXX)
sock=$dir/offloadd.sock
srvpid= silentpid=
cleanup() {
  [[ -n $srvpid ]] && kill "$srvpid" 2>/dev/null && wait "$srvpid" 2>/dev/null
  [[ -n $silentpid ]] && kill "$silentpid" 2>/dev/null && wait "$silentpid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed: run scripts/setup.sh"; echo "0 passed, 1 failed"; exit 1; }

# run ARGS...: snicctl against the stub; sets rc, out (stdout), err (stderr)
run() {
  "$snicctl" --socket "$sock" "$@" >"$dir/out" 2>"$dir/err"
  rc=$?
  out=$(cat "$dir/out") err=$(cat "$dir/err")
}
# expect RC WHAT: the last run exited RC
expect() {
  if [[ $rc -eq $1 ]]; then ok "$2 (exit $rc)"; else bad "$2: exit $rc, want $1; stderr: $err"; fi
}
# has TEXT PATTERN WHAT: grep -E PATTERN in TEXT
has() {
  if grep -qE -- "$2" <<<"$1"; then ok "$3"; else bad "$3: no /$2/ in: $1"; fi
}
# valid_json WHAT: the last stdout is JSON
valid_json() {
  if python3 -m json.tool "$dir/out" >/dev/null 2>"$dir/jerr"; then ok "$1: valid JSON"
  else bad "$1: not valid JSON ($(cat "$dir/jerr")): $out"; fi
}
nrules() { run --json dump-flows; python3 -c 'import json,sys; print(len(json.load(sys.stdin)["flows"]))' <"$dir/out"; }

"$server" "$sock" 2>"$dir/server.log" &
srvpid=$!
for _ in $(seq 100); do
  "$snicctl" --socket "$sock" ping >/dev/null 2>&1 && break
  sleep 0.05
done

# --- help and usage ---------------------------------------------------------
run --help
expect 0 "--help"
has "$out" "^Exit codes:" "--help lists the exit codes"
has "$out" "69 +snic-offloadd is not reachable" "--help explains exit 69"
cmds=(add-flow add-flows del-flows mod-flows replace-flows diff-flows dump-flows
      dump-hw show add-tunnel del-tunnel set ping)
help=$out
for c in "${cmds[@]}"; do
  has "$help" "^  $c( |$)" "--help lists $c"
  run "$c" --help
  [[ $rc -eq 0 ]] && grep -q "^usage: snicctl .* $c" <<<"$out" && grep -q "^Exit codes:" <<<"$out" \
    && ok "$c --help" || bad "$c --help: exit $rc: $out"
done
run help add-flows
has "$out" "FILE:LINE" "'snicctl help add-flows' says errors name FILE:LINE"
run dump-flows --help
has "$out" "--table N" "dump-flows --help documents --table"
run
expect 64 "no command"
has "$err" "^usage: snicctl" "no command prints the usage on stderr"
run frobnicate
expect 64 "unknown command"
has "$err" "unknown command 'frobnicate'" "unknown command named"
run --bogus ping
expect 64 "unknown option"
run add-flow
expect 64 "add-flow without a rule"
has "$err" "add-flow: takes \"RULE\"; got 0 arguments" "the missing argument is named"
run dump-flows --strict
expect 64 "--strict on dump-flows"
run dump-flows --table 255
expect 64 "--table 255"
run --timeout soon ping
expect 64 "--timeout soon"
run add-tunnel vx0 remote=1.2.3.4
expect 64 "add-tunnel with an unknown word"

# --- unreachable and silent daemons --------------------------------------------
"$snicctl" --socket "$dir/none.sock" ping >"$dir/out" 2>"$dir/err"; rc=$?; err=$(cat "$dir/err")
expect 69 "no daemon"
has "$err" "^snicctl: cannot connect to snic-offloadd at $dir/none.sock: No such file or directory \(is snic-offloadd running\?\)$" \
  "no daemon: the message says where and what to check"
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8); time.sleep(60)' "$dir/silent.sock" &
silentpid=$!
for _ in $(seq 100); do [[ -S $dir/silent.sock ]] && break; sleep 0.05; done
"$snicctl" --socket "$dir/silent.sock" --timeout 0.3 ping >"$dir/out" 2>"$dir/err"; rc=$?; err=$(cat "$dir/err")
expect 69 "a daemon that does not answer"
has "$err" "timed out after 0.3 s" "the timeout is named"

# --- rules ----------------------------------------------------------------------
run ping
expect 0 "ping"
has "$out" "^snic-offloadd stub, protocol 1, up " "ping prints version, protocol, uptime"
run add-flow "table=0,priority=100,ip,actions=drop"
expect 0 "add-flow"
run add-flow "table=0,priority=100,tcp"
expect 1 "add-flow of a rule the daemon refuses"
has "$err" "^snicctl: add-flow: rule 0: no actions=" "the refusal is printed"

cat >"$dir/rules.txt" <<'EOF'
# two good rules, a comment, blank lines, then a bad one on line 7

in_port=1,actions=output:2
   in_port=2,actions=output:1   
# another comment

in_port=3,actions
in_port=4,actions=drop
EOF
run add-flows "$dir/rules.txt"
expect 1 "add-flows FILE with a bad line"
has "$err" "^$dir/rules.txt:7: rule 2: no actions=" "the bad rule is named as FILE:LINE"
[[ $(nrules) -eq 1 ]] && ok "nothing of the refused file was added" || bad "rules added from a refused file"
sed -i 's/^in_port=3,actions$/in_port=3,actions=drop/' "$dir/rules.txt"
run add-flows "$dir/rules.txt"
expect 0 "add-flows FILE"
has "$out" "^added 4 rules$" "add-flows says how many"
printf 'in_port=5,actions=drop\n' | "$snicctl" --socket "$sock" add-flows - >"$dir/out" 2>"$dir/err"; rc=$?; err=$(cat "$dir/err")
expect 0 "add-flows - (stdin)"
printf 'in_port=6,actions\n' | "$snicctl" --socket "$sock" add-flows - >"$dir/out" 2>"$dir/err"; rc=$?; err=$(cat "$dir/err")
has "$err" "^<stdin>:1: " "a bad rule from stdin is named as <stdin>:LINE"
run add-flows "$dir/missing.txt"
expect 66 "add-flows of a missing file"
has "$err" "cannot read $dir/missing.txt: No such file or directory" "the missing file is named"
printf 'in_port=7,actions=drop\nin_port=8,\0actions=drop\n' >"$dir/nul.txt"
run add-flows "$dir/nul.txt"
expect 65 "add-flows of a file with a NUL byte"
has "$err" "^$dir/nul.txt:2: contains a NUL byte" "the NUL byte's line is named"
printf 'in_port=9,actions=drop\n\xff\xfe\n' >"$dir/latin.txt"
run add-flows "$dir/latin.txt"
expect 65 "add-flows of a file that is not UTF-8"
has "$err" "^$dir/latin.txt:2: not valid UTF-8" "the bad line is named"

for i in $(seq 5000); do echo "table=1,priority=$i,ip,nw_dst=10.$((i / 256)).$((i % 256)).0/24,actions=drop"; done >"$dir/many.txt"
run add-flows "$dir/many.txt"
expect 0 "add-flows of 5000 rules"
has "$out" "^added 5000 rules$" "5000 rules added"

run dump-flows --table 1
expect 0 "dump-flows --table 1"
has "$out" "^ +ID +TABLE +PRIO +STATE +AGE +IDLE +HW_PKTS +HW_BYTES +SW_PKTS +SW_BYTES +TOTAL_PKTS +TOTAL_BYTES +RULE$" \
  "dump-flows has a header"
has "$out" "^5000 rules$" "dump-flows --table 1 lists the 5000 table-1 rules"
run dump-flows in_port=1
has "$out" " in_port=1,actions=output:2$" "dump-flows MATCH shows the rule"
has "$out" "^1 rule$" "and only it"
run add-flow "hwerr=1,actions=drop"
run dump-flows hwerr
has "$out" "reason: stub: odd ids stay in software|hw counters: query failed" "reasons and hw errors are shown"

run del-flows --strict "table=1,priority=1,ip,nw_dst=10.0.1.0/24"
expect 0 "del-flows --strict"
has "$out" "^deleted 1 rule$" "del-flows --strict deletes exactly one"
run mod-flows "in_port=4,actions=output:9"
has "$out" "^modified 1 rule$" "mod-flows"
run del-flows table=1
has "$out" "^deleted 4999 rules$" "del-flows MATCH"

# --- replace and diff -------------------------------------------------------------
printf 'in_port=1,actions=output:2\nin_port=2,actions=output:7\nin_port=10,actions=drop\n' >"$dir/want.txt"
run diff-flows "$dir/want.txt"
expect 2 "diff-flows with differences"
has "$out" "^-table=0,priority=100,ip,actions=drop$" "diff-flows: - for a rule only in the daemon"
has "$out" "^\+in_port=10,actions=drop$" "diff-flows: + for a rule only in the file"
run replace-flows "$dir/want.txt"
expect 0 "replace-flows"
has "$out" "^added 1, deleted 5, modified 1 rules$" "replace-flows counts"
run diff-flows "$dir/want.txt"
expect 0 "diff-flows after replace-flows: the same"
[[ -z $out ]] && ok "diff-flows prints nothing when the same" || bad "diff-flows printed: $out"

# --- tunnels and settings -------------------------------------------------------------
run add-tunnel vx0 remote_ip=flow key=flow local_ip=10.0.0.1 dst_port=4789
expect 0 "add-tunnel"
run add-tunnel vx0 remote_ip=10.0.0.2
expect 1 "add-tunnel twice"
run add-tunnel vx1 remote_ip=10.0.0.2 key=16777216
expect 1 "add-tunnel with a VNI out of range"
has "$err" "args.key: expected an integer from 0 to 16777215" "the field is named"
run show
has "$out" "^tunnels: 1$" "show lists the tunnel"
run del-tunnel vx0
expect 0 "del-tunnel"
run del-tunnel vx0
expect 1 "del-tunnel of a missing tunnel"
run set log-level debug
expect 0 "set"
run set colour red
expect 1 "set of an unknown key"

# --- --json ---------------------------------------------------------------------------
for c in ping show dump-flows dump-hw "dump-flows --table 0" "del-flows in_port=99"; do
  # shellcheck disable=SC2086
  run --json $c
  [[ $rc -eq 0 ]] || bad "--json $c: exit $rc"
  valid_json "--json $c"
done
run --json diff-flows "$dir/want.txt"
expect 0 "--json diff-flows, same"
valid_json "--json diff-flows"
run --json add-flows "$dir/rules.txt"
expect 1 "--json add-flows refused"
valid_json "--json error"
python3 -c 'import json,sys; e=json.load(sys.stdin)["error"]; assert e["code"]=="EEXIST" and e["line"]==3, e' <"$dir/out" \
  && ok "--json error has code and line" || bad "--json error: $out"
run --json dump-flows
python3 -c 'import json,sys
f=json.load(sys.stdin)["flows"][0]
assert set(f)=={"id","text","table","priority","cookie","state","reason","hw","sw","total","age_s","idle_s"}, f
assert f["cookie"].startswith("0x")' <"$dir/out" && ok "--json dump-flows has every field" || bad "--json dump-flows fields: $out"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
