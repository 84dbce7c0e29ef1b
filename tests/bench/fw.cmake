# bench_fw: the firmware packet path (parse + lookup + VXLAN encap) on one
# core, on the default board.  Run by hand (Release build) for figures; the
# bench_fw-smoke test only runs --quick so the harness keeps working.
add_executable(bench_fw bench_fw.c)
target_link_libraries(bench_fw PRIVATE snic_fw_hosted)
target_include_directories(bench_fw PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_compile_definitions(bench_fw PRIVATE
  SNIC_DEFAULT_BOARD="${SNIC_DEFAULT_BOARD_DTB}")
add_dependencies(bench_fw snic_board_default)

add_test(NAME bench_fw-smoke COMMAND bench_fw --quick)
set_tests_properties(bench_fw-smoke PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "SNIC_BUILD_DIR=${PROJECT_BINARY_DIR};SNIC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
