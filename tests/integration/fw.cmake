# Firmware output judged by external tools (tshark).
snic_test(NAME test_fw_encap_tshark SOURCES test_fw_encap_tshark.c
          LIBS snic_fw_hosted snic_testlib LABELS integration)
target_include_directories(test_fw_encap_tshark PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_compile_definitions(test_fw_encap_tshark PRIVATE
  SNIC_SMALL_BOARD="${PROJECT_BINARY_DIR}/tests/fixtures/small.dtb")
add_dependencies(test_fw_encap_tshark snic_board_small)
