# SPDX-License-Identifier: GPL-2.0-or-later
"""Flex messaging fields and request/response links, the statistics tree,
compressed payloads, ByteArrays holding AMF, and the preferences that change
what the tree shows."""

import re
import unittest

from amftcp_tshark import (AmfTestCase, col, fields, matching_frames, run_tshark, parse_json,
                           SEVERITY_ERROR)

FLEX_FIELDS = ("amf.flex.message", "amf.flex.operation", "amf.flex.destination",
               "amf.flex.message_id", "amf.flex.correlation_id", "amf.flex.client_id",
               "amf.flex.fault_code", "amf.flex.command", "amf.flex.response_in",
               "amf.flex.response_to", col("Info"))

ANY = object()

# flex-messages.pcap (gen/flex-messages.js): frame -> (kind, operation,
# destination, command, response_in, response_to); ANY where the message
# carries a value this test does not look at.
FLEX_EXPECTED = {
    4: ("RemotingMessage", "authenticate", "login", None, 6, None),
    6: ("AcknowledgeMessage", None, ANY, None, None, 4),
    8: ("RemotingMessage", "getItem", "catalog", None, 10, None),
    10: ("ErrorMessage", None, ANY, None, None, 8),
    12: ("CommandMessage", None, ANY, 5, 14, None),
    14: ("AcknowledgeMessage", None, ANY, None, None, 12),
    16: ("AsyncMessage", None, "chat", None, None, None),
    18: ("RemotingMessage", "getItem", "catalog", None, 20, None),
    20: ("AcknowledgeMessage", None, ANY, None, None, 18),    # DSK
    22: ("CommandMessage", None, ANY, 5, 24, None),           # DSC
    24: ("AcknowledgeMessage", None, ANY, None, None, 22),    # DSK
    26: ("AsyncMessage", None, "chat", None, None, None),     # DSA
}


def first(frame, name):
    values = frame[name]
    return values[0] if values else None


