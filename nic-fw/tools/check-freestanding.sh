#!/bin/sh
# check-freestanding.sh LIB.a... - fail if the firmware core needs any symbol
# from outside itself other than libfdt's and the few compiler-support
# string functions a freestanding C compiler may emit calls to.
# (Sanitizer and coverage runtime hooks are allowed in instrumented builds.)
set -eu
allowed='^(fdt_[a-z0-9_]+|memcpy|memmove|memset|memcmp|memchr|strlen|strnlen|strcmp|strncmp|strrchr|__stack_chk_fail|__asan_.*|__ubsan_.*|__sanitizer_.*|__sancov_.*|__start___sancov_.*|__stop___sancov_.*)$'
undef=$(nm -u --format=posix "$@" 2>/dev/null | awk 'NF > 1 {print $1}' | sort -u)
defined=$(nm --defined-only --format=posix "$@" 2>/dev/null | awk '$2 ~ /[TDBRC]/ {print $1}' | sort -u)
bad=""
for s in $undef; do
  if printf '%s\n' "$defined" | grep -qx -- "$s"; then continue; fi
  if printf '%s\n' "$s" | grep -Eq "$allowed"; then continue; fi
  bad="$bad $s"
done
if [ -n "$bad" ]; then
  echo "FAIL: the firmware core calls outside itself:$bad" >&2
  echo "      (the core must reach the world only through snic_fw_hal.h)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
n=$(printf '%s\n' "$undef" | grep -c . || true)
echo "firmware core is freestanding: $n external references, all allowed"
echo "1 passed, 0 failed"
