# offload-mgr/swdp: the software datapath of snic-offloadd (OpenFlow rules
# on raw frames, OVS semantics, the firmware's packet library for every
# parse and rewrite; tuple-space classifier, megaflow cache + EMC).
# snic_mgr_swdp.h is the contract.  No DPDK at run time: it includes
# snic_mgr_xlate.h (the port model), which needs DPDK's headers only.
#
#   snic_mgr_swdp     static library
#   test_swdp         unit test: table-driven OpenFlow semantics, frames
#                     checked byte for byte against independently built ones
#   test_swdp_cache   unit test: random rules/packets (SNIC_SEED replays),
#                     caches on == caches off, classifier == linear scan
#   test_swdp_cls     unit test: random rule sets, inserts and removes;
#                     classifier (prefix tries) == brute-force scan, its
#                     wildcards sound, the tries' shape (SNIC_SEED replays)
#   bench_swdp        benchmark (run by hand, Release); bench_swdp-smoke
#                     runs --quick under the unit label
set(SNIC_MGR_SWDP_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(snic_mgr_swdp STATIC
  ${SNIC_MGR_SWDP_DIR}/swdp.c
  ${SNIC_MGR_SWDP_DIR}/swdp_key.c
  ${SNIC_MGR_SWDP_DIR}/swdp_cls.c
  ${SNIC_MGR_SWDP_DIR}/swdp_trie.c
  ${SNIC_MGR_SWDP_DIR}/swdp_xlate.c
  ${SNIC_MGR_SWDP_DIR}/swdp_cache.c
  ${SNIC_MGR_SWDP_DIR}/swdp_exec.c)
target_include_directories(snic_mgr_swdp PUBLIC ${SNIC_MGR_SWDP_DIR}
  ${PROJECT_SOURCE_DIR}/offload-mgr/core)
# DPDK's headers (rte_flow.h, for snic_mgr_xlate.h's types), not its libraries
target_include_directories(snic_mgr_swdp SYSTEM PUBLIC
  $<TARGET_PROPERTY:PkgConfig::DPDK,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_options(snic_mgr_swdp PUBLIC
  $<TARGET_PROPERTY:PkgConfig::DPDK,INTERFACE_COMPILE_OPTIONS>)
target_link_libraries(snic_mgr_swdp PUBLIC snic_ofrule snic_fw_hosted)

foreach(t test_swdp test_swdp_cache test_swdp_cls)
  snic_test(NAME ${t} SOURCES ${SNIC_MGR_SWDP_DIR}/${t}.c
            LIBS snic_mgr_swdp LABELS unit TIMEOUT 300)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
endforeach()

add_executable(bench_swdp ${SNIC_MGR_SWDP_DIR}/bench_swdp.c)
target_link_libraries(bench_swdp PRIVATE snic_mgr_swdp)
target_include_directories(bench_swdp PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
add_test(NAME bench_swdp-smoke COMMAND bench_swdp --quick)
set_tests_properties(bench_swdp-smoke PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "SNIC_BUILD_DIR=${PROJECT_BINARY_DIR};SNIC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
