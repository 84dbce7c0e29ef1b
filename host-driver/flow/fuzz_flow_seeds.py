#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_flow (tests/fuzz/corpus/fuzz_flow/).

The input format is described at the top of host-driver/flow/fuzz_flow.c;
these helpers mirror it.  Each seed is a small scenario: a rule kind that
works (encap, decap, jump, rewrites, VLAN, COUNT), a capacity of the fuzz
board reached (fuzz_board.dts), or refusals.

usage: fuzz_flow_seeds.py [OUTDIR]   (default: tests/fuzz/corpus/fuzz_flow)
"""
import os
import struct
import sys

ITEMS = ['VOID', 'ETH', 'VLAN', 'IPV4', 'IPV6', 'UDP', 'TCP', 'ICMP', 'VXLAN',
         'PORT_ID', 'REPRESENTED_PORT', 'PORT_REPRESENTOR', 'RAW', 'ICMP6',
         'ANY', 'SCTP', 'GRE']
ACTS = ['VOID', 'DROP', 'COUNT', 'JUMP', 'PORT_ID', 'REPRESENTED_PORT',
        'PORT_REPRESENTOR', 'VXLAN_ENCAP', 'VXLAN_DECAP', 'RAW_ENCAP',
        'RAW_DECAP', 'OF_PUSH_VLAN', 'OF_SET_VLAN_VID', 'OF_SET_VLAN_PCP',
        'OF_POP_VLAN', 'SET_MAC_SRC', 'SET_MAC_DST', 'SET_IPV4_SRC',
        'SET_IPV4_DST', 'SET_TP_SRC', 'SET_TP_DST', 'DEC_TTL', 'SET_TTL',
        'QUEUE', 'MARK', 'PASSTHRU', 'FLAG']

T, I, E = 4, 1, 2          # attribute bits: transfer, ingress, egress
VF0, VF1, VF2, VF3, UP, PF = 1, 2, 3, 4, 5, 0   # op_frame vport selectors


def item(name, spec=None, last=None, mask=None, canned=False):
    """spec/last/mask: None (absent) or bytes written over the buffer."""
    flags = ((spec is not None) | (last is not None) << 1 |
             (mask is not None) << 2 | canned << 3)
    b = bytes([ITEMS.index(name), flags])
    for buf in (spec, last, mask):
        if buf is not None:
            b += bytes([len(buf)]) + bytes(buf)
    return b


def c(name):
    """A canned item: its plausible spec and mask, unchanged."""
    return item(name, spec=b'', mask=b'', canned=True)


def act(name, conf=None, canned=False):
    """conf: None (no conf), or bytes over the (canned) conf struct."""
    if conf is None and not canned:
        return bytes([ACTS.index(name), 0])
    return bytes([ACTS.index(name), 1 | canned << 1, len(conf or b'')]) + bytes(conf or b'')


def ca(name):
    return act(name, canned=True)


def port_act(name, port):
    return act(name, struct.pack('<H', port))


def encap(vni):
    return bytes([ACTS.index('VXLAN_ENCAP'), 3, vni])


def raw(name, size=50, muts=(), preserve=False, null=False):
    flags = 1 | 2 | preserve << 2 | null << 3
    b = bytes([ACTS.index(name), flags, len(muts)])
    for off, val in muts:
        b += bytes([off, val])
    return b + bytes([size if size < 200 else 0])


def rule(items, acts, port=0, attr=T, group=0, prio=0):
    return (bytes([0, port, attr, group, prio, len(items)]) + b''.join(items) +
            bytes([len(acts)]) + b''.join(acts))


def destroy(i):
    return bytes([4, i])


def flush():
    return bytes([5])


def query(i, reset=False, jump=False):
    return bytes([6, i, reset | jump << 1])


def frame(vport, which):
    return bytes([7, vport, which])


def seed(*ops):
    return bytes([len(ops)]) + b''.join(ops)


def ip4_dst(last_byte):
    spec = bytearray(20)
    spec[16:20] = bytes([10, 0, 0, last_byte])
    return item('IPV4', spec=bytes(spec), mask=b'', canned=True)


def port_item(p):
    return item('REPRESENTED_PORT', spec=struct.pack('<H', p), mask=b'', canned=True)


SEEDS = {
    'vf_to_vf': seed(
        rule([port_item(1), c('ETH')], [ca('REPRESENTED_PORT')]),
        frame(VF0, 0), frame(VF2, 0), destroy(0)),
    'encap': seed(
        rule([port_item(1), item('ETH'), c('IPV4')],
             [encap(9), port_act('REPRESENTED_PORT', 0)]),
        frame(VF0, 0), frame(VF0, 3), destroy(0)),
    'per_port_encap': seed(
        rule([port_item(1), item('ETH'), c('IPV4')],
             [ca('REPRESENTED_PORT'), raw('RAW_ENCAP'), port_act('REPRESENTED_PORT', 0)]),
        frame(VF0, 0)),
    'decap': seed(
        rule([port_item(0), item('ETH'), item('IPV4'), item('UDP'), c('VXLAN')],
             [act('VXLAN_DECAP'), ca('REPRESENTED_PORT')]),
        rule([port_item(0), item('ETH'), item('IPV4'), item('UDP'),
              item('VXLAN', spec=bytes([0, 0, 0, 0, 0, 0x10, 0x93]), mask=b'', canned=True)],
             [raw('RAW_DECAP'), port_act('PORT_REPRESENTOR', 3)]),
        frame(UP, 2), frame(UP, 0)),
    'jump': seed(
        rule([port_item(1)], [ca('JUMP')]),
        rule([item('ETH'), c('IPV4')], [ca('REPRESENTED_PORT')], group=1),
        frame(VF0, 0), frame(VF0, 3), destroy(0), destroy(0)),
    'rewrites': seed(
        rule([port_item(1), item('ETH'), c('IPV4'), c('UDP')],
             [ca('SET_MAC_DST'), ca('SET_MAC_SRC'), ca('SET_IPV4_DST'),
              ca('SET_IPV4_SRC'), ca('SET_TP_DST'), ca('SET_TP_SRC'),
              act('DEC_TTL'), ca('SET_TTL'), ca('REPRESENTED_PORT')]),
        frame(VF0, 0)),
    'vlan': seed(
        rule([port_item(1), item('ETH'), c('IPV4')],
             [ca('OF_PUSH_VLAN'), ca('OF_SET_VLAN_VID'), ca('OF_SET_VLAN_PCP'),
              ca('REPRESENTED_PORT')]),
        rule([port_item(1), item('ETH'), c('VLAN')],
             [act('OF_POP_VLAN'), ca('REPRESENTED_PORT')]),
        rule([port_item(2), item('ETH'), c('VLAN')],
             [ca('OF_SET_VLAN_VID'), ca('OF_SET_VLAN_PCP'), ca('PORT_ID')]),
        frame(VF0, 0), frame(VF0, 1), frame(VF1, 1)),
    'count_query': seed(
        rule([port_item(1), item('ETH'), c('IPV4')], [act('COUNT'), act('DROP')]),
        frame(VF0, 0), frame(VF0, 0), query(0), query(0, reset=True), query(0),
        query(0, jump=True)),
    'ingress': seed(
        rule([item('ETH'), c('IPV4')], [act('DROP')], port=3, attr=I),
        rule([c('ETH')], [ca('JUMP')], port=2, attr=I),
        frame(VF2, 0), frame(VF1, 0)),
    'entries_full': seed(
        *[rule([item('ETH'), ip4_dst(i)], [act('DROP')]) for i in range(13)],
        destroy(3), rule([item('ETH'), ip4_dst(99)], [act('DROP')])),
    'groups_full': seed(
        rule([c('ETH')], [act('DROP')]),
        rule([item('ETH'), c('IPV4')], [act('DROP')]),
        rule([item('ETH'), item('IPV4'), c('UDP')], [act('DROP')]),
        rule([item('ETH'), item('IPV4'), c('ICMP')], [act('DROP')]),
        rule([c('ETH')], [act('DROP')], group=1),
        rule([port_item(1)], [act('DROP')], group=1),
        rule([c('VXLAN')], [act('DROP')], group=1),
        rule([c('ETH'), c('IPV4')], [act('DROP')], group=2)),
    'tables_full': seed(
        *[rule([port_item(1 + g % 4)], [act('JUMP', bytes([g]))]) for g in range(1, 6)],
        flush(), rule([port_item(1)], [act('JUMP', bytes([9]))])),
    'encap_full': seed(
        *[rule([port_item(1), item('ETH'), ip4_dst(i)],
               [encap(i % 3 + 1), port_act('REPRESENTED_PORT', 0)]) for i in range(5)]),
    'modify_full': seed(
        *[rule([port_item(1), item('ETH'), ip4_dst(i)],
               [ca('SET_TTL'), ca('REPRESENTED_PORT')]) for i in range(5)]),
    'counters_full': seed(
        *[rule([port_item(1), item('ETH'), ip4_dst(i)], [act('COUNT'), act('DROP')])
          for i in range(7)]),
    'duplicates': seed(
        rule([port_item(1), c('ETH')], [act('DROP')]),
        rule([port_item(1), c('ETH')], [act('DROP')]),
        rule([port_item(1), c('ETH')], [act('DROP')], prio=1),
        flush(), rule([port_item(1), c('ETH')], [act('DROP')])),
    'refusals': seed(
        rule([item('RAW')], [act('DROP')]),
        rule([item('ETH', mask=b'\xff')], [act('DROP')]),
        rule([item('ETH'), item('UDP')], [act('DROP')]),
        rule([c('IPV4')], [act('QUEUE', b'\x00')]),
        rule([c('ETH')], [act('DROP')], attr=T | E),
        rule([c('ETH')], [act('DROP')], attr=T | 0x10),
        rule([c('ETH')], [act('DROP')], port=5),
        rule([port_item(1), item('ETH'), c('IPV4')],
             [ca('REPRESENTED_PORT'), ca('SET_MAC_DST'), ca('PORT_ID')]),
        rule([port_item(1), item('ETH'), c('IPV4')],
             [encap(1), ca('REPRESENTED_PORT'), ca('JUMP')]),
        rule([port_item(1), item('ETH'), c('IPV4')], [ca('OF_PUSH_VLAN'), ca('PORT_ID')]),
        rule([port_item(1), item('ETH'), c('IPV4')], [act('VXLAN_DECAP'), act('DROP')]),
        rule([item('ETH'), item('IPV4'),
              item('UDP', spec=b'\x00\x00\x00\x50', last=b'\x00\x00\x00\x5a')],
             [act('DROP')])),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, '..', '..', 'tests', 'fuzz', 'corpus', 'fuzz_flow')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print(f'{len(SEEDS)} seeds in {os.path.normpath(out)}')


if __name__ == '__main__':
    main()
