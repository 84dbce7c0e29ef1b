# bench-quick: the benchmark harness (tests/bench/run.sh) with --quick over
# this build tree, every section.  It asserts only that every row of
# tests/bench/rows.txt was produced and well formed (figures from a quick,
# sanitized run mean nothing); it keeps the harness and its references (rte_acl,
# ovs-vswitchd, the kernel topology) from rotting.  Needs root.
add_test(NAME bench-quick
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run.sh --build ${PROJECT_BINARY_DIR}
          --quick --json ${CMAKE_CURRENT_BINARY_DIR}/bench-quick.json)
set_tests_properties(bench-quick PROPERTIES LABELS integration TIMEOUT 300
  RUN_SERIAL TRUE
  ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
