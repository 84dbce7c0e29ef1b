# fuzz_flow: rte_flow translation (host-driver/flow) with random rules.
# The source and its board live in host-driver/flow/ (flow.cmake there builds
# the library snic_flow and compiles the board); snic_fuzz() is defined here.
if(TARGET snic_flow)
  snic_fuzz(fuzz_flow ${PROJECT_SOURCE_DIR}/host-driver/flow/fuzz_flow.c)
  target_link_libraries(fuzz_flow PRIVATE snic_flow)
  target_compile_definitions(fuzz_flow PRIVATE
    SNIC_FLOW_FUZZ_BOARD="${PROJECT_BINARY_DIR}/host-driver/flow/fuzz_flow.dtb")
  add_dependencies(fuzz_flow snic_board_flow_fuzz)
endif()
