#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the seed corpora of the fuzz targets (generated, not committed).

    tests/fuzz/make-corpus.py OUTDIR [--vectors DIR] [--captures DIR]

Writes OUTDIR/<target>/<sha1> for the targets amf3, amf0, packet, frame and
json:
  - the TCP payloads of sample-captures/*.pcap (tshark -T fields -e
    tcp.payload), put back in stream order per direction, then cut into
    messages by each capture's framing as its generator script documents it
    (sample-captures/gen/*.js): length prefixes stripped, bare streams cut at
    segment starts (a value target decodes the first value and ignores the
    rest), envelopes one per segment, a policy-file exchange skipped;
  - the RocketAMF fixtures (read where they are, never copied into the
    repository): objects/amf3-* to amf3, objects/amf0-* to amf0, request/*
    to packet;
  - json gets every value seed, frame the raw stream directions, single
    segments, and the fixtures behind a 4-byte length.
"""
import argparse
import hashlib
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# Framing of each sample capture, from the header of its generator script.
# (kind, prefix bytes, little-endian, length counts the prefix, AMF version)
FRAMINGS = {
    "amf0-avmplus": ("bare", 0, False, False, 0),
    "amf0-types": ("length", 4, False, False, 0),
    "amf3-large": ("length", 4, False, False, 3),
    "amf3-multi": ("length", 4, False, False, 3),
    "amf3-types": ("length", 4, False, False, 3),
    "bare-amf0": ("bare", 0, False, False, 0),
    "bare-amf3": ("bare", 0, False, False, 3),
    "envelope": ("packet", 0, False, False, 0),
    "flex-messages": ("length", 4, False, False, 3),
    "framing-amf0-u32": ("length", 4, False, False, 0),
    "framing-u16": ("length", 2, False, False, 3),
    "framing-u32incl": ("length", 4, False, True, 3),
    "framing-u32le": ("length", 4, True, False, 3),
    # A policy-file exchange first (port 843 has nothing else), then u32be AMF3.
    "policy-file": ("length", 4, False, False, 3),
    "non-amf": ("none", 0, False, False, 0),
}

# Seeds longer than this are cut: the targets run with a smaller -max_len,
# and libFuzzer reads no more than that of any file.
SEED_MAX = 64 * 1024
TARGETS = ("amf3", "amf0", "packet", "frame", "json")


class Corpus:
    def __init__(self, out):
        self.out = out
        self.counts = {t: 0 for t in TARGETS}
        for t in TARGETS:
            os.makedirs(os.path.join(out, t), exist_ok=True)

    def add(self, target, data):
        data = bytes(data[:SEED_MAX])
        if not data:
            return
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(self.out, target, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.counts[target] += 1

    def value(self, version, data):
        self.add("amf3" if version == 3 else "amf0", data)
        self.add("json", data)


def directions(pcap, tshark):
    """Per stream direction: the list of segment payloads in sequence order,
    retransmitted bytes dropped."""
    cmd = [tshark, "-n", "-r", pcap, "-T", "fields", "-e", "tcp.stream", "-e", "tcp.srcport",
           "-e", "tcp.seq", "-e", "tcp.payload", "-Y", "tcp.len > 0"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    dirs = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or not parts[3]:
            continue
        stream, port, seq, payload = parts[0], parts[1], int(parts[2]), bytes.fromhex(
            parts[3].replace(":", ""))
        dirs.setdefault((int(stream), int(port)), []).append((seq, payload))
    result = {}
    for key, segs in sorted(dirs.items()):
        segs.sort(key=lambda s: s[0])
        kept, expect = [], None
        for seq, payload in segs:
            if expect is not None and seq < expect:
                skip = expect - seq
                if skip >= len(payload):
                    continue
                payload = payload[skip:]
                seq = expect
            kept.append(payload)
            expect = seq + len(payload)
        result[key] = kept
    return result


def strip_policy(stream):
    """Bytes after a policy-file request or answer (text up to its NUL)."""
    while stream[:1] == b"<":
        nul = stream.find(b"\0")
        if nul < 0:
            return b""
        stream = stream[nul + 1:]
    return stream


def split_length(stream, prefix, little, incl):
    fmt = ("<" if little else ">") + ("H" if prefix == 2 else "I")
    pos, values = 0, []
    while pos + prefix <= len(stream):
        (n,) = struct.unpack_from(fmt, stream, pos)
        if incl:
            n -= prefix
        if n <= 0:
            break
        values.append(stream[pos + prefix:pos + prefix + n])
        pos += prefix + n
    return values


def add_capture(corpus, pcap, tshark):
    name = os.path.splitext(os.path.basename(pcap))[0]
    kind, prefix, little, incl, version = FRAMINGS.get(name, ("none", 0, False, False, 0))
    for _, segments in directions(pcap, tshark).items():
        stream = b"".join(segments)
        corpus.add("frame", stream)
        for seg in segments:
            corpus.add("frame", seg)
        if kind == "length":
            for value in split_length(strip_policy(stream), prefix, little, incl):
                corpus.value(version, value)
        elif kind == "bare":
            pos = 0
            for seg in segments:
                corpus.value(version, stream[pos:pos + SEED_MAX])
                pos += len(seg)
        elif kind == "packet":
            for seg in segments:
                corpus.add("packet", seg)
                corpus.add("json", seg)


def add_vectors(corpus, vectors):
    objects = os.path.join(vectors, "rocketamf", "objects")
    requests = os.path.join(vectors, "rocketamf", "request")
    for d, kind in ((objects, "object"), (requests, "request")):
        if not os.path.isdir(d):
            # A plain clone has no ../shared; CI (CI set) has, so there a
            # missing directory is an error.
            if os.environ.get("CI"):
                sys.exit(f"make-corpus: no {d} while CI is set: RocketAMF fixtures missing")
            print(f"make-corpus: no {d}: RocketAMF fixture seeds SKIPPED "
                  "(they come from ../shared/vectors beside the clone)", file=sys.stderr)
            continue
        for f in sorted(os.listdir(d)):
            with open(os.path.join(d, f), "rb") as fh:
                data = fh.read()
            if kind == "request":
                corpus.add("packet", data)
                corpus.add("json", data)
                corpus.add("frame", data)
            elif f.startswith("amf3-"):
                corpus.value(3, data)
                corpus.add("frame", struct.pack(">I", len(data)) + data)
            elif f.startswith("amf0-"):
                corpus.value(0, data)
                corpus.add("frame", struct.pack(">I", len(data)) + data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--vectors", default=os.environ.get(
        "AMFTCP_VECTORS", os.path.join(ROOT, "..", "shared", "vectors")))
    ap.add_argument("--captures", default=os.path.join(ROOT, "sample-captures"))
    ap.add_argument("--tshark", default=os.environ.get("AMFTCP_TSHARK", "tshark"))
    args = ap.parse_args()
    corpus = Corpus(args.out)
    for f in sorted(os.listdir(args.captures)):
        if f.endswith(".pcap") or f.endswith(".pcapng"):
            add_capture(corpus, os.path.join(args.captures, f), args.tshark)
    add_vectors(corpus, args.vectors)
    print("make-corpus: " + ", ".join(f"{t} {corpus.counts[t]}" for t in TARGETS)
          + f" new seeds in {args.out}")


if __name__ == "__main__":
    main()
