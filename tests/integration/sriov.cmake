# snic-sriov end to end on a simulated NIC (test_sriov_sim.sh): enable VFs,
# MAC/VLAN/spoof check/rate/link enforced by the firmware under real traffic,
# attach to VM namespaces and back, agreement with snicctl show.
if(TARGET snic-sriov AND TARGET snic-offloadd AND TARGET snicctl)
  add_test(NAME test_sriov_sim
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_sriov_sim.sh
                   $<TARGET_FILE:snic-sim> $<TARGET_FILE:snic-sriov>
                   $<TARGET_FILE:snic-offloadd> $<TARGET_FILE:snicctl>)
  set_tests_properties(test_sriov_sim PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
endif()
