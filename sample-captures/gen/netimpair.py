#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny userspace "netem": joins two network namespaces with a TAP device
in each and forwards the Ethernet frames between them, dropping or holding
back chosen TCP data segments on their first transmission.  Both TCP stacks
are the kernel's own: a dropped segment is really retransmitted by the
sender, a held-back one really arrives after later data (or after its own
retransmission).

Used by retransmit.sh for sample-captures/retransmit.pcap.  The kernel this
was first run on has no sch_netem ("Specified qdisc kind is unknown"), hence
this instead of `tc qdisc ... netem`.

    netimpair.py NS_A TAP_A NS_B TAP_B RULES
RULES: comma-separated "DIR#N:ACTION", DIR "a" (frames leaving NS_A) or "b",
N the N-th distinct TCP data segment in that direction (counted by
sequence number, first transmissions only; a retransmission of a sequence
number already seen is never touched), ACTION "drop" or "hold=MS" (deliver
MS milliseconds late; frames behind it are not held up).  Example:
    a#5:drop,a#9:hold=30,b#2:drop
The TAP devices are created (non-persistent: they vanish when this exits);
"ready" is printed once both exist.  Runs until SIGTERM/SIGINT; prints what
it did to each chosen segment on stderr.
"""
import ctypes
import fcntl
import heapq
import os
import select
import signal
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(name):
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (name, os.strerror(err)))
    finally:
        os.close(fd)


def open_tap(netns, name):
    enter_netns(netns)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def parse_rules(text):
    rules = {}
    for item in filter(None, text.split(",")):
        where, action = item.split(":", 1)
        direction, n = where.split("#")
        if action == "drop":
            rules[(direction, int(n))] = ("drop", 0)
        elif action.startswith("hold="):
            rules[(direction, int(n))] = ("hold", int(action[5:]))
        else:
            raise SystemExit("bad rule %r" % item)
    return rules


def tcp_data_seq(frame):
    """Sequence number of an IPv4 TCP segment carrying data, else None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    if ip[9] != 6:
        return None
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    tcp = ip[ihl:total]
    if len(tcp) < 20:
        return None
    if total - ihl - (tcp[12] >> 4) * 4 <= 0:
        return None
    return struct.unpack(">I", tcp[4:8])[0]


def main():
    ns_a, tap_a, ns_b, tap_b, rule_text = sys.argv[1:6]
    rules = parse_rules(rule_text)
    fd_a = open_tap(ns_a, tap_a)
    fd_b = open_tap(ns_b, tap_b)
    peer = {fd_a: (fd_b, "a"), fd_b: (fd_a, "b")}
    seen = {"a": {}, "b": {}}            # direction -> {seq: index}
    held = []                            # heap of (due, order, fd, frame)
    order = 0
    running = [True]

    def stop(*_):
        running[0] = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)

    while running[0]:
        timeout = 0.05
        if held:
            timeout = max(0.0, min(timeout, held[0][0] - time.monotonic()))
        try:
            readable, _, _ = select.select([fd_a, fd_b], [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, out, frame = heapq.heappop(held)
            os.write(out, frame)
        for fd in readable:
            try:
                frame = os.read(fd, 65536)
            except OSError:
                continue
            out, direction = peer[fd]
            seq = tcp_data_seq(frame)
            if seq is not None and seq not in seen[direction]:
                index = len(seen[direction]) + 1
                seen[direction][seq] = index
                action = rules.get((direction, index))
                if action and action[0] == "drop":
                    print("%s#%d seq %d: dropped" % (direction, index, seq), file=sys.stderr, flush=True)
                    continue
                if action and action[0] == "hold":
                    order += 1
                    heapq.heappush(held, (now + action[1] / 1000.0, order, out, frame))
                    print("%s#%d seq %d: held %d ms" % (direction, index, seq, action[1]),
                          file=sys.stderr, flush=True)
                    continue
            os.write(out, frame)


if __name__ == "__main__":
    main()
