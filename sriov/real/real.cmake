# sriov/real: the real backend of snic-sriov - sysfs (sriov_numvfs, virtfnN,
# driver_override, bind/unbind), devlink (e-switch mode) and rtnetlink
# IFLA_VF_* through libmnl.  See real_internal.h.
#
#   test_sriov_real      unit test: a fake sysfs tree shaped like a ConnectX-6
#                        Dx PF with a fake kernel (inotify thread): open,
#                        enable, list, representors, vfio-pci attach (libvirt
#                        XML parsed with libxml2), detach, errors
#   test_sriov_real_nl   unit test: the rtnetlink and devlink requests decoded
#                        attribute by attribute; against the running kernel in
#                        a network namespace: the kernel's own errors
target_sources(snic_sriov PRIVATE
  ${SNIC_SRIOV_DIR}/real/real_sysfs.c
  ${SNIC_SRIOV_DIR}/real/real_nl.c
  ${SNIC_SRIOV_DIR}/real/real_devlink.c
  ${SNIC_SRIOV_DIR}/real/real_attach.c
  ${SNIC_SRIOV_DIR}/real/real_ops.c)
target_include_directories(snic_sriov PRIVATE ${SNIC_SRIOV_DIR}/real)

pkg_check_modules(LIBXML2 IMPORTED_TARGET libxml-2.0)
if(NOT LIBXML2_FOUND)
  message(FATAL_ERROR "libxml2 (Debian: libxml2-dev) not found: run scripts/setup.sh")
endif()
find_package(Threads REQUIRED)

snic_test(NAME test_sriov_real
          SOURCES ${SNIC_SRIOV_DIR}/tests/test_sriov_real.c
                  ${SNIC_SRIOV_DIR}/tests/test_sriov_real_fake.c
          LIBS snic_sriov PkgConfig::LIBXML2 Threads::Threads LABELS unit TIMEOUT 120)
target_include_directories(test_sriov_real PRIVATE ${SNIC_SRIOV_DIR}/src ${SNIC_SRIOV_DIR}/real)
snic_test(NAME test_sriov_real_nl
          SOURCES ${SNIC_SRIOV_DIR}/tests/test_sriov_real_nl.c
                  ${SNIC_SRIOV_DIR}/tests/test_sriov_real_fake.c
          LIBS snic_sriov Threads::Threads LABELS unit TIMEOUT 120)
target_include_directories(test_sriov_real_nl PRIVATE ${SNIC_SRIOV_DIR}/src ${SNIC_SRIOV_DIR}/real)
