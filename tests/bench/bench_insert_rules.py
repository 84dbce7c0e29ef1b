#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench_insert_rules.py - the rule files of the insert and scale benchmarks.

One endless, deterministic sequence of OpenFlow rules in ovs-ofctl syntax,
the kind a cloud host's controller gives its switch for the VMs on its 8 VFs
(vf0..vf7) and its uplink; every rule is one that snic-offloadd puts in
hardware, and every line is also one that `ovs-ofctl add-flows` takes on a
bridge whose ports have the same names (uplink = OpenFlow port 1, vfN =
2 + N, as snic numbers them).  Six kinds of rules (five match masks),
interleaved in the file the way they come from a controller (out of every
20 rules):

   8  VM -> outside: TCP 5-tuple allow     prio 300  output:uplink
   4  VM -> VM: UDP 5-tuple (east-west)    prio 300  output:vfM
   3  VM ACL: deny TCP to an address:port  prio 400  drop
   2  outside -> VM: IPv4 /32 delivery     prio 200  output:vfK
   1  outside -> VM, routed: IPv4 /32      prio 250  mod_dl_dst + output:vfK
   2  VM -> a routed /24                   prio 100  output:uplink

Rules with a header rewrite stay at 1 in 20: the NIC has 65 536 rewrite
lists (board max-modify) and net_snic takes one per rule that rewrites, so
at 1 M rules a larger share would not fit in hardware.

No two rules have the same match and priority (snic refuses that, OVS would
silently replace one); the first N rules of the sequence are the same
whatever is asked for, so a 1 k file is the start of a 1 M one.

usage: bench_insert_rules.py N OUT   (the first N rules into OUT)
"""
import sys

VFS = 8
SHAPES = [0] * 8 + [1] * 4 + [2] * 3 + [3] * 2 + [5] + [4] * 2
# per-VM index limits of each shape (its addresses run out beyond them: at
# least 1.3 M rules in all)
LIMIT = [65535, 65535, 131071, 65535, 16384, 65535]


def ip(a, n):
    """a.(n >> 16).(n >> 8).n for n < 2^24 (a is the first octet)."""
    return "%d.%d.%d.%d" % (a, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def rule(shape, j):
    """The j-th rule of a shape."""
    k, n = j % VFS, j // VFS           # the VM (VF) and its own index
    if n >= LIMIT[shape]:
        sys.exit("bench_insert_rules.py: more rules than the address plan "
                 "holds (shape %d, VM %d, index %d): ask for fewer" % (shape, k, n))
    if shape == 0:
        return ("priority=300,in_port=vf%d,tcp,nw_src=%s,nw_dst=%s,tp_src=%d,"
                "tp_dst=%d,actions=output:uplink" %
                (k, ip(10, (k << 16) | (n + 1)), ip(100, (n * 2654435761) & 0xffffff | 1),
                 1024 + (n * 7919) % 64000, (443, 80, 8443, 5432, 6379)[n % 5]))
    if shape == 1:
        m = (k + 1 + n % (VFS - 1)) % VFS
        return ("priority=300,in_port=vf%d,udp,nw_src=%s,nw_dst=%s,tp_src=%d,"
                "tp_dst=%d,actions=output:vf%d" %
                (k, ip(10, (k << 16) | (n + 1)), ip(10, (m << 16) | (n * 40503) & 0xffff | 1),
                 1024 + (n * 104729) % 64000, (53, 123, 514, 161, 8125)[n % 5], m))
    if shape == 2:
        return ("priority=400,in_port=vf%d,tcp,nw_dst=%s,tp_dst=%d,actions=drop" %
                (k, ip(198, (18 << 16) + n + 1), (22, 23, 445, 3389)[n % 4]))
    if shape == 3:
        return ("priority=200,in_port=uplink,ip,nw_dst=%s,actions=output:vf%d" %
                (ip(10, (VFS + k) << 16 | (n + 1)), k))
    if shape == 5:
        return ("priority=250,in_port=uplink,ip,nw_dst=%s,"
                "actions=mod_dl_dst:02:5e:00:00:10:%02x,output:vf%d" %
                (ip(10, (2 * VFS + k) << 16 | (n + 1)), k, k))
    p = k * LIMIT[4] + n                 # a /24 of its own: 20.0.0.0/24 on
    return ("priority=100,in_port=vf%d,ip,nw_dst=%d.%d.%d.0/24,actions=output:uplink" %
            (k, 20 + (p >> 16), (p >> 8) & 255, p & 255))


def main(argv):
    if len(argv) != 2 or not argv[0].isdigit():
        sys.exit("usage: bench_insert_rules.py N OUT")
    n = int(argv[0])
    counts = [0] * len(LIMIT)
    out = []
    for i in range(n):
        s = SHAPES[i % len(SHAPES)]
        out.append(rule(s, counts[s]))
        counts[s] += 1
    with open(argv[1], "w") as f:
        f.write("\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
