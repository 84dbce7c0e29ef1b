# Firmware unit tests (nic-fw): board, commands, steering model, pipeline.
set(SNIC_SMALL_BOARD_DTB ${PROJECT_BINARY_DIR}/tests/fixtures/small.dtb)
snic_dtb(snic_board_small ${SNIC_SMALL_BOARD_DTB}
         ${PROJECT_SOURCE_DIR}/tests/fixtures/boards/small.dts)
set(SNIC_TINY_BOARD_DTB ${PROJECT_BINARY_DIR}/tests/fixtures/tiny.dtb)
snic_dtb(snic_board_tiny ${SNIC_TINY_BOARD_DTB}
         ${PROJECT_SOURCE_DIR}/tests/fixtures/boards/tiny.dts)

foreach(t test_fw_model test_fw_cmds test_fw_board test_fw_pipeline test_fw_recover
          test_fw_sriov)
  snic_test(NAME ${t} SOURCES ${t}.c LIBS snic_fw_hosted LABELS unit)
  target_compile_definitions(${t} PRIVATE
    SNIC_SMALL_BOARD="${SNIC_SMALL_BOARD_DTB}"
    SNIC_TINY_BOARD="${SNIC_TINY_BOARD_DTB}"
    SNIC_DEFAULT_BOARD="${SNIC_DEFAULT_BOARD_DTB}"
    SNIC_DTC="${DTC}")
  add_dependencies(${t} snic_board_small snic_board_tiny snic_board_default)
endforeach()
