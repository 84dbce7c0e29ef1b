# offload-mgr/store: the offload manager's desired state (ports, tunnel ports,
# rules, settings) in SQLite, one transaction per control request, crash-safe.
# See snic_mgr_store.h (the contract) and README.md.
#
#   snic_mgr_store    static library (links SQLite 3.37+: STRICT tables)
#   test_store        unit test: round trips, refusals, transactions, foreign,
#                     newer, damaged and locked files, disk full, 100 000 rules
#   test_store_crash  unit test: kill -9 at random moments (SNIC_SEED replays);
#                     every reopen sees whole transactions only
set(SNIC_MGR_STORE_DIR ${CMAKE_CURRENT_LIST_DIR})

find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 IMPORTED_TARGET sqlite3>=3.37)
if(NOT SQLITE3_FOUND)
  message(FATAL_ERROR "SQLite 3.37 or later (Debian: libsqlite3-dev) not found: run scripts/setup.sh")
endif()

add_library(snic_mgr_store STATIC
  ${SNIC_MGR_STORE_DIR}/store_db.c
  ${SNIC_MGR_STORE_DIR}/store_open.c
  ${SNIC_MGR_STORE_DIR}/store_write.c
  ${SNIC_MGR_STORE_DIR}/store_load.c)
target_include_directories(snic_mgr_store PUBLIC ${SNIC_MGR_STORE_DIR})
target_link_libraries(snic_mgr_store PUBLIC PkgConfig::SQLITE3)

snic_test(NAME test_store SOURCES ${SNIC_MGR_STORE_DIR}/test_store.c
          LIBS snic_mgr_store LABELS unit TIMEOUT 120)
# snic_fw_hosted for tests/lib/snic_test_fw.h's seeded random generator
snic_test(NAME test_store_crash SOURCES ${SNIC_MGR_STORE_DIR}/test_store_crash.c
          LIBS snic_mgr_store snic_fw_hosted LABELS unit TIMEOUT 120)