class FlexMessages(AmfTestCase):
    def setUp(self):
        self.frames = fields("flex-messages", FLEX_FIELDS, "amftcp")

    def test_kinds_and_key_fields(self):
        self.assertEqual(sorted(self.frames), sorted(FLEX_EXPECTED))
        for number, (kind, operation, destination, command, resp_in, resp_to) in \
                FLEX_EXPECTED.items():
            f = self.frames[number]
            with self.subTest(frame=number):
                self.assertEqual(f["amf.flex.message"], [kind])
                self.assertEqual(first(f, "amf.flex.operation"), operation)
                if destination is not ANY:
                    self.assertEqual(first(f, "amf.flex.destination"), destination)
                self.assertEqual(first(f, "amf.flex.command"),
                                 None if command is None else str(command))
                self.assertEqual(first(f, "amf.flex.response_in"),
                                 None if resp_in is None else str(resp_in))
                self.assertEqual(first(f, "amf.flex.response_to"),
                                 None if resp_to is None else str(resp_to))

    def test_correlation_matches_request_message_id(self):
        for number, (_, _, _, _, _, resp_to) in FLEX_EXPECTED.items():
            if resp_to is None:
                continue
            with self.subTest(frame=number):
                self.assertEqual(self.frames[number]["amf.flex.correlation_id"],
                                 self.frames[resp_to]["amf.flex.message_id"])

    def test_small_forms_turn_uuid_bytes_into_text(self):
        # DSK in frame 20 answers the RemotingMessage of frame 18; its ids are
        # ByteArrays of 16 bytes on the wire.
        dsk = self.frames[20]
        self.assertRegex(first(dsk, "amf.flex.message_id"),
                         r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
        self.assertEqual(first(dsk, "amf.flex.client_id"), "3F2504E0-4F89-41D3-9A0C-0305E82C3301")

    def test_info_column_names_request_and_response(self):
        self.assertEqual(first(self.frames[4], col("Info")),
                         "[u32be+amf3] RemotingMessage login.authenticate -> AcknowledgeMessage")
        self.assertEqual(first(self.frames[6], col("Info")),
                         "[u32be+amf3] RemotingMessage login.authenticate -> AcknowledgeMessage")
        self.assertEqual(first(self.frames[10], col("Info")),
                         "[u32be+amf3] RemotingMessage catalog.getItem -> ErrorMessage "
                         "Server.Processing")
        self.assertEqual(first(self.frames[12], col("Info")),
                         "[u32be+amf3] CommandMessage client ping -> AcknowledgeMessage")
        self.assertEqual(first(self.frames[16], col("Info")), "[u32be+amf3] AsyncMessage chat")

    def test_filters(self):
        self.assertEqual(matching_frames("flex-messages", 'amf.flex.operation == "authenticate"'),
                         [4])
        self.assertEqual(matching_frames("flex-messages", 'amf.flex.fault_code == "Server.Processing"'),
                         [10])
        self.assertEqual(matching_frames("flex-messages", "amf.flex.response_to"),
                         [6, 10, 14, 20, 24])

    def test_envelope_body_is_linked(self):
        frames = fields("envelope", FLEX_FIELDS, "amftcp")
        self.assertEqual(frames[4]["amf.flex.message"], ["RemotingMessage"])
        self.assertEqual(frames[4]["amf.flex.operation"], ["getItemCount"])
        self.assertEqual(frames[4]["amf.flex.response_in"], ["6"])
        self.assertEqual(frames[6]["amf.flex.message"], ["ErrorMessage"])
        self.assertEqual(frames[6]["amf.flex.fault_code"], ["Server.ResourceUnavailable"])
        self.assertEqual(frames[6]["amf.flex.response_to"], ["4"])


def stats_tree(pcap):
    """`tshark -z amftcp,tree` rows: [(depth, name, count)]."""
    out = run_tshark(["-q", "-z", "amftcp,tree"], pcap, two_pass=False)
    rows = []
    for line in out.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
        if m and not line.startswith("Topic"):
            rows.append((len(m.group(1)), m.group(2), int(m.group(3))))
    return rows


class Statistics(unittest.TestCase):
    def test_flex_messages_tree(self):
        rows = dict(((d, n), c) for d, n, c in stats_tree("flex-messages"))
        self.assertEqual(rows[(0, "AMF over TCP messages")], 12)
        self.assertEqual(rows[(2, "Client to server")], 5)
        self.assertEqual(rows[(2, "Server to client")], 7)
        self.assertEqual(rows[(2, "AMF3")], 12)
        self.assertEqual(rows[(2, "Object")], 12)
        self.assertEqual(rows[(2, "flex.messaging.messages.RemotingMessage")], 3)
        self.assertEqual(rows[(2, "DSK")], 2)
        self.assertEqual(rows[(2, "RemotingMessage catalog.getItem")], 2)
        self.assertEqual(rows[(2, "CommandMessage client ping")], 2)
        self.assertEqual(rows[(2, "ErrorMessage Server.Processing")], 1)

    def test_types_and_versions(self):
        rows = dict(((d, n), c) for d, n, c in stats_tree("amf0-types"))
        # 27 messages, one in three of them decoded before the heuristic
        # claimed the connection is not counted in a single pass: the count
        # is what a single pass decodes.
        total = rows[(0, "AMF over TCP messages")]
        self.assertEqual(rows[(2, "AMF0")], total)
        self.assertEqual(rows[(2, "MovieClip")], 1)
        self.assertEqual(rows[(2, "RecordSet")], 1)
        self.assertEqual(rows[(2, "Unsupported")], 1)
        self.assertEqual(rows[(2, "com.example.game.Player")], 1)


class Compressed(AmfTestCase):
    def setUp(self):
        self.frames = fields("compressed", ("amf.json", "amftcp.compressed_length",
                                            "amftcp.inflated_length", "amf.type", "amf.string"),
                             "amftcp", experts=True)

    def test_every_message_decodes(self):
        f = self.frames
        self.assertEqual(sorted(f), [4, 6, 8, 10, 12, 14, 16])
        self.assertFrameJson(f[4], [{"cmd": "hello", "compress": True}])
        self.assertFrameJson(f[6], [{"cmd": "welcome", "motd": "compressed payloads from here on",
                                     "tags": ["a", "b", "c"]}])
        self.assertFrameJson(f[8], [{"cmd": "list"}])
        items = [{"id": i, "name": "item-%04d" % i, "price": i * 1.25} for i in range(1000)]
        self.assertFrameJson(f[10], [{"cmd": "items", "items": items}])
        self.assertFrameJson(f[16], [{"cmd": "bye"}])
        for frame in f.values():
            self.assertNoExpert(frame)

    def test_lengths_before_and_after(self):
        self.assertEqual(self.frames[10]["amftcp.inflated_length"], ["27377"])
        self.assertEqual(self.frames[8]["amftcp.inflated_length"], ["14"])
        self.assertEqual(self.frames[4]["amftcp.inflated_length"], [])

    def test_compression_off_leaves_payloads_alone(self):
        # The client's direction is found from its first, plain message; its
        # compressed one (frame 8) then fails to decode as AMF.
        frames = fields("compressed", ("amf.json", "amftcp.inflated_length"), "amftcp",
                        extra=("-o", "amftcp.compression:off"))
        self.assertEqual(frames[8]["amftcp.inflated_length"], [])
        self.assertEqual(list(parse_json(frames[8]["amf.json"][0])), ["$error"])


class ByteArrayContent(AmfTestCase):
    def test_off_by_default(self):
        frames = fields("compressed", ("amf.string",), "frame.number == 12")
        self.assertEqual(frames[12]["amf.string"], ["blob"])

    def test_amf_inside_bytearrays(self):
        frames = fields("compressed", ("amf.string", "amf.int", "amftcp.inflated_length"),
                        "frame.number == 12 || frame.number == 14",
                        extra=("-o", "amftcp.bytearray_amf:TRUE"))
        self.assertEqual(frames[12]["amf.string"], ["blob", "amf inside a ByteArray"])
        self.assertEqual(frames[12]["amf.int"], ["42"])
        self.assertEqual(frames[14]["amf.string"], ["blobz", "zlib", "inside"])
        self.assertEqual(frames[14]["amf.int"], ["3"])
        self.assertEqual(frames[14]["amftcp.inflated_length"], ["19"])


def detail_lines(pcap, frame, *prefs):
    args = ["-Y", "frame.number == %d" % frame, "-O", "amftcp", "-V"]
    for p in prefs:
        args += ["-o", p]
    return [line.strip() for line in run_tshark(args, pcap).splitlines()]


class Preferences(unittest.TestCase):
    def test_reference_labels(self):
        # amf3-types frame 88: [S, S, L, {ref: L}]; element 1 refers to object 1.
        both = detail_lines("amf3-types", 88)
        self.assertIn("[1]: Object (value at offset 3), reference #1", both)
        resolved = detail_lines("amf3-types", 88, "amftcp.references:resolved")
        self.assertIn("[1]: Object (value at offset 3)", resolved)
        index = detail_lines("amf3-types", 88, "amftcp.references:index")
        self.assertIn("[1]: Object reference #1", index)

    def test_heuristic_off_claims_nothing(self):
        self.assertEqual(matching_frames("amf3-types", "amftcp",
                                         extra=("-o", "amftcp.heuristic:FALSE")), [])
        # The port preference still decodes the connection.
        frames = matching_frames("amf3-types", "amftcp",
                                 extra=("-o", "amftcp.heuristic:FALSE",
                                        "-o", "amftcp.tcp.port:20001"))
        self.assertEqual(len(frames), 90)

    def test_depth_limit(self):
        # amf3-types frame 84 nests 4 levels: a limit of 2 stops it.
        frames = fields("amf3-types", ("amf.json",), "frame.number == 84", experts=True,
                        extra=("-o", "amftcp.max_depth:2"))
        experts = frames[84].experts()
        self.assertEqual([s for s, _ in experts], [SEVERITY_ERROR])
        self.assertIn("depth limit", experts[0][1])
        self.assertIn("$error", frames[84]["amf.json"][0])

    def test_forced_framing(self):
        # framing-u16 forced as 2-byte lengths decodes its first message in a
        # single pass too.
        frames = fields("framing-u16", ("amftcp.framing",), "amftcp", two_pass=False,
                        extra=("-o", "amftcp.framing:length", "-o", "amftcp.length_field:u16be",
                               "-o", "amftcp.tcp.port:20101"))
        self.assertEqual(sorted(frames), [4, 6, 8, 10, 12, 14, 16, 18, 20, 22])
        self.assertEqual({f["amftcp.framing"][0] for f in frames.values()}, {"u16be+amf3"})


if __name__ == "__main__":
    unittest.main()
