# offload-mgr/core: the offload planner's translation (issue 5):
# struct snic_of_rule -> rte_flow transfer rules (snic_mgr_xlate.h), testpmd
# syntax for dump-hw.  Uses rte_flow.h's types only, no EAL.
#
#   snic_mgr_core   static library
#   test_plan       planner: overlaps a wrong planner would misroute, frames
#                   through the firmware, capacity, replacement, table-miss
#   test_golden     differential: random rule sets and frames, software
#                   datapath alone == NIC + planner + software behind it
#   test_xlate      golden translation: rule text -> testpmd lines, each
#                   validated by host-driver/flow over the in-process firmware
set(SNIC_MGR_CORE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/core)
add_library(snic_mgr_core STATIC
  ${SNIC_MGR_CORE_DIR}/xlate_match.c
  ${SNIC_MGR_CORE_DIR}/xlate_actions.c
  ${SNIC_MGR_CORE_DIR}/xlate_testpmd.c
  ${SNIC_MGR_CORE_DIR}/plan.c
  ${SNIC_MGR_CORE_DIR}/plan_decide.c
  ${SNIC_MGR_CORE_DIR}/plan_apply.c)
target_include_directories(snic_mgr_core PUBLIC ${SNIC_MGR_CORE_DIR})
target_link_libraries(snic_mgr_core PUBLIC snic_ofrule PkgConfig::DPDK)

foreach(t test_xlate test_plan test_golden)
  snic_test(NAME ${t} SOURCES ${SNIC_MGR_CORE_DIR}/${t}.c
            LIBS snic_mgr_core snic_flow snic_fw_hosted LABELS unit)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
  target_compile_definitions(${t} PRIVATE
    SNIC_SMALL_BOARD="${PROJECT_BINARY_DIR}/tests/fixtures/small.dtb"
    SNIC_GOLDEN="${SNIC_MGR_CORE_DIR}/xlate_golden.txt")
  add_dependencies(${t} snic_board_small)
endforeach()

target_link_libraries(test_golden PRIVATE snic_mgr_swdp)
