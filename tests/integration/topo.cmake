# snic-topo (sim/snic-topo): whole simulated clouds in network namespaces,
# one ctest per case of test_topo.sh (root).  Each case uses its own
# prefix (with the test's pid), so they may run in parallel.
if(TARGET snic-sim)
  foreach(case loop failed_up ping idle_cpu validate kill9)
    add_test(NAME topo_${case}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_topo.sh ${case}
                     $<TARGET_FILE:snic-sim> ${PROJECT_SOURCE_DIR}/sim/snic-topo)
    set_tests_properties(topo_${case} PROPERTIES LABELS integration TIMEOUT 300
      ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
  endforeach()
endif()
