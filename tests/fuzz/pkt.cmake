# Packet parser and actions (nic-fw/src/pkt_*.c) on arbitrary frames.
snic_fuzz(fuzz_pkt fuzz_pkt.c)
