# Build options and helpers shared by every folder.
#
#   -DSNIC_SANITIZE=ON   ASan + UBSan on everything (what CI uses)
#   -DSNIC_FUZZ=ON       libFuzzer targets (needs clang); otherwise the fuzz
#                        targets are built with a replay driver and still run
#                        their seed corpus under the fuzz-smoke label
option(SNIC_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(SNIC_FUZZ "Build fuzz targets with libFuzzer (clang only)" OFF)

add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
                    -Wmissing-prototypes -Wno-unused-parameter)

if(SNIC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(SNIC_FUZZ AND NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SNIC_FUZZ=ON needs clang: configure with CC=clang")
endif()
if(SNIC_FUZZ)
  # Coverage instrumentation everywhere, so libFuzzer sees into the
  # libraries a fuzz target calls, not just the target's own file.
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()

find_program(DTC dtc)
if(NOT DTC)
  message(FATAL_ERROR "dtc (device-tree-compiler) not found: run scripts/setup.sh")
endif()
find_path(LIBFDT_INCLUDE libfdt.h)
find_library(LIBFDT_LIB NAMES libfdt.a fdt)
if(NOT LIBFDT_INCLUDE OR NOT LIBFDT_LIB)
  message(FATAL_ERROR "libfdt not found (Debian: libfdt-dev): run scripts/setup.sh")
endif()

# snic_dtb(<target> <out.dtb> <in.dts>): compile a board description.
function(snic_dtb target out in)
  get_filename_component(dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${DTC} -q -I dts -O dtb -o ${out} ${in}
    DEPENDS ${in}
    COMMENT "dtc ${in}")
  add_custom_target(${target} ALL DEPENDS ${out})
endfunction()

# snic_test(NAME name SOURCES ... LIBS ... LABELS ... [ARGS ...] [TIMEOUT s])
function(snic_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/lib)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "SNIC_BUILD_DIR=${PROJECT_BINARY_DIR};SNIC_SOURCE_DIR=${PROJECT_SOURCE_DIR};UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1;ASAN_OPTIONS=detect_leaks=1:abort_on_error=1")
endfunction()
