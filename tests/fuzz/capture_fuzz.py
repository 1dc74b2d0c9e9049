#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture fuzzing of the amftcp plugin through tshark (run by capture-fuzz.sh).

Each round builds a batch capture of a few mutated TCP connections, made from
the connections of the sample captures:

  - rebuilt as Ethernet/IPv4/TCP with a handshake, the original relative
    sequence numbers (so retransmissions, overlaps and gaps stay) and ports
    of their own, then mutated: bytes flipped or set to interesting values,
    length prefixes set to extremes, bytes inserted or deleted, segments cut
    again at random sizes, duplicated (retransmitted, sometimes with other
    bytes), swapped (out of order), dropped (gaps), the stream cut short, or
    a direction spliced with the segments of another capture's connection;
  - each part then, sometimes, through editcap -E (random byte errors
    anywhere in the packets, headers included) or editcap -s (packets
    truncated);
  - the parts concatenated with mergecap.

tshark then reads the batch with the plugin (normally the sanitizer build,
with its runtime preloaded): -V, -T fields -e amf.json or -q -z
amftcp,jsonl, with or without -2, sometimes with TCP or amftcp preferences
changed or Decode As.  A finding is: tshark killed by a signal or failing,
a sanitizer report, a "Dissector bug" or an exception ("Malformed Packet")
in AMFTCP, an amf.json value or JSON Lines line that is not valid JSON, or
a run slower than the time allowed for its frames.  The batch is then
replayed part by part, and the smallest capture
that shows it is kept under WORK/findings/ with tshark's output.
"""
import argparse
import json
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
WRAPPER = os.path.join(ROOT, "tests", "tshark-as-user.sh")

# ---------------------------------------------------------------- pcap I/O

LINK_ETHERNET, LINK_NULL, LINK_RAW, LINK_RAW2, LINK_SLL = 1, 0, 101, 12, 113


def read_pcap(path):
    """(linktype, [(ts_sec, ts_frac, data)]) of a classic pcap file."""
    with open(path, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    linktype = struct.unpack_from(end + "I", raw, 20)[0] & 0x0FFFFFFF
    pos, packets = 24, []
    while pos + 16 <= len(raw):
        sec, frac, incl, _orig = struct.unpack_from(end + "IIII", raw, pos)
        pos += 16
        packets.append((sec, frac, raw[pos:pos + incl]))
        pos += incl
    return linktype, packets


def ip_payload(linktype, data):
    if linktype == LINK_ETHERNET:
        if len(data) < 14:
            return None
        etype, off = struct.unpack_from(">H", data, 12)[0], 14
        while etype == 0x8100 and len(data) >= off + 4:
            etype, off = struct.unpack_from(">H", data, off + 2)[0], off + 4
        return data[off:] if etype in (0x0800, 0x86DD) else None
    if linktype == LINK_SLL:
        return data[16:] if len(data) >= 16 else None
    if linktype == LINK_NULL:
        return data[4:] if len(data) >= 4 else None
    if linktype in (LINK_RAW, LINK_RAW2):
        return data
    return None


def parse_tcp(linktype, data):
    """(src, dst, sport, dport, seq, flags, payload) or None."""
    ip = ip_payload(linktype, data)
    if not ip:
        return None
    version = ip[0] >> 4
    if version == 4 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack_from(">H", ip, 2)[0]
        if ip[9] != 6:
            return None
        src, dst, seg = ip[12:16], ip[16:20], ip[ihl:max(ihl, min(total, len(ip)))]
    elif version == 6 and len(ip) >= 40:
        if ip[6] != 6:
            return None
        plen = struct.unpack_from(">H", ip, 4)[0]
        src, dst, seg = ip[8:24], ip[24:40], ip[40:40 + plen]
    else:
        return None
    if len(seg) < 20:
        return None
    sport, dport, seq = struct.unpack_from(">HHI", seg, 0)
    doff = (seg[12] >> 4) * 4
    return src, dst, sport, dport, seq, seg[13], bytes(seg[doff:])


class Connection:
    """One TCP connection's data: segments (direction 0 client->server, 1
    back; sequence offset from the first data byte; payload) in capture
    order, and the server's port."""

    def __init__(self, server_port, segments, source):
        self.server_port = server_port
        self.segments = segments
        self.source = source

    def copy(self):
        return Connection(self.server_port, [list(s) for s in self.segments], self.source)


