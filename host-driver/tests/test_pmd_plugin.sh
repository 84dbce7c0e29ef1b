#!/usr/bin/env bash
# test_pmd_plugin.sh APP PLUGIN SNIC_SIM - the net_snic plugin in a DPDK
# program that has no compile-time knowledge of it: start a snic-sim in a
# private namespace, copy the plugin where the EAL accepts it (a directory
# nobody else can write; DPDK refuses plugins in world-writable places such
# as /tmp), run the program with -d PLUGIN --vdev net_snic0,..., check the
# ports it lists and that it can install a rule with rte_flow; then kill
# it with its rule installed and check each flow_recover= policy of the next
# instance (refuse, adopt, the default flush).
set -euo pipefail
app=$1 plugin=$2 sim=$3
pass=0 fail=0
ok()  { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
ns=snictpl$$ name=q$((RANDOM % 90000 + 10000))
dir=/run/snic-test-plugin.$$ sock=/run/snic-test-plugin.$$/nic.sock
simpid=
cleanup() {
  [[ -n $simpid ]] && kill "$simpid" 2>/dev/null && wait "$simpid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
[[ $(id -u) -eq 0 ]] || { echo "FAIL: needs root (namespaces, TAPs)"; echo "0 passed, 1 failed"; exit 1; }
mkdir -m 0755 "$dir"
cp "$plugin" "$dir/librte_net_snic.so"
chmod 0755 "$dir/librte_net_snic.so"
ip netns add "$ns"
ip netns exec "$ns" "$sim" --name "$name" --socket "$sock" -q &
simpid=$!
for _ in $(seq 100); do
  "$sim" ctl --ctl "$dir/nic.ctl" status >/dev/null 2>&1 && break
  sleep 0.05
done
out=$("$app" -l 0 --no-huge --no-shconf --no-pci -m 256 --log-level lib.eal:error \
      -d "$dir/librte_net_snic.so" --vdev "net_snic0,dev=$sock,representor=vf[0-2]" \
      -- --rule 2>&1) && rc=0 || rc=$?
echo "$out"
[[ $rc -eq 0 ]] && ok "the program ran with the plugin" || bad "the program exited $rc"
n=$(grep -c '^port .* driver=net_snic ' <<<"$out" || true)
[[ $n -eq 4 ]] && ok "it sees 4 net_snic ports (uplink + 3 VF representors)" || bad "it sees $n net_snic ports"
grep -q '^port .* name=net_snic0 driver=net_snic representor=0 switch=net_snic0 ' <<<"$out" \
  && ok "the uplink port is no representor, in switch net_snic0" || bad "uplink port line"
grep -q 'name=net_snic0_representor_vf2 driver=net_snic representor=1 switch=net_snic0 ' <<<"$out" \
  && ok "VF2's representor is there" || bad "VF2 representor line"
grep -q '^rule created on port 0$' <<<"$out" \
  && ok "it installed a transfer rule through rte_flow on the proxy port" || bad "no rule created"
domains=$(grep -o 'domain=[0-9]*' <<<"$out" | sort -u | wc -l)
[[ $domains -eq 1 ]] && ok "all in one switch domain" || bad "$domains switch domains"
# a bad devarg is refused with a message naming it
out=$("$app" -l 0 --no-huge --no-shconf --no-pci -m 256 -d "$dir/librte_net_snic.so" \
      --vdev "net_snic0,dev=$sock,representor=vf9" 2>&1) && rc=0 || rc=$?
grep -q 'representor vf9 does not exist: the NIC at .* has 8 VFs' <<<"$out" \
  && ok "representor=vf9 refused: $(grep -o 'representor vf9[^\n]*' <<<"$out" | head -1)" \
  || { echo "$out"; bad "vf9 not refused with a clear message"; }
# a crashed instance leaves its rule in the NIC; the next one recovers
run_app() {
  "$app" -l 0 --no-huge --no-shconf --no-pci -m 256 --log-level lib.eal:error \
    -d "$dir/librte_net_snic.so" --vdev "net_snic0,dev=$sock,representor=vf[0-2]$1" \
    -- --rule "${@:2}" 2>&1
}
out=$(run_app "" --crash) && rc=0 || rc=$?
[[ $rc -eq 137 ]] && grep -q '^rule created on port 0$' <<<"$out" \
  && ok "an instance installed its rule and was killed (exit $rc)" \
  || { echo "$out"; bad "crash run: exit $rc"; }
out=$(run_app ",flow_recover=refuse") && rc=0 || rc=$?
grep -q 'rte_flow unavailable: the NIC.s root flow table exists already.*flow_recover=flush' <<<"$out" \
  && grep -q '^rule refused on port 0: .*flow_recover=adopt' <<<"$out" \
  && ok "flow_recover=refuse: rte_flow unavailable, saying how to recover" \
  || { echo "$out"; bad "refuse policy"; }
out=$(run_app ",flow_recover=adopt" --crash) && rc=0 || rc=$?
grep -q 'adopted 1 flow rule(s) a previous driver instance left' <<<"$out" \
  && grep -q '^rule created on port 0$' <<<"$out" \
  && ok "flow_recover=adopt: the old rule adopted and re-created (taken over)" \
  || { echo "$out"; bad "adopt policy"; }
out=$(run_app "") && rc=0 || rc=$?
[[ $rc -eq 0 ]] && grep -q 'removed 1 flow rule(s) a previous driver instance left' <<<"$out" \
  && grep -q '^rule created on port 0$' <<<"$out" \
  && ok "default flow_recover=flush: the stale rule removed, a new one installed" \
  || { echo "$out"; bad "flush policy (exit $rc)"; }
out=$(run_app "") && rc=0 || rc=$?
grep -q 'removed .* flow rule' <<<"$out" \
  && { echo "$out"; bad "a cleanly closed instance left rules behind"; } \
  || ok "after a clean exit nothing is left to remove"
out=$(run_app ",flow_recover=sometimes") && rc=0 || rc=$?
grep -q 'flow_recover= takes flush' <<<"$out" && ok "flow_recover=sometimes refused by name" \
  || { echo "$out"; bad "bad flow_recover value"; }
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
