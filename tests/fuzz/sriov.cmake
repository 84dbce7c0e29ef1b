# fuzz_sriov: what snic-sriov parses from outside (rtnetlink VF tables and
# acks, snic-sim's status text, MACs and VF settings).
if(TARGET snic_sriov)
  snic_fuzz(fuzz_sriov fuzz_sriov.c)
  target_link_libraries(fuzz_sriov PRIVATE snic_sriov)
  target_include_directories(fuzz_sriov PRIVATE ${PROJECT_SOURCE_DIR}/sriov/src
    ${PROJECT_SOURCE_DIR}/sriov/real ${PROJECT_SOURCE_DIR}/sriov/sim)
endif()