def connections_of(path):
    linktype, packets = read_pcap(path)
    conns, order = {}, []
    for _sec, _frac, data in packets:
        t = parse_tcp(linktype, data)
        if not t:
            continue
        src, dst, sport, dport, seq, flags, payload = t
        a, b = (src, sport), (dst, dport)
        key = (a, b) if a <= b else (b, a)
        c = conns.get(key)
        if c is None:
            # The client sends the first SYN, or else the first packet.
            client = b if (flags & 0x12) == 0x12 else a
            c = conns[key] = {"client": client, "isn": {}, "segments": []}
            order.append(key)
        d = 0 if a == c["client"] else 1
        if flags & 0x02:
            c["isn"][d] = seq + 1
            continue
        if not payload:
            continue
        base = c["isn"].setdefault(d, seq)
        c["segments"].append([d, (seq - base) & 0xFFFFFFFF, payload])
    result = []
    for key in order:
        c = conns[key]
        if c["segments"]:
            server = key[1] if key[0] == c["client"] else key[0]
            result.append(Connection(server[1], c["segments"], os.path.basename(path)))
    return result


class PcapWriter:
    """Ethernet + IPv4 + TCP frames of synthetic connections."""

    def __init__(self):
        self.frames = []
        self.time = 1700000000.0

    def packet(self, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          5 << 4, flags, 65535, 0, 0) + payload
        total = 20 + len(tcp)
        hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
        csum = sum(struct.unpack(">10H", hdr))
        csum = (csum & 0xFFFF) + (csum >> 16)
        csum = (csum & 0xFFFF) + (csum >> 16)
        hdr = hdr[:10] + struct.pack(">H", ~csum & 0xFFFF) + hdr[12:]
        eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
        self.time += 0.001
        self.frames.append((self.time, eth + hdr + tcp))

    def connection(self, conn, index, fin=True):
        """Write conn as the index-th connection of the file."""
        cip = bytes([10, 0, (index >> 8) & 255, index & 255])
        sip = bytes([10, 1, (index >> 8) & 255, index & 255])
        cport = 40000 + index
        sport = conn.server_port
        isn = [0x10000000 + index * 7919, 0x60000000 + index * 104729]
        ends = [1, 1]
        ip = (cip, sip)
        port = (cport, sport)
        self.packet(cip, sip, cport, sport, isn[0], 0, 0x02)
        self.packet(sip, cip, sport, cport, isn[1], isn[0] + 1, 0x12)
        self.packet(cip, sip, cport, sport, isn[0] + 1, isn[1] + 1, 0x10)
        for d, off, payload in conn.segments:
            # One IPv4 packet holds at most 65495 bytes of TCP payload.
            for i in range(0, max(len(payload), 1), 65000):
                chunk = payload[i:i + 65000]
                seq = isn[d] + 1 + off + i
                ends[d] = max(ends[d], 1 + off + i + len(chunk))
                self.packet(ip[d], ip[1 - d], port[d], port[1 - d], seq, isn[1 - d] + ends[1 - d],
                            0x18, chunk)
        if fin:
            for d in (0, 1):
                self.packet(ip[d], ip[1 - d], port[d], port[1 - d], isn[d] + ends[d],
                            isn[1 - d] + ends[1 - d], 0x11)
                ends[d] += 1
            self.packet(cip, sip, cport, sport, isn[0] + ends[0], isn[1] + ends[1], 0x10)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINK_ETHERNET))
            for t, data in self.frames:
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
                f.write(data)
        return len(self.frames)


# ---------------------------------------------------------------- mutations

INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                     0x0C, 0x0D, 0x0F, 0x10, 0x11, 0x12, 0x7F, 0x80, 0x81, 0xFE, 0xFF]
INTERESTING_LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
                       0x10000, 0xFFFFFF, 0x1000000, 0x1000001, 0x7FFFFFFF, 0x80000000,
                       0xFFFFFFFE, 0xFFFFFFFF]
