# SPDX-License-Identifier: GPL-2.0-or-later
"""AMF inside TLS (sample-captures/gen/tls-amf3.js): decrypted with the key
log beside the capture, the application data goes through the same
detection, framing, reassembly across records and segments, tree and
amf.json as raw TCP; without the key log, and on the connection that is not
AMF, amftcp claims nothing.  Expected values come from the script's
comment."""
import os
import re
import unittest

import amftcp_tshark as T

PCAP = "tls-amf3"
KEYLOG = os.path.join(T.CAPTURES, "tls-amf3.keys")
DECRYPT = ("-o", "tls.keylog_file:" + KEYLOG)

ITEMS = ["item %d" % i for i in range(300)]
EXPECTED = {
    8: [{"op": "login", "user": "alice", "id": 1}],
    11: ["two messages in one record", 3],
    27: [{"op": "upload", "items": ITEMS}],
    31: ["length prefix split across records"],
    33: [{"ok": True, "received": 5}],
}
LENGTHS = {8: ["31"], 11: ["28", "2"], 27: ["2915"], 31: ["36"], 33: ["19"]}
# Connection 2: text lines over TLS, not AMF.
NOT_AMF_FRAMES = [48, 51, 52]

FIELDS = ["amf.json", "amftcp.framing", "amftcp.length", "amftcp.amf_version",
          "frame.protocols", "tls.reassembled_in", "tls.segment.count", "tcp.stream"]


def stats_tree(extra):
    """`tshark -z amftcp,tree` rows as {(depth, name): count}."""
    out = T.run_tshark(["-q", "-z", "amftcp,tree"] + list(extra), PCAP, two_pass=False)
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
        if m and not line.startswith("Topic"):
            rows[(len(m.group(1)), m.group(2))] = int(m.group(3))
    return rows


class _Decrypted:
    EXTRA = DECRYPT
    TWO_PASS = True

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, two_pass=cls.TWO_PASS, experts=True,
                              extra=cls.EXTRA)

    def test_json_of_every_message(self):
        for n, docs in EXPECTED.items():
            with self.subTest(frame=n):
                self.assertFrameJson(self.frames[n], docs)

    def test_no_other_frame_holds_amf(self):
        got = [n for n, f in self.frames.items() if f["amf.json"]]
        self.assertEqual(got, sorted(EXPECTED))

    def test_framing_and_lengths(self):
        for n, lengths in LENGTHS.items():
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["amftcp.length"], lengths)
                self.assertEqual(self.frames[n]["amftcp.framing"], ["u32be+amf3"] * len(lengths))
                self.assertEqual(self.frames[n]["amftcp.amf_version"], ["3"] * len(lengths))

    def test_amftcp_is_inside_tls(self):
        # Claimed through TLS: the TCP conversation stays TLS's.
        for n in EXPECTED:
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["frame.protocols"],
                                 ["eth:ethertype:ip:tcp:tls:amftcp"])

    def test_message_over_several_records(self):
        # Message 4: 7 records of 400 bytes, then the rest, reassembled by
        # TLS in frame 27 and decoded once (earlier frames know where only
        # in a second pass).
        for n in range(13, 27, 2):
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["tls.reassembled_in"],
                                 ["27"] if self.TWO_PASS else [])
                self.assertEqual(self.frames[n]["amf.json"], [])
        self.assertEqual(self.frames[27]["tls.segment.count"], ["8"])
        self.assertEqual(self.frames[29]["tls.reassembled_in"], ["31"] if self.TWO_PASS else [])
        self.assertEqual(self.frames[31]["tls.segment.count"], ["2"])

    def test_no_expert_info(self):
        got = {n: f.amftcp_experts() for n, f in self.frames.items() if f.amftcp_experts()}
        self.assertEqual(got, {})

    def test_other_connection_not_claimed(self):
        for n in NOT_AMF_FRAMES:
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["tcp.stream"], ["1"])
                self.assertNotIn("amftcp", self.frames[n]["frame.protocols"][0].split(":"))


class TwoPasses(_Decrypted, T.AmfTestCase):
    pass


class OnePass(_Decrypted, T.AmfTestCase):
    TWO_PASS = False


class DecodeAs(T.AmfTestCase):
    """tls.port Decode As with the heuristic off: the AMF connection decodes
    the same; the text connection on the same port shows undetected data."""

    def test_decode_as(self):
        frames = T.fields(PCAP, ["amf.json", "amftcp.framing"], experts=True,
                          extra=DECRYPT + ("--disable-heuristic", "amftcp_tls",
                                           "-d", "tls.port==20443,amftcp"))
        for n, docs in EXPECTED.items():
            with self.subTest(frame=n):
                self.assertFrameJson(frames[n], docs)
        got = [n for n, f in frames.items() if f["amf.json"]]
        self.assertEqual(got, sorted(EXPECTED))
        self.assertEqual(frames[51].amftcp_experts(), ["amftcp.undetected"])

    def test_heuristic_off_claims_nothing(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp",
                                           extra=DECRYPT + ("--disable-heuristic", "amftcp_tls")),
                         [])


class WithoutKeyLog(unittest.TestCase):
    def test_not_claimed(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp"), [])
        self.assertEqual(T.matching_frames(PCAP, "amftcp", two_pass=False), [])

    def test_still_tls(self):
        frames = T.fields(PCAP, ["frame.protocols"], display_filter="tls.app_data")
        self.assertGreater(len(frames), 10)
        for n, f in frames.items():
            with self.subTest(frame=n):
                self.assertEqual(f["frame.protocols"], ["eth:ethertype:ip:tcp:tls"])


class Statistics(unittest.TestCase):
    def test_tree(self):
        rows = stats_tree(DECRYPT)
        self.assertEqual(rows[(0, "AMF over TCP messages")], 6)
        self.assertEqual(rows[(2, "Client to server")], 5)
        self.assertEqual(rows[(2, "Server to client")], 1)
        self.assertEqual(rows[(2, "AMF3")], 6)
        self.assertEqual(rows[(2, "Object")], 3)
        self.assertEqual(rows[(2, "String")], 2)
        self.assertEqual(rows[(2, "Integer")], 1)

    def test_tree_without_key_log(self):
        self.assertEqual(stats_tree(())[(0, "AMF over TCP messages")], 0)


class Registration(unittest.TestCase):
    def test_heuristic_on_tls_list(self):
        rows = [r for r in T.glossary("heuristic-decodes") if r[1] == "amftcp"]
        # table, protocol, enabled; 4.4 and later add more columns, the
        # heuristic's short name among them.
        self.assertIn(["tls", "amftcp", "T"], [r[:3] for r in rows])
        if T.ws_at_least(4, 4):
            self.assertIn("amftcp_tls", [r for r in rows if r[0] == "tls"][0])

    def test_decode_as_table(self):
        rows = [r for r in T.glossary("decodes") if r[0] == "tls.port" and r[2] == "amftcp"]
        self.assertEqual(rows, [])   # no port by default: Decode As only


if __name__ == "__main__":
    unittest.main()
