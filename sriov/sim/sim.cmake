# The sim backend: a snic-sim NIC through a command-only attachment of its
# device channel (host-driver's snic_drv_chan) and its control socket.
target_sources(snic_sriov PRIVATE
  ${SNIC_SRIOV_DIR}/sim/sim_nic.c
  ${SNIC_SRIOV_DIR}/sim/sim_attach.c)
target_link_libraries(snic_sriov PUBLIC snic_drv_chan snic_fw_hosted)
