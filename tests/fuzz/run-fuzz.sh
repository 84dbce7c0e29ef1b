#!/bin/sh
# run-fuzz.sh FUZZER CORPUS SECONDS WORKDIR - fuzz briefly from the seed
# corpus (never writing into the source tree); non-zero on any crash, leak or
# sanitizer report, with the reproducer left in WORKDIR.
set -eu
bin=$1 corpus=$2 secs=$3 work=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
if [ -d "$corpus" ]; then cp "$corpus"/* "$work/corpus/" 2>/dev/null || true; fi
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
     -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1; then
  grep -E 'stat::number_of_executed_units|stat::new_units_added' "$work/log" || true
  echo "1 passed, 0 failed"
else
  tail -n 60 "$work/log"
  echo "reproducer(s): $(ls "$work/artifacts" 2>/dev/null | tr '\n' ' ')"
  echo "0 passed, 1 failed"
  exit 1
fi
