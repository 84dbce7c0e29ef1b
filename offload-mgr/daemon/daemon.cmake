# offload-mgr/daemon: snic-offloadd (offloadd.h): the EAL and net_snic (linked
# in), the manager, the control socket, the loop.
set(SNIC_OFFLOADD_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(snic-offloadd
  ${SNIC_OFFLOADD_DIR}/main.c
  ${SNIC_OFFLOADD_DIR}/backend.c
  ${SNIC_OFFLOADD_DIR}/hw_rteflow.c
  ${SNIC_OFFLOADD_DIR}/dataplane.c)
target_include_directories(snic-offloadd PRIVATE ${SNIC_OFFLOADD_DIR})
target_link_libraries(snic-offloadd PRIVATE snic_mgr snic_mgr_ctl
  -Wl,--whole-archive snic_pmd -Wl,--no-whole-archive
  snic_flow snic_drv_chan snic_dpdk_sdk ${RTE_BUS_VDEV} ${LIBFDT_LIB})