TOKENS = [b"\x0a\x0b\x01", b"\x0a\x01", b"\x0a\x00", b"\x06\x00", b"\x09\x01\x01", b"\x00\x00\x09",
          b"\x11", b"\x11\x0a\x0b\x01", b"\x0a\x07\x07DSK", b"\x0a\x07\x07DSC",
          b"\x0a\x07\x43flex.messaging.io.ArrayCollection", b"\xff\xff\xff\xff",
          b"\x80\x80\x80\x80", b"\x0d\x05\x00", b"\x10\x03\x00\x01", b"\x11\x03\x01",
          b"\x07\x00\x00", b"\x0c\x7f", b"<policy-file-request/>\x00", b"\x00\x03\x00\x01",
          b"\x05\x7f\xf8\x00\x00\x00\x00\x00\x00", b"\x08\x01"]


def renumber(conn):
    """Sequence offsets in list order, no gaps (after size changes)."""
    ends = [0, 0]
    for s in conn.segments:
        s[1] = ends[s[0]]
        ends[s[0]] += len(s[2])


def mutate(conn, rng, donors):
    """Apply 1-4 random mutations; return their names."""
    segs = conn.segments
    applied, rebuild = [], False
    for _ in range(rng.randint(1, 4)):
        if not segs:
            break
        op = rng.choice(["flip", "flip", "set", "length", "length", "insert", "delete",
                         "truncate", "resegment", "duplicate", "overlap", "swap", "drop",
                         "cut", "splice", "splice"])
        i = rng.randrange(len(segs))
        p = bytearray(segs[i][2])
        if op == "flip" and p:
            for _ in range(rng.randint(1, 8)):
                p[rng.randrange(len(p))] ^= 1 << rng.randrange(8)
            segs[i][2] = bytes(p)
        elif op == "set" and p:
            for _ in range(rng.randint(1, 4)):
                p[rng.randrange(len(p))] = rng.choice(INTERESTING_BYTES)
            segs[i][2] = bytes(p)
        elif op == "length" and len(p) >= 2:
            width = rng.choice([2, 4]) if len(p) >= 4 else 2
            at = 0 if rng.random() < 0.6 else rng.randrange(len(p) - width + 1)
            v = rng.choice(INTERESTING_LENGTHS + [len(p) - width, len(p) - width + 1,
                                                  len(p) - width - 1, len(p), len(p) * 2])
            v &= 0xFFFF if width == 2 else 0xFFFFFFFF
            p[at:at + width] = v.to_bytes(width, rng.choice(["big", "little"]))
            segs[i][2] = bytes(p)
        elif op == "insert":
            at = rng.randrange(len(p) + 1)
            blob = rng.choice(TOKENS) if rng.random() < 0.7 else os.urandom(rng.randint(1, 16))
            segs[i][2] = bytes(p[:at]) + blob + bytes(p[at:])
            rebuild = True
        elif op == "delete" and len(p) > 1:
            at = rng.randrange(len(p))
            n = rng.randint(1, min(16, len(p) - at))
            segs[i][2] = bytes(p[:at] + p[at + n:])
            rebuild = True
        elif op == "truncate" and len(p) > 1:
            segs[i][2] = bytes(p[:rng.randrange(1, len(p))])
            rebuild = True
        elif op == "resegment":
            d = segs[i][0]
            data = b"".join(s[2] for s in segs if s[0] == d)
            pieces, pos = [], 0
            while pos < len(data):
                n = rng.choice([1, 2, 3, 5, 8, 13, 64, 500, 1400, 4000])
                pieces.append([d, 0, data[pos:pos + n]])
                pos += n
            others = [s for s in segs if s[0] != d]
            # Interleave the directions again, roughly in their old order.
            merged = []
            while pieces or others:
                take = pieces if pieces and (not others or rng.random() < 0.6) else others
                merged.append(take.pop(0))
            segs[:] = merged
            rebuild = True
        elif op == "duplicate":
            segs.insert(i + 1, list(segs[i]))
        elif op == "overlap" and p:
            q = bytearray(p)
            for _ in range(rng.randint(1, 4)):
                q[rng.randrange(len(q))] = rng.randrange(256)
            segs.insert(i + 1, [segs[i][0], segs[i][1], bytes(q[:rng.randint(1, len(q))])])
        elif op == "swap" and i + 1 < len(segs):
            segs[i], segs[i + 1] = segs[i + 1], segs[i]
        elif op == "drop" and len(segs) > 1:
            del segs[i]
        elif op == "cut" and len(segs) > 1:
            del segs[rng.randrange(1, len(segs)):]
        elif op == "splice" and donors:
            donor = rng.choice(donors)
            block = [list(s) for s in donor.segments]
            if rng.random() < 0.5:
                # One direction replaced by the donor's same direction.
                d = rng.randrange(2)
                keep = [s for s in segs if s[0] != d]
                repl = [s for s in block if s[0] == d] or block
                for s in repl:
                    s[0] = d
                segs[:] = keep[:len(keep) // 2] + repl + keep[len(keep) // 2:]
            else:
                # A run of the donor's segments inserted here.
                a = rng.randrange(len(block))
                segs[i:i] = block[a:a + rng.randint(1, 8)]
            rebuild = True
        else:
            continue
        applied.append(op)
    if rebuild:
        renumber(conn)
    return applied


# ---------------------------------------------------------------- tshark runs

def sanitizer_env_for(base_env, logdir):
    """AMFTCP_TSHARK_ENV with this run's own sanitizer log directory."""
    return re.sub(r"log_path=[^: ]*/(asan|ubsan)", lambda m: f"log_path={logdir}/{m.group(1)}",
                  base_env)


class Runner:
    def __init__(self, args):
        self.args = args
        self.base_env = os.environ.get("AMFTCP_TSHARK_ENV", "")
        self.lock = threading.Lock()

    def run(self, pcap, tshark_args, frames, truncated=False):
        """Run tshark on pcap; return (findings, elapsed, output).
        truncated: some packets are cut short (editcap -s)."""
        logdir = tempfile.mkdtemp(prefix="run.", dir=self.args.work)
        os.chmod(logdir, 0o1777)
        env = dict(os.environ, AMFTCP_PLUGIN=self.args.plugin,
                   AMFTCP_TSHARK_ENV=sanitizer_env_for(self.base_env, logdir))
        limit = self.args.base_seconds + self.args.frame_ms * frames / 1000.0
        hard = max(3 * limit, 120)
        cmd = ["timeout", "-k", "5", str(int(hard)), WRAPPER, "-r", pcap] + tshark_args
        # Output to files, so that wait4() reaps the run and reports the CPU
        # time of the wrapper and the tshark it waited for: "slow" is judged
        # on CPU time, which other load on the machine does not inflate.
        with open(os.path.join(logdir, "stdout"), "w+b") as fo, \
                open(os.path.join(logdir, "stderr"), "w+b") as fe:
            proc = subprocess.Popen(cmd, env=env, stdout=fo, stderr=fe)
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            fo.seek(0)
            fe.seek(0)
            out = fo.read().decode("utf-8", "replace")
            err = fe.read().decode("utf-8", "replace")
        os.unlink(os.path.join(logdir, "stdout"))
        os.unlink(os.path.join(logdir, "stderr"))
        elapsed = usage.ru_utime + usage.ru_stime
        findings = []
        reports = ""
        for name in sorted(os.listdir(logdir)):
            with open(os.path.join(logdir, name), errors="replace") as f:
                text = f.read()
            if text.strip():
                reports += f"--- {name}\n{text}"
        shutil.rmtree(logdir, ignore_errors=True)
        # UndefinedBehaviorSanitizer next to gcc's ASan runtime ignores
        # log_path: its reports come on stderr.
        for marker in ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer"):
            at = err.find(marker)
            if at >= 0:
                start = err.rfind("\n", 0, at) + 1
                reports += f"--- stderr\n{err[start:start + 20000]}"
                break
        if reports:
            kind = "asan" if "AddressSanitizer" in reports else "ubsan" if "runtime error" in reports else "sanitizer"
            findings.append((kind, reports))
        if proc.returncode == 124 or proc.returncode == 137:
            findings.append(("timeout", f"killed after {hard:.0f} s ({frames} frames)"))
        elif proc.returncode >= 128:
            findings.append(("signal", f"exit {proc.returncode}\n{err[-4000:]}"))
        elif proc.returncode != 0 and not reports:
            findings.append(("exit", f"exit {proc.returncode}\n{err[-4000:]}"))
        if elapsed > limit and proc.returncode not in (124, 137):
            findings.append(("slow", f"{elapsed:.1f} s of CPU for {frames} frames "
                                     f"(limit {limit:.1f} s)"))
        both = out + err
        for line in both.split("\n"):
            if "issector bug" in line and "amftcp" in line.lower():
                findings.append(("dissector-bug", line[:2000]))
        # Without reassembly, and on packets cut short by the capture,
        # tcp_dissect_pdus itself marks a message cut by the segment's end
        # as malformed (an exception by design): only count exceptions while
        # reassembly is on and the packets are whole.
        desegment = not any(a.endswith("desegment:FALSE") or a.endswith("desegment_tcp_streams:FALSE")
                            for a in tshark_args)
        if desegment and not truncated and "[Malformed Packet: AMFTCP]" in out:
            lines = [l for l in out.split("\n") if "Malformed Packet: AMFTCP" in l or
                     "Expert Info (Error/Malformed)" in l]
            findings.append(("exception", "\n".join(lines[:20])))
        # (Only from a run that ended well: a killed tshark leaves a cut line.
        # Lines end at "\n" alone: JSON text may hold U+2028 or U+0085.)
        # -z amftcp,jsonl: every line one object holding the document.
        jsonl = "amftcp,jsonl" in tshark_args
        if (jsonl or ("-e" in tshark_args and "amf.json" in tshark_args)) and proc.returncode == 0:
            for n, line in enumerate(out.split("\n"), 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(
                        ValueError(f"non-JSON constant {c}")))
                    if jsonl and not (isinstance(value, dict) and "amf" in value):
                        raise ValueError("not a JSON Lines object with \"amf\"")
                except ValueError as e:
                    findings.append(("bad-json", f"line {n}: {e}: {line[:2000]}"))
                    break
        return findings, elapsed, out + "\n--- stderr\n" + err


def tshark_modes(rng, conns):
    """tshark arguments for one run."""
    args = []
    if rng.random() < 0.5:
        args.append("-2")
    mode = rng.random()
    if mode < 0.45:
        args.append("-V")
    elif mode < 0.85:
        args += ["-T", "fields", "-e", "amf.json", "-E", "aggregator=\n"]
    else:
        args += ["-q", "-z", "amftcp,jsonl"]
    extras = [
        ["-o", "tcp.reassemble_out_of_order:TRUE"],
        ["-o", "tcp.desegment_tcp_streams:FALSE"],
        ["-o", "tcp.try_heuristic_first:TRUE"],
        ["-o", "amftcp.desegment:FALSE"],
        ["-o", "amftcp.max_depth:" + str(rng.choice([1, 2, 3, 400]))],
        ["-o", "amftcp.max_message:" + str(rng.choice([1, 10, 100, 1000, 65536]))],
        ["-o", "amftcp.framing:" + rng.choice(["Length prefix + one value",
                                               "Values back to back, no length",
                                               "AMF packet envelope"])],
        ["-o", "amftcp.length_field:" + rng.choice(["4 bytes, big-endian", "4 bytes, little-endian",
                                                    "2 bytes, big-endian", "2 bytes, little-endian"])],
        ["-o", "amftcp.length_includes_prefix:TRUE"],
        ["-o", "amftcp.amf_version:AMF0"],
        ["-d", f"tcp.port=={conns[0].server_port},amftcp"] if conns else [],
    ]
    if rng.random() < 0.35:
        for e in rng.sample(extras, rng.randint(1, 3)):
            args += e
    return args


# ---------------------------------------------------------------- the loop

class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.runner = Runner(args)
        self.sources = []
        for f in sorted(os.listdir(args.captures)):
            if f.endswith(".pcap"):
                try:
                    self.sources += connections_of(os.path.join(args.captures, f))
                except ValueError as e:
                    print(f"capture-fuzz: skipped {e}", file=sys.stderr)
        if not self.sources:
            sys.exit("capture-fuzz: no TCP connections in the sample captures")
        self.lock = threading.Lock()
        self.batches = self.captures = self.frames = self.runs = 0
        self.findings = {}
        self.saved = []
        self.stop_at = time.time() + args.minutes * 60 if args.minutes else None
        self.started = time.time()

    def more(self):
        with self.lock:
            if self.args.count and self.captures >= self.args.count:
                return False
            if self.stop_at and time.time() >= self.stop_at:
                return False
            return True

    def make_part(self, rng, index, path):
        conn = rng.choice(self.sources).copy()
        if rng.random() < 0.5:
            conn.server_port = rng.choice([conn.server_port, 843, 1935, 80, 20000 + index,
                                           rng.randint(1024, 65535)])
        ops = mutate(conn, rng, self.sources) if rng.random() < 0.9 else ["none"]
        w = PcapWriter()
        w.connection(conn, index, fin=rng.random() < 0.85)
        frames = w.write(path)
        if rng.random() < 0.3:
            rate = rng.choice([0.0005, 0.001, 0.005, 0.01, 0.03])
            seed = rng.randrange(1 << 30)
            tmp = path + ".e"
            subprocess.run(["editcap", "-E", str(rate), "--seed", str(seed), path, tmp],
                           check=True, capture_output=True)
            os.replace(tmp, path)
            ops.append(f"editcap-E{rate}-seed{seed}")
        elif rng.random() < 0.15:
            snap = rng.choice([54, 60, 70, 100, 200, 1000])
            tmp = path + ".s"
            subprocess.run(["editcap", "-s", str(snap), path, tmp], check=True, capture_output=True)
            os.replace(tmp, path)
            ops.append(f"editcap-s{snap}")
        return conn, frames, f"{conn.source}:{conn.server_port}:{'+'.join(ops)}"

    def record(self, findings, pcap, tshark_args, output, parts_desc):
        with self.lock:
            for kind, text in findings:
                self.findings[kind] = self.findings.get(kind, 0) + 1
            n = len(self.saved) + 1
            if n > self.args.max_saved:
                return
            dest = os.path.join(self.args.work, "findings", f"{n:03d}-{findings[0][0]}")
            os.makedirs(dest, exist_ok=True)
            self.saved.append(dest)
        shutil.copy(pcap, os.path.join(dest, "capture.pcap"))
        with open(os.path.join(dest, "README.txt"), "w") as f:
            f.write("replay: AMFTCP_PLUGIN=PLUGIN tests/tshark-as-user.sh -r capture.pcap "
                    + " ".join(shlex.quote(a) for a in tshark_args) + "\n")
            f.write("(with AMFTCP_TSHARK_ENV from tests/sanitize/sanitizer-env.sh for a "
                    "sanitizer build)\n")
            f.write("made from: " + parts_desc + "\n\n")
            for kind, text in findings:
                f.write(f"=== {kind}\n{text}\n")
        with open(os.path.join(dest, "output.txt"), "w") as f:
            f.write(output[-200000:])
        print(f"capture-fuzz: FINDING {', '.join(k for k, _ in findings)} -> {dest}", flush=True)

    def worker(self, wid):
        rng = random.Random(self.args.seed * 1000 + wid)
        tmp = tempfile.mkdtemp(prefix=f"w{wid}.", dir=self.args.work)
        os.chmod(tmp, 0o755)
        while self.more():
            k = rng.randint(1, self.args.batch)
            parts, conns, frames, descs = [], [], [], []
            for j in range(k):
                path = os.path.join(tmp, f"part{j}.pcap")
                conn, n, desc = self.make_part(rng, j + 1, path)
                parts.append(path)
                conns.append(conn)
                frames.append(n)
                descs.append(desc)
            batch = os.path.join(tmp, "batch.pcap")
            subprocess.run(["mergecap", "-a", "-F", "pcap", "-w", batch] + parts, check=True,
                           capture_output=True)
            targs = tshark_modes(rng, conns)
            truncated = any("editcap-s" in d for d in descs)
            findings, _elapsed, output = self.runner.run(batch, targs, sum(frames), truncated)
            with self.lock:
                self.batches += 1
                self.runs += 1
                self.captures += k
                self.frames += sum(frames)
            if findings:
                self.isolate(findings, batch, parts, frames, descs, targs, output)
        shutil.rmtree(tmp, ignore_errors=True)

    def isolate(self, findings, batch, parts, frames, descs, targs, output):
        """Find the part that shows the finding on its own; keep the smallest."""
        kinds = {k for k, _ in findings}
        for path, n, desc in zip(parts, frames, descs):
            f2, _e, out2 = self.runner.run(path, targs, n, "editcap-s" in desc)
            with self.lock:
                self.runs += 1
            if {k for k, _ in f2} & kinds:
                # A slow run is kept only if it is slow again alone.
                if kinds == {"slow"}:
                    f3, _e, _o = self.runner.run(path, targs, n, "editcap-s" in desc)
                    if not f3:
                        continue
                self.record(f2, path, targs, out2, desc)
                return
        if kinds == {"slow"}:
            f3, _e, out3 = self.runner.run(batch, targs, sum(frames),
                                           any("editcap-s" in d for d in descs))
            if not f3:
                return  # a busy machine, not the capture
            findings, output = f3, out3
        self.record(findings, batch, targs, output, " | ".join(descs))

    def main(self):
        os.makedirs(os.path.join(self.args.work, "findings"), exist_ok=True)
        threads = [threading.Thread(target=self.worker, args=(w,)) for w in range(self.args.jobs)]
        for t in threads:
            t.start()
        last = time.time()
        try:
            while any(t.is_alive() for t in threads):
                time.sleep(1)
                if time.time() - last >= 60:
                    last = time.time()
                    self.progress()
        except KeyboardInterrupt:
            self.stop_at = time.time()
            for t in threads:
                t.join()
        self.progress(final=True)
        return 1 if self.findings else 0

    def progress(self, final=False):
        minutes = (time.time() - self.started) / 60
        found = sum(self.findings.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.findings.items())) or "none"
        print(f"capture-fuzz: {'done: ' if final else ''}{self.captures} mutated captures in "
              f"{self.batches} batches, {self.frames} frames, {self.runs} tshark runs, "
              f"{minutes:.1f} min, findings {found} ({detail})", flush=True)
        if final and self.saved:
            print("capture-fuzz: kept:\n  " + "\n  ".join(self.saved))


