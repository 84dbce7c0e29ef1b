# Packet library against the Linux kernel's VXLAN (root: namespaces, veth).
snic_test(NAME test_kernel_vxlan_decap SOURCES test_kernel_vxlan_decap.c
          LIBS snic_fw_pkt snic_testlib LABELS integration TIMEOUT 120)
