# Sections insert and scale (tests/bench/README.md): bench_insert.sh installs
# the same rules file with snicctl add-flows (snic-offloadd over snic-sim, to
# the hardware) and with ovs-ofctl add-flows (an ovs-vswitchd userspace
# bridge it starts privately) and runs bench_rteflow (raw rte_flow_create on
# net_snic); bench_insert.sh --scale grows the hardware rules 1 k -> 1 M.
#
#   bench_rteflow   linked with net_snic the way snic-offloadd is
# The bench-quick test (harness.cmake) runs both sections with --quick.
if(TARGET snic-offloadd AND TARGET snicctl AND TARGET snic-sim)
  add_executable(bench_rteflow ${CMAKE_CURRENT_LIST_DIR}/bench_rteflow.c)
  target_link_libraries(bench_rteflow PRIVATE
    -Wl,--whole-archive snic_pmd -Wl,--no-whole-archive
    snic_flow snic_drv_chan snic_dpdk_sdk ${RTE_BUS_VDEV} ${LIBFDT_LIB})
  set(_bench_build "${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION} ${CMAKE_BUILD_TYPE}")
  if(SNIC_SANITIZE)
    string(APPEND _bench_build " ASan+UBSan (figures not comparable)")
  endif()
  target_compile_definitions(bench_rteflow PRIVATE SNIC_BENCH_BUILD="${_bench_build}")
endif()
