# snic-sim on real namespaces, TAPs, a bridge and a kernel VXLAN peer,
# driven through the host-side channel library.
snic_test(NAME test_sim_overlay SOURCES test_sim_overlay.c
          LIBS snic_drv_chan snic_fw_hosted snic_testlib LABELS integration TIMEOUT 300)
target_compile_definitions(test_sim_overlay PRIVATE SNIC_SIM="$<TARGET_FILE:snic-sim>")
add_dependencies(test_sim_overlay snic-sim)
add_test(NAME test_sim_overlay_afpacket COMMAND test_sim_overlay --uplink=afpacket)
set_tests_properties(test_sim_overlay_afpacket PROPERTIES LABELS integration TIMEOUT 300
  ENVIRONMENT "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")

# SR-IOV enable/disable (TAPs follow), VF max_rate under iperf3 TCP and UDP
# (90-110 Mbit/s at 100), link and spoof check: two VM namespaces, legacy mode.
snic_test(NAME test_sim_vf_policy SOURCES test_sim_vf_policy.c
          LIBS snic_drv_chan snic_fw_hosted snic_testlib LABELS integration TIMEOUT 120)
target_compile_definitions(test_sim_vf_policy PRIVATE SNIC_SIM="$<TARGET_FILE:snic-sim>")
add_dependencies(test_sim_vf_policy snic-sim)