REPLAY_MODES = (["-V"], ["-2", "-V"], ["-T", "fields", "-e", "amf.json", "-E", "aggregator=\n"],
                ["-2", "-T", "fields", "-e", "amf.json", "-E", "aggregator=\n"])


def replay(args):
    """Every capture of args.replay through the four plain tshark modes."""
    runner = Runner(args)
    pcaps = sorted(f for f in os.listdir(args.replay) if f.endswith(".pcap"))
    failed = 0
    for name in pcaps:
        path = os.path.join(args.replay, name)
        frames = len(read_pcap(path)[1])
        for mode in REPLAY_MODES:
            findings, _e, output = runner.run(path, list(mode), frames)
            if findings:
                failed += 1
                print(f"capture replay: {name} {' '.join(mode)!r}: "
                      + "; ".join(f"{k}: {t[:3000]}" for k, t in findings))
    print(f"capture replay: {len(pcaps)} captures, {len(pcaps) * len(REPLAY_MODES)} tshark runs, "
          f"{failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description="capture fuzzing through tshark (see capture-fuzz.sh)")
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--captures", default=os.path.join(ROOT, "sample-captures"))
    ap.add_argument("--minutes", type=float, default=0)
    ap.add_argument("--count", type=int, default=0, help="stop after this many mutated captures")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--batch", type=int, default=12, help="mutated captures per tshark run, at most")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--base-seconds", type=float, default=10.0,
                    help="CPU time allowed for a run besides its frames")
    ap.add_argument("--frame-ms", type=float, default=50.0, help="CPU time allowed per frame")
    ap.add_argument("--max-saved", type=int, default=50)
    ap.add_argument("--replay", help="only replay the captures in this directory")
    args = ap.parse_args()
    if args.replay:
        sys.exit(replay(args))
    if not args.minutes and not args.count:
        ap.error("give --minutes or --count")
    print(f"capture-fuzz: seed {args.seed}, {args.jobs} jobs, plugin {args.plugin}", flush=True)
    sys.exit(Fuzzer(args).main())


if __name__ == "__main__":
    main()
