# snic-offloadd over snic-sim, driven by snicctl, with VMs in namespaces
# (test_offloadd.sh: hardware rules moving traffic, a refused rule in
# software, kill -9 in the middle of a 10 000-rule add-flows).
if(TARGET snic-offloadd AND TARGET snicctl)
  add_test(NAME test_offloadd
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_offloadd.sh
                   $<TARGET_FILE:snic-sim> $<TARGET_FILE:snic-offloadd>
                   $<TARGET_FILE:snicctl>)
  set_tests_properties(test_offloadd PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
  # three snic-topo hosts with a manager each: the tenants' overlay, BUM
  # replication, isolation, iperf3 (test_overlay.sh)
  add_test(NAME test_overlay
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_overlay.sh
                   $<TARGET_FILE:snic-sim> $<TARGET_FILE:snic-offloadd>
                   $<TARGET_FILE:snicctl> ${PROJECT_SOURCE_DIR}/sim/snic-topo)
  set_tests_properties(test_overlay PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
endif()
