# SPDX-License-Identifier: GPL-2.0-or-later
"""Service response time: `tshark -q -z amftcp,srt` (plugin/amftcp-srt.c).
Every row's count, min, max, average and sum come from the frame times of
the requests and responses the capture scripts document, read from the
pcap itself."""

import decimal
import os
import re
import shutil
import struct
import tempfile
import unittest

from amftcp_tshark import AmfTestCase, capture, fields, run_tshark
from test_jsonl import pcap_times

ROW = re.compile(r"^\s*(\d+)\s+(.*?)\s+(\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$")
HEADER = re.compile(r"^Index\s+(Operation|Target URI|Request)\s+Calls\s+Min SRT\s+Max SRT\s+"
                    r"Avg SRT\s+Sum SRT\s*$")
TABLES = {"Operation": "flex", "Target URI": "envelope", "Request": "unanswered"}

# flex-messages.pcap (sample-captures/gen/flex-messages.js): M1..M12 are
# frames 4, 6, ..., 26.  (request frame, response frame) per row.
FLEX_PAIRS = {
    "login.authenticate": [(4, 6)],                 # M1 -> M2
    "catalog.getItem (fault)": [(8, 10)],           # M3 -> M4 ErrorMessage
    "CommandMessage client ping": [(12, 14), (22, 24)],  # M5 -> M6, M10 -> M11
    "catalog.getItem": [(18, 20)],                  # M8 -> M9 (DSK)
}


def run_srt(pcap, extra=(), two_pass=True):
    """{table: {row name: (calls, min, max, avg, sum)}} from tshark's SRT
    output (times as Decimal seconds)."""
    out = run_tshark(["-q", "-z", "amftcp,srt"] + list(extra), pcap, two_pass)
    tables, current = {}, None
    for line in out.splitlines():
        h = HEADER.match(line)
        if h:
            current = tables.setdefault(TABLES[h.group(1)], {})
            continue
        m = ROW.match(line)
        if m and current is not None:
            current[m.group(2)] = (int(m.group(3)),) + tuple(decimal.Decimal(v) for v in m.groups()[3:])
    return tables


def expected_row(times, pairs):
    deltas = [times[resp] - times[req] for req, resp in pairs]
    total = sum(deltas)
    return len(deltas), min(deltas), max(deltas), total / len(deltas), total


class SrtTestCase(AmfTestCase):
    def assert_row(self, got, want, name):
        """tshark prints six decimals."""
        self.assertEqual(got[0], want[0], name)
        q = decimal.Decimal("0.000001")
        for label, g, w in zip(("min", "max", "avg", "sum"), got[1:], want[1:]):
            self.assertLessEqual(abs(g - w), q, "%s %s: %s, want %s" % (name, label, g, w))


class TestFlexSrt(SrtTestCase):
    def check(self, tables):
        times = pcap_times("flex-messages")
        self.assertEqual(set(tables["flex"]), set(FLEX_PAIRS))
        for name, pairs in FLEX_PAIRS.items():
            self.assert_row(tables["flex"][name], expected_row(times, pairs), name)
        self.assertNotIn("envelope", tables)
        self.assertNotIn("unanswered", tables)

    def test_two_pass(self):
        self.check(run_srt("flex-messages"))

    def test_one_pass(self):
        """A response's record has its link in the first pass too."""
        self.check(run_srt("flex-messages", two_pass=False))

    def test_figures(self):
        """The rows as numbers: login.authenticate took 42.012 ms."""
        row = run_srt("flex-messages")["flex"]["login.authenticate"]
        self.assertEqual(row, (1,) + (decimal.Decimal("0.042012"),) * 4)
        ping = run_srt("flex-messages")["flex"]["CommandMessage client ping"]
        self.assertEqual(ping[0], 2)
        self.assertEqual(ping[4], ping[1] + ping[2])


def truncated_pcap(src, frames, dest):
    """Write the first `frames` records of classic pcap src to dest."""
    with open(src, "rb") as fh:
        data = fh.read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    offset = 24
    for _ in range(frames):
        caplen = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        offset += 16 + caplen
    with open(dest, "wb") as fh:
        fh.write(data[:offset])


class TestUnanswered(SrtTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        # Up to M10 (frame 22): the ping's acknowledgement M11 is cut off.
        self.pcap = os.path.join(self.tmp, "flex-cut.pcap")
        truncated_pcap(capture("flex-messages"), 22, self.pcap)

    def test_counted_apart(self):
        tables = run_srt(self.pcap)
        self.assertEqual(set(tables["unanswered"]), {"Flex CommandMessage client ping"})
        self.assertEqual(tables["unanswered"]["Flex CommandMessage client ping"][0], 1)
        times = pcap_times("flex-messages")
        self.assert_row(tables["flex"]["CommandMessage client ping"],
                        expected_row(times, [(12, 14)]), "ping")

    def test_one_pass_knows_no_unanswered(self):
        """Only with every frame seen can a request be known unanswered."""
        self.assertNotIn("unanswered", run_srt(self.pcap, two_pass=False))


class TestEnvelopeSrt(SrtTestCase):
    HTTP = ("-d", "tcp.port==20190,http")

    def test_targets(self):
        """http-remoting.pcap: one row per request target URI, the onStatus
        answer apart, each time the frames' difference."""
        tables = run_srt("http-remoting", self.HTTP)
        times = pcap_times("http-remoting")
        frames = fields("http-remoting", ["amf.envelope.response_to", "amf.envelope.uri"],
                        "amf.envelope.response_to", extra=self.HTTP)
        self.assertTrue(frames)
        pairs = [(int(f["amf.envelope.response_to"][i]), n)
                 for n, f in frames.items() for i in range(len(f["amf.envelope.response_to"]))]
        self.assertEqual(set(tables["envelope"]),
                         {"catalog.getItems", "catalog.getCount", "catalog.getItem (fault)", "null"})
        for name, row in tables["envelope"].items():
            self.assertEqual(row[0], 1, name)
        # Every answer's time is one of the rows' (each row has one call).
        got = sorted(row[4] for row in tables["envelope"].values())
        want = sorted(times[resp] - times[req] for req, resp in pairs)
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            self.assertLessEqual(abs(g - w), decimal.Decimal("0.000001"))
        self.assertEqual(set(tables["flex"]), {"catalog.getItemCount"})


if __name__ == "__main__":
    unittest.main()
