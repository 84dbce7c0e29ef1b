# host-driver/ibv: discovery of real RDMA/ConnectX devices through
# rdma-core's libibverbs and sysfs (issue 4; contract: ibv/snic_ibv.h).
#
#   snic_ibv       static library: snic_ibv_discover(), table/JSON output;
#                  the libibverbs calls sit behind struct snic_ibv_ops
#   snic-devices   the CLI (snicctl devices will call the library)
#   test_ibv       ctest (unit): a fake ConnectX-6 Dx sysfs tree + a fake
#                  verbs backend, malformed sysfs, the real backend, the CLI
#
# Needs libibverbs-dev (headers, pkg-config file); at run time libibverbs1,
# and for real devices ibverbs-providers (libmlx5) and rdma-core.

set(_ibv_dir ${CMAKE_CURRENT_LIST_DIR})

find_package(PkgConfig REQUIRED)
pkg_check_modules(IBVERBS IMPORTED_TARGET libibverbs)
if(IBVERBS_FOUND)
  set(_ibv_link PkgConfig::IBVERBS)
else()
  find_path(IBVERBS_INCLUDE infiniband/verbs.h)
  find_library(IBVERBS_LIB ibverbs)
  if(NOT IBVERBS_INCLUDE OR NOT IBVERBS_LIB)
    message(FATAL_ERROR "libibverbs (Debian: libibverbs-dev) not found: run scripts/setup.sh")
  endif()
  add_library(snic_ibverbs INTERFACE)
  target_include_directories(snic_ibverbs SYSTEM INTERFACE ${IBVERBS_INCLUDE})
  target_link_libraries(snic_ibverbs INTERFACE ${IBVERBS_LIB})
  set(_ibv_link snic_ibverbs)
endif()

add_library(snic_ibv STATIC
  ${_ibv_dir}/ibv_discover.c ${_ibv_dir}/ibv_format.c ${_ibv_dir}/ibv_verbs.c)
target_include_directories(snic_ibv PUBLIC ${_ibv_dir})
target_link_libraries(snic_ibv PRIVATE ${_ibv_link})

add_executable(snic-devices ${_ibv_dir}/snic_devices.c)
target_link_libraries(snic-devices PRIVATE snic_ibv)

snic_test(NAME test_ibv SOURCES ${_ibv_dir}/test_ibv.c
          LIBS snic_ibv LABELS unit TIMEOUT 60)
target_compile_definitions(test_ibv PRIVATE
  SNIC_DEVICES_BIN="$<TARGET_FILE:snic-devices>")
add_dependencies(test_ibv snic-devices)
