# net_snic, built two ways:
#  snic_pmd         a static library the project's programs link whole (the
#                   driver registers itself from a constructor)
#  rte_net_snic     the plugin: librte_net_snic.so, for any DPDK program
#                   (built against Debian's DPDK) to load with -d
set(SNIC_PMD_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/pmd/pmd_probe.c
  ${CMAKE_CURRENT_SOURCE_DIR}/pmd/pmd_ethdev.c
  ${CMAKE_CURRENT_SOURCE_DIR}/pmd/pmd_intr.c
  ${CMAKE_CURRENT_SOURCE_DIR}/pmd/pmd_flow.c)
# the vdev bus is a driver library, not in libdpdk.pc's public Libs
find_library(RTE_BUS_VDEV NAMES rte_bus_vdev)
if(NOT RTE_BUS_VDEV)
  message(FATAL_ERROR "librte_bus_vdev not found (Debian: librte-bus-vdev23): run scripts/setup.sh")
endif()

add_library(snic_pmd STATIC ${SNIC_PMD_SOURCES})
target_include_directories(snic_pmd PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/pmd)
target_link_libraries(snic_pmd PUBLIC snic_flow snic_drv_chan snic_dpdk_sdk ${RTE_BUS_VDEV} ${LIBFDT_LIB})

add_library(rte_net_snic MODULE ${SNIC_PMD_SOURCES})
target_include_directories(rte_net_snic PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/pmd)
target_link_libraries(rte_net_snic PRIVATE snic_flow snic_drv_chan snic_dpdk_sdk ${RTE_BUS_VDEV})
set_target_properties(rte_net_snic PROPERTIES PREFIX "lib" OUTPUT_NAME rte_net_snic)

# The PMD's tests: the real EAL over a real snic-sim (tests/pmd_test.h).
# test_pmd_intr: rx interrupts through DPDK's rx-interrupt API.
foreach(_t test_pmd test_pmd_intr)
  snic_test(NAME ${_t} SOURCES tests/${_t}.c
            LIBS snic_testlib snic_pcap LABELS integration TIMEOUT 300)
  target_link_libraries(${_t} PRIVATE -Wl,--whole-archive snic_pmd -Wl,--no-whole-archive
                        snic_flow snic_drv_chan snic_dpdk_sdk ${RTE_BUS_VDEV} ${LIBFDT_LIB})
  target_compile_definitions(${_t} PRIVATE SNIC_SIM="$<TARGET_FILE:snic-sim>")
  add_dependencies(${_t} snic-sim)
endforeach()

# A minimal DPDK program with no compile-time knowledge of net_snic: it links
# only libdpdk; the test loads the plugin into it with -d.
add_executable(dpdk_plugin_app tests/plugin_app.c)
target_link_libraries(dpdk_plugin_app PRIVATE PkgConfig::DPDK)
target_compile_definitions(dpdk_plugin_app PRIVATE ALLOW_EXPERIMENTAL_API)
add_test(NAME test_pmd_plugin COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/test_pmd_plugin.sh
         $<TARGET_FILE:dpdk_plugin_app> $<TARGET_FILE:rte_net_snic> $<TARGET_FILE:snic-sim>)
set_tests_properties(test_pmd_plugin PROPERTIES LABELS integration TIMEOUT 120)
