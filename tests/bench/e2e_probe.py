#!/usr/bin/env python3
"""e2e_probe.py - the UDP probe of bench_e2e.sh (section "first"), and two
small helpers it needs inside the VM namespaces.

  e2e_probe.py echo PORT[,PORT...]
      A UDP echo in the receiving VM: every datagram goes back to its sender
      from the port it arrived on, with "|PORT" appended, so the sender can
      tell which destination port the network delivered it to.  Runs until
      SIGTERM; prints "ready" on stdout once every port is bound.

  e2e_probe.py first --dst IP --port P --sports LO-HI [--timeout S]
      The first packet of new flows: for each source port in LO..HI (each a
      flow no datapath has seen; the bench gives every one its own rule), one
      datagram to IP:P, its round-trip time, then a second one on the same
      flow.  One JSON object per flow on stdout:
      {"sport": n, "rtt1_us": x, "rtt2_us": y} (null: no reply in time).

  e2e_probe.py hwtime --dst IP --old-port O --new-port N --sport S
                      [--interval-us U] [--timeout S] -- CMD [ARG...]
      Time until a new rule takes effect in the datapath: sends a datagram
      from port S to IP:O every U microseconds (sleeping in between, never
      spinning), checks that the echo answers them from O, then starts CMD
      (the rule's add-flow: it rewrites the destination port to N) and keeps
      sending.  The first answer from N is the first packet the new rule
      handled; its send time minus CMD's start is the result.  One JSON
      object on stdout: {"sport", "first_ms" (null if no packet took the new
      path before the timeout), "cmd_ms" (CMD's run time), "cmd_rc",
      "sent", "old_replies"}.

  e2e_probe.py txcsum-off IFNAME
      Turns off transmit checksum offload (and with it TSO) on a network
      interface through the SIOCETHTOOL ioctl (ETHTOOL_STXCSUM): Open
      vSwitch's userspace datapath cannot finish partial checksums of
      packets it reads from a veth, so a VM's veth must checksum in
      software.  Prints the new state ("tx-checksumming: off").

Timing uses time.perf_counter_ns (CLOCK_MONOTONIC).  Errors are one line on
stderr saying what to fix; the exit status is non-zero.
"""
import argparse
import ctypes
import fcntl
import json
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time


def die(msg):
    print(f"e2e_probe: {msg}", file=sys.stderr)
    sys.exit(1)


def port_list(text):
    try:
        ports = [int(p) for p in text.split(",")]
    except ValueError:
        die(f"'{text}': expected ports such as 7007,7009")
    for p in ports:
        if not 1 <= p <= 65535:
            die(f"port {p}: expected 1..65535")
    return ports


def cmd_echo(args):
    sel = selectors.DefaultSelector()
    socks = []
    for p in port_list(args.ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("0.0.0.0", p))
        except OSError as e:
            die(f"cannot bind UDP port {p}: {e.strerror} (another echo running?)")
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, p)
        socks.append(s)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("ready", flush=True)
    while not stop:
        try:
            events = sel.select(timeout=0.5)
        except InterruptedError:
            continue
        for key, _ in events:
            s, p = key.fileobj, key.data
            while True:
                try:
                    data, peer = s.recvfrom(2048)
                except (BlockingIOError, InterruptedError):
                    break
                try:
                    s.sendto(data + b"|%d" % p, peer)
                except OSError:
                    pass   # the peer's neighbour entry may be gone: its problem
    return 0


def parse_range(text):
    try:
        lo, hi = (int(x) for x in text.split("-"))
    except ValueError:
        die(f"--sports '{text}': expected LO-HI, e.g. 40000-40049")
    if not 1024 <= lo <= hi <= 65535:
        die(f"--sports '{text}': expected 1024 <= LO <= HI <= 65535")
    return range(lo, hi + 1)


def rtt_once(s, dst, payload, timeout_s):
    """One datagram and its echo on socket s; RTT in us or None."""
    t0 = time.perf_counter_ns()
    s.sendto(payload, dst)
    deadline = t0 + int(timeout_s * 1e9)
    while True:
        left = (deadline - time.perf_counter_ns()) / 1e9
        if left <= 0:
            return None
        s.settimeout(left)
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            return None
        t1 = time.perf_counter_ns()
        if data.startswith(payload):
            return (t1 - t0) / 1000.0


def cmd_first(args):
    dst = (args.dst, args.port)
    for sport in parse_range(args.sports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("0.0.0.0", sport))
        except OSError as e:
            die(f"cannot bind UDP source port {sport}: {e.strerror}")
        r1 = rtt_once(s, dst, b"first %d" % sport, args.timeout)
        r2 = rtt_once(s, dst, b"second %d" % sport, args.timeout)
        s.close()
        print(json.dumps({"sport": sport, "rtt1_us": r1, "rtt2_us": r2}), flush=True)
        time.sleep(0.005)   # let the previous flow's work settle
    return 0


