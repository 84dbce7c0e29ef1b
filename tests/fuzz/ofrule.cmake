# fuzz_ofrule: the OpenFlow rule language (offload-mgr/ofrule) on arbitrary
# text, one rule and a rules file; round trip and refusal invariants.
if(TARGET snic_ofrule)
  snic_fuzz(fuzz_ofrule fuzz_ofrule.c)
  target_link_libraries(fuzz_ofrule PRIVATE snic_ofrule)
endif()
