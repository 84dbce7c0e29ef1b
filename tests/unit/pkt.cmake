# Packet library (nic-fw/src/pkt_*.c): parsing, header rewrites, checksums.
snic_test(NAME test_pkt_parse SOURCES test_pkt_parse.c
          LIBS snic_fw_pkt LABELS unit)
snic_test(NAME test_pkt_actions SOURCES test_pkt_actions.c
          LIBS snic_fw_pkt LABELS unit)
