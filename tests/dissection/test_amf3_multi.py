# SPDX-License-Identifier: GPL-2.0-or-later
"""amf3-multi.pcap: message boundaries that do not line up with TCP segments
(see sample-captures/gen/amf3-multi.js), and amf.json as JSON Lines."""
import json
import unittest

import amftcp_tshark as T

PCAP = "amf3-multi"
PORT = 20003

# Client messages 1..8 and the server's reply, as documented.
MESSAGES = [
    "batch 1",
    2,
    3.5,
    {"batch": 4, "last": True},
    "split inside the length prefix",
    [6, "six", 6.5, "the end of this array is in the next segment"],
    "seventh message starts in the previous segment",
    {"n": 8, "note": "prefix and value in separate segments"},
]
REPLY = "received 8"

SEGMENT_FRAMES = [4, 6, 8, 10, 12, 14, 16, 18]       # segments A..H
SEGMENT_LENGTHS = [54, 2, 34, 64, 12, 45, 4, 52]
# Frame in which each message is complete (where it is dissected).
MESSAGE_FRAMES = {4: MESSAGES[0:4], 8: [MESSAGES[4]], 12: [MESSAGES[5]], 14: [MESSAGES[6]],
                  18: [MESSAGES[7]], 20: [REPLY]}

FIELDS = ["amf.json", "amftcp.length", "amftcp.framing", "tcp.len", "tcp.reassembled_in",
          "amf.type"]


class _MultiBase:
    TWO_PASS = True

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, two_pass=cls.TWO_PASS, experts=True)

    def test_capture_layout_matches_script(self):
        client = [s for s in T.data_segments(PCAP) if s.dport == PORT]
        self.assertEqual([(s.frame, len(s.payload)) for s in client],
                         list(zip(SEGMENT_FRAMES, SEGMENT_LENGTHS)))
        msgs = T.length_framed_messages(PCAP)
        self.assertEqual([(m.first_frame, m.frame) for m in msgs],
                         [(4, 4)] * 4 + [(6, 8), (10, 12), (12, 14), (16, 18), (20, 20)])

    def test_messages_per_frame(self):
        got = {n: len(f["amf.json"]) for n, f in self.frames.items() if f["amf.json"]}
        self.assertEqual(got, {n: len(m) for n, m in MESSAGE_FRAMES.items()})
        for n, docs in MESSAGE_FRAMES.items():
            with self.subTest(frame=n):
                self.assertFrameJson(self.frames[n], docs)

    def test_four_messages_in_frame_4(self):
        f = self.frames[4]
        self.assertEqual(f["amftcp.framing"], ["u32be+amf3"] * 4)
        self.assertEqual(f["amftcp.length"], ["9", "2", "9", "18"])
        self.assertEqual([int(t) for t in f["amf.type"]],
                         [T.TYPE["string"], T.TYPE["integer"], T.TYPE["number"],
                          T.TYPE["object"], T.TYPE["integer"], T.TYPE["boolean"]])

    def test_lengths_of_split_messages(self):
        self.assertEqual(self.frames[8]["amftcp.length"], ["32"])
        self.assertEqual(self.frames[12]["amftcp.length"], ["65"])
        self.assertEqual(self.frames[14]["amftcp.length"], ["48"])
        self.assertEqual(self.frames[18]["amftcp.length"], ["52"])

    def test_segments_without_a_whole_message(self):
        for n in (6, 10, 16):
            self.assertEqual(self.frames[n]["amf.json"], [])

    def test_no_expert_info(self):
        for n in MESSAGE_FRAMES:
            self.assertNoExpert(self.frames[n])


class MultiTwoPassTest(_MultiBase, T.AmfTestCase):
    TWO_PASS = True

    def test_reassembled_in(self):
        self.assertEqual(self.frames[6]["tcp.reassembled_in"], ["8"])
        self.assertEqual(self.frames[10]["tcp.reassembled_in"], ["12"])
        self.assertEqual(self.frames[12]["tcp.reassembled_in"], ["14"])
        self.assertEqual(self.frames[16]["tcp.reassembled_in"], ["18"])

    def test_filter_amftcp(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp"), sorted(MESSAGE_FRAMES))


class MultiOnePassTest(_MultiBase, T.AmfTestCase):
    TWO_PASS = False


class JsonLinesTest(T.AmfTestCase):
    """-T fields -e amf.json -E aggregator=<newline>: one document per line
    on 4.0.  From 4.4 on tshark writes the aggregator inside a line as
    \\n, so each line is one frame's documents joined by that escape."""

    ALL = MESSAGES + [REPLY]

    def lines(self, *args):
        out = T.run_tshark(["-T", "fields", "-e", "amf.json", "-E", "aggregator=\n"] + list(args),
                           PCAP)
        return out.split("\n")[:-1]

    def test_json_lines_of_amf_frames(self):
        lines = self.lines("-Y", "amf.json")
        if T.ws_at_least(4, 4):
            self.assertEqual(len(lines), len(T.matching_frames(PCAP, "amf.json")), lines)
            self.assertEqual(lines[0], '"batch 1"\\n2\\n3.5\\n{"batch":4,"last":true}')
            lines = [doc for line in lines for doc in T.fields_text(line).split("\n")]
        self.assertEqual(len(lines), len(self.ALL), lines)
        for line, doc in zip(lines, self.ALL):
            json.loads(line)
            self.assertJsonEqual(line, doc)

    def test_default_aggregator_joins_with_commas(self):
        out = T.run_tshark(["-T", "fields", "-e", "amf.json", "-Y", "frame.number == 4"], PCAP)
        self.assertEqual(out, '"batch 1",2,3.5,{"batch":4,"last":true}\n')


if __name__ == "__main__":
    unittest.main()
