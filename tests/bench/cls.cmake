# bench_cls: sections cls and pkt of the benchmark suite (README.md here):
# the software datapath's classifier vs DPDK rte_acl on ClassBench-style
# rule sets and traces, and the whole software packet path vs the 10 GbE
# 64-byte budget.  Run by scripts/bench.sh (Release build) for figures; the
# bench_cls-smoke test only runs --quick, then checks that every row id was
# written, so the harness keeps working.
find_package(PkgConfig REQUIRED)
pkg_check_modules(BENCH_CLS_JANSSON IMPORTED_TARGET jansson)
if(NOT BENCH_CLS_JANSSON_FOUND)
  message(FATAL_ERROR "jansson (pkg-config jansson; Debian: libjansson-dev) not found: run scripts/setup.sh")
endif()

add_executable(bench_cls
  bench_cls.c bench_cls_run.c bench_cls_gen.c bench_cls_snic.c bench_cls_acl.c)
# snic_mgr_swdp brings DPDK's headers and compile options; rte_acl and the
# EAL are DPDK libraries (libdpdk from pkg-config)
target_link_libraries(bench_cls PRIVATE snic_mgr_swdp PkgConfig::DPDK
  PkgConfig::BENCH_CLS_JANSSON m)
target_include_directories(bench_cls PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
if(SNIC_SANITIZE)
  set(_bench_cls_san " + ASan/UBSan")
else()
  set(_bench_cls_san "")
endif()
target_compile_definitions(bench_cls PRIVATE
  BENCH_CLS_BUILD="${CMAKE_BUILD_TYPE} build, ${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}${_bench_cls_san}")

set(_bench_cls_rows ${CMAKE_CURRENT_BINARY_DIR}/bench_cls-smoke.jsonl)
add_test(NAME bench_cls-smoke
  COMMAND sh -c "rm -f \"$1\" && exec \"$0\" --quick --out \"$1\" --check"
          $<TARGET_FILE:bench_cls> ${_bench_cls_rows})
set_tests_properties(bench_cls-smoke PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "SNIC_BUILD_DIR=${PROJECT_BINARY_DIR};SNIC_SOURCE_DIR=${PROJECT_SOURCE_DIR};UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
