# fuzz_ctl: snic-offloadd's control protocol (offload-mgr/ctl), server side,
# on arbitrary request lines against the stub backend; response invariants.
if(TARGET snic_mgr_ctl_stub)
  snic_fuzz(fuzz_ctl fuzz_ctl.c)
  target_link_libraries(fuzz_ctl PRIVATE snic_mgr_ctl_stub)
endif()
