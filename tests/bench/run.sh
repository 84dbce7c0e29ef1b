#!/usr/bin/env bash
# tests/bench/run.sh - the benchmark harness (tests/bench/README.md): runs
# each section's part against a built tree, collects their rows, prints the
# table (metric, snic, reference, ratio, conditions) and writes the JSON.
# scripts/bench.sh is the command people run (it sets up and builds first);
# the bench-quick test runs this with --quick over the CI build.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
all_sections=(cls pkt insert scale e2e first)

usage() {
  cat <<USAGE
usage: tests/bench/run.sh --build DIR [--quick] [--only S[,S...]] [--json FILE]

Runs the benchmark sections over the binaries of build tree DIR and prints
one table; each row is snic's figure next to a reference measured in the
same run, with the ratio.  Sections: ${all_sections[*]}
(what each measures: tests/bench/README.md).

  --build DIR     the CMake build tree to take the binaries from (required)
  --quick         small sizes, short runs: checks the harness, not speed
  --only S,...    run only these sections (default: all)
  --json FILE     where the JSON document goes (default:
                  bench-results.json in the current directory)
  -h, --help      this text

Exit status: 0 when every section ran and produced all of its rows
(tests/bench/rows.txt), 1 when one did not (named on stderr), 2 on bad
arguments.  Needs root (namespaces, TAPs).
USAGE
}

die() { echo "bench: $*" >&2; exit 2; }

build="" quick=0 only="" json=bench-results.json
while [[ $# -gt 0 ]]; do
  case $1 in
    --build)   [[ $# -ge 2 ]] || die "--build needs a directory"; build=$2; shift 2 ;;
    --build=*) build=${1#--build=}; shift ;;
    --quick)   quick=1; shift ;;
    --only)    [[ $# -ge 2 ]] || die "--only needs a section list"; only=$2; shift 2 ;;
    --only=*)  only=${1#--only=}; shift ;;
    --json)    [[ $# -ge 2 ]] || die "--json needs a file name"; json=$2; shift 2 ;;
    --json=*)  json=${1#--json=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *)         echo "bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n $build ]] || { usage >&2; die "--build DIR is required"; }
[[ -f $build/CMakeCache.txt ]] || die "$build is not a CMake build tree (build it first, or run scripts/bench.sh)"
build=$(cd -- "$build" && pwd)
((EUID == 0)) || die "needs root (network namespaces, TAPs)"
command -v python3 >/dev/null || die "python3 missing: run scripts/setup.sh"

sections=()
if [[ -n $only ]]; then
  IFS=, read -r -a want <<<"$only"
  for s in "${want[@]}"; do
    [[ " ${all_sections[*]} " == *" $s "* ]] || die "unknown section '$s' (sections: ${all_sections[*]})"
    sections+=("$s")
  done
else
  sections=("${all_sections[@]}")
fi

work=$(mktemp -d /run/snic-bench.XXXXXX)
trap 'rm -rf -- "$work"' EXIT
rows=$work/rows.jsonl
: >"$rows"
q=()
((quick)) && q=(--quick)

# part SECTION: the command line of the part that produces SECTION's rows
part() {
  case $1 in
    cls|pkt) echo "$build/tests/bench/bench_cls --section $1" ;;
    insert)  echo "bash $here/bench_insert.sh --build $build" ;;
    scale)   echo "bash $here/bench_insert.sh --build $build --scale" ;;
    e2e|first) echo "bash $here/bench_e2e.sh --build $build --section $1" ;;
  esac
}

failed=()
for s in "${sections[@]}"; do
  printf '\n==> bench %s%s\n' "$s" "$( ((quick)) && echo ' (--quick)')"
  # shellcheck disable=SC2046
  start=$SECONDS
  if ! $(part "$s") "${q[@]}" --out "$rows"; then
    echo "bench: section $s failed (its output above says why)" >&2
    failed+=("$s")
  fi
  echo "(section $s: $((SECONDS - start)) s)"
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
meta=$(python3 -c 'import json, sys; print(json.dumps(dict(zip(
  ["date", "host", "cpu", "cpus", "kernel", "build", "build_type", "quick", "git"], sys.argv[1:]))))' \
  "$(date -u +%FT%TZ)" "$(hostname)" "$cpu" "$(nproc)" "$(uname -r)" "$build" \
  "$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")" "$quick" \
  "$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)")
printf '\n==> results\n'
rc=0
python3 "$here/report.py" "$rows" "$here/rows.txt" "$(IFS=,; echo "${sections[*]}")" "$json" "$meta" || rc=1
if ((${#failed[@]})); then
  echo "bench: sections that failed: ${failed[*]}" >&2
  rc=1
fi
exit $rc
