# host-driver/flow: rte_flow -> snic firmware objects (issue 4), without the
# EAL: only rte_flow.h's types and rte_flow_error_set()/rte_flow_conv() from
# librte_ethdev.  See snic_flow.h (the contract) and README.md (semantics).
#
#   snic_flow     static library the PMD's rte_flow ops call
#   test_flow     unit test: the validation matrix, frames through the
#                 in-process firmware, refcounts, rollback, capacity
#   test_flow_recover  unit test: attaching after a crashed owner (refuse,
#                 adopt with orphan takeover, flush)
#   fuzz_flow     registered by tests/fuzz/flow.cmake (snic_fuzz lives there);
#                 its board (small capacities, so every limit is reachable)
#                 is compiled here
set(SNIC_FLOW_DIR ${CMAKE_CURRENT_SOURCE_DIR}/flow)

add_library(snic_flow STATIC
  ${SNIC_FLOW_DIR}/flow_ctx.c
  ${SNIC_FLOW_DIR}/flow_items.c
  ${SNIC_FLOW_DIR}/flow_pattern.c
  ${SNIC_FLOW_DIR}/flow_actions.c
  ${SNIC_FLOW_DIR}/flow_encap.c
  ${SNIC_FLOW_DIR}/flow_objects.c
  ${SNIC_FLOW_DIR}/flow_ops.c
  ${SNIC_FLOW_DIR}/flow_recover.c)
target_include_directories(snic_flow PUBLIC ${SNIC_FLOW_DIR})
# PkgConfig::DPDK is IMPORTED: its include dirs are SYSTEM for consumers.
target_link_libraries(snic_flow PUBLIC snic_fw_hosted PkgConfig::DPDK)
# rte_flow_conv() (item/action names in messages) is experimental in 22.11.
target_compile_definitions(snic_flow PRIVATE ALLOW_EXPERIMENTAL_API)

foreach(t test_flow test_flow_recover)
  snic_test(NAME ${t} SOURCES ${SNIC_FLOW_DIR}/${t}.c
            LIBS snic_flow snic_fw_hosted LABELS unit TIMEOUT 300)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
  target_compile_definitions(${t} PRIVATE
    SNIC_SMALL_BOARD="${PROJECT_BINARY_DIR}/tests/fixtures/small.dtb")
  add_dependencies(${t} snic_board_small)
endforeach()

set(SNIC_FLOW_FUZZ_BOARD_DTB ${PROJECT_BINARY_DIR}/host-driver/flow/fuzz_flow.dtb)
snic_dtb(snic_board_flow_fuzz ${SNIC_FLOW_FUZZ_BOARD_DTB}
         ${SNIC_FLOW_DIR}/fuzz_board.dts)
