# offload-mgr/mgr: the manager's state and requests (snic_mgr.h): ports,
# tunnels, settings, rules, the store, the planner; no DPDK EAL.
#
#   snic_mgr     static library
#   test_mgr     unit test: requests over the in-process firmware (the real
#                rte_flow code), atomic batches, filters, mod/replace, tunnels,
#                persistence across restarts, timeouts
set(SNIC_MGR_DIR ${CMAKE_CURRENT_LIST_DIR})
add_library(snic_mgr STATIC ${SNIC_MGR_DIR}/mgr.c ${SNIC_MGR_DIR}/mgr_index.c
  ${SNIC_MGR_DIR}/mgr_rules.c
  ${SNIC_MGR_DIR}/mgr_dump.c ${SNIC_MGR_DIR}/mgr_plan.c
  ${SNIC_MGR_DIR}/mgr_neigh.c)
target_include_directories(snic_mgr PUBLIC ${SNIC_MGR_DIR})
target_link_libraries(snic_mgr PUBLIC snic_mgr_core snic_mgr_store snic_mgr_swdp snic_ofrule)

snic_test(NAME test_mgr SOURCES ${SNIC_MGR_DIR}/test_mgr.c
          LIBS snic_mgr snic_flow snic_fw_hosted LABELS unit)
target_include_directories(test_mgr PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit
                           ${PROJECT_SOURCE_DIR}/offload-mgr/core)
target_compile_definitions(test_mgr PRIVATE
  SNIC_SMALL_BOARD="${PROJECT_BINARY_DIR}/tests/fixtures/small.dtb")
add_dependencies(test_mgr snic_board_small)