def cmd_hwtime(args):
    if not args.cmd:
        die("hwtime: no command after -- (the add-flow that installs the rule)")
    cmd = args.cmd[1:] if args.cmd[0] == "--" else args.cmd
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("0.0.0.0", args.sport))
    except OSError as e:
        die(f"cannot bind UDP source port {args.sport}: {e.strerror}")
    s.setblocking(False)
    old, new = args.old_port, args.new_port
    interval = args.interval_us * 1000
    sent = {}          # seq -> send time (ns)
    seq = 0

    def send():
        nonlocal seq
        seq += 1
        sent[seq] = time.perf_counter_ns()
        s.sendto(b"hw %d" % seq, (args.dst, old))

    def replies():
        out = []
        while True:
            try:
                data, _ = s.recvfrom(2048)
            except BlockingIOError:
                return out
            try:
                body, port = data.rsplit(b"|", 1)
                out.append((int(body.split()[1]), int(port)))
            except (ValueError, IndexError):
                pass

    # the old path first: the flow must be up (and cached) before the rule
    old_replies = 0
    deadline = time.perf_counter_ns() + int(2e9)
    while old_replies < 3:
        if time.perf_counter_ns() > deadline:
            die(f"hwtime: no echo from {args.dst}:{old} within 2 s before the "
                "rule was added (is the echo running, the path up?)")
        send()
        time.sleep(0.002)
        old_replies += sum(1 for _, p in replies() if p == old)
    t0 = time.perf_counter_ns()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    cmd_ns = None
    first_ns = None
    next_send = t0
    end = t0 + int(args.timeout * 1e9)
    while first_ns is None and time.perf_counter_ns() < end:
        now = time.perf_counter_ns()
        if now >= next_send:
            send()
            next_send += interval
            if next_send < now:
                next_send = now + interval
        if cmd_ns is None and proc.poll() is not None:
            cmd_ns = time.perf_counter_ns() - t0
        for q, p in replies():
            if p == new:
                first_ns = sent[q] - t0 if first_ns is None else min(first_ns, sent[q] - t0)
            elif p == old:
                old_replies += 1
        if first_ns is None:
            time.sleep(max(0.0, (next_send - time.perf_counter_ns()) / 1e9))
    rc = proc.wait()
    if cmd_ns is None:
        cmd_ns = time.perf_counter_ns() - t0
    print(json.dumps({"sport": args.sport,
                      "first_ms": None if first_ns is None else max(first_ns, 0) / 1e6,
                      "cmd_ms": cmd_ns / 1e6, "cmd_rc": rc, "sent": seq,
                      "old_replies": old_replies}), flush=True)
    return 0 if rc == 0 else 1


SIOCETHTOOL = 0x8946
ETHTOOL_GTXCSUM = 0x16
ETHTOOL_STXCSUM = 0x17


def ethtool_value(ifname, cmd, data=0):
    buf = ctypes.create_string_buffer(struct.pack("II", cmd, data), 8)
    ifr = struct.pack("16sP", ifname.encode(), ctypes.addressof(buf))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCETHTOOL, ifr)
    return struct.unpack("II", buf.raw)[1]


def cmd_txcsum_off(args):
    if len(args.ifname.encode()) > 15:
        die(f"interface name '{args.ifname}' is longer than 15 bytes")
    try:
        ethtool_value(args.ifname, ETHTOOL_STXCSUM, 0)
        on = ethtool_value(args.ifname, ETHTOOL_GTXCSUM)
    except OSError as e:
        die(f"SIOCETHTOOL on {args.ifname}: {e.strerror} (does the interface "
            "exist in this network namespace?)")
    if on:
        die(f"{args.ifname}: transmit checksumming is still on after ETHTOOL_STXCSUM 0")
    print("tx-checksumming: off")
    return 0


def main():
    ap = argparse.ArgumentParser(description="UDP probe of bench_e2e.sh (see the file's header)")
    sub = ap.add_subparsers(dest="what", required=True)
    e = sub.add_parser("echo")
    e.add_argument("ports")
    f = sub.add_parser("first")
    f.add_argument("--dst", required=True)
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--sports", required=True)
    f.add_argument("--timeout", type=float, default=1.0)
    h = sub.add_parser("hwtime")
    h.add_argument("--dst", required=True)
    h.add_argument("--old-port", type=int, required=True)
    h.add_argument("--new-port", type=int, required=True)
    h.add_argument("--sport", type=int, required=True)
    h.add_argument("--interval-us", type=int, default=250)
    h.add_argument("--timeout", type=float, default=5.0)
    h.add_argument("cmd", nargs=argparse.REMAINDER)
    t = sub.add_parser("txcsum-off")
    t.add_argument("ifname")
    args = ap.parse_args()
    return {"echo": cmd_echo, "first": cmd_first, "hwtime": cmd_hwtime,
            "txcsum-off": cmd_txcsum_off}[args.what](args)


if __name__ == "__main__":
    sys.exit(main())
