# Firmware fuzz targets: the command decoder (fuzz_cmd) and the board
# description parser + boot (fuzz_board).  See the comment at the top of each.
set(SNIC_FUZZ_SMALL_BOARD_DTB ${PROJECT_BINARY_DIR}/tests/fixtures/small.dtb)

snic_fuzz(fuzz_cmd fuzz_cmd.c)
target_include_directories(fuzz_cmd PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_compile_definitions(fuzz_cmd PRIVATE
  SNIC_FUZZ_SMALL_BOARD="${SNIC_FUZZ_SMALL_BOARD_DTB}")
if(TARGET snic_board_small)
  add_dependencies(fuzz_cmd snic_board_small)
endif()

snic_fuzz(fuzz_board fuzz_board.c)
