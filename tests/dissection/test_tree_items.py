# SPDX-License-Identifier: GPL-2.0-or-later
"""What a tree costs: one item per value, the wire details only when asked,
and amf.json for a visible tree only up to 1 MiB messages (README, "Fields";
plugin/amftcp-tree.c).

- The packet details show each value as one item labelled with all it says
  (a scalar also has its value field, a member its name).  The markers
  (amf.amf3_type, amf.amf0_type), counts (amf.count), trait details and end
  markers are there with the preference amftcp.wire_details, or when a
  display filter, a column or (Wireshark 4.2 and later) tshark -e asks for
  the field.
- A container's label is written once, at its end, with its member count.
- A visible tree gets amf.json unasked only for messages up to 1 MiB; a
  larger one gets the expert info amftcp.json_not_built instead, and its
  JSON when a filter or a column asks for it, or from -z amftcp,jsonl."""

import base64
import json
import os
import re
import unittest

from amftcp_tshark import (CAPTURES, AmfTestCase, col, fields, matching_frames, run_tshark, ws_at_least)
from test_amf3_types import OBJECT_MESSAGES, message_frame


def amftcp_details(pcap, display_filter, extra=()):
    """The -O amftcp text of the frames display_filter keeps: the lines of
    each AMF over TCP subtree, by frame."""
    out = run_tshark(["-O", "amftcp", "-Y", display_filter] + list(extra), pcap)
    frames, current, inside = {}, None, False
    for line in out.splitlines():
        m = re.match(r"Frame (\d+):", line)
        if m:
            current, inside = int(m.group(1)), False
            frames[current] = []
        elif line.startswith("AMF over TCP"):
            inside = True
            frames[current].append(line)
        elif inside and line.startswith(" "):
            frames[current].append(line)
        else:
            inside = False
    return frames


# Message 29 of amf3-types.pcap: an anonymous dynamic object; 37: a
# Vector.<com.example.User> of two typed objects, the second by trait
# reference (sample-captures/gen/amf3-types.js).
TREE_29 = """\
AMF over TCP, 4-byte big-endian length + AMF3 value, 47 bytes
    [Framing: u32be+amf3]
    [AMF version: 3]
    Length: 43
    Object (4 members)
        Traits: (anonymous), 0 sealed members, dynamic
        name: String "Ann"
            Member name: name
            String: Ann
        age: Integer 30
            Member name: age
            Integer: 30
        active: Boolean true
            Member name: active
            Boolean: True
        score: Number 9.5
            Member name: score
            Number: 9.5
    [JSON: {"name":"Ann","age":30,"active":true,"score":9.5}]"""

TREE_37_HEAD = """\
AMF over TCP, 4-byte big-endian length + AMF3 value, 97 bytes
    [Framing: u32be+amf3]
    [AMF version: 3]
    Length: 93
    Vector Object.<com.example.User> (2 elements)
        Element type: com.example.User
        Fixed length: False
        [0]: Object com.example.User (4 members)
            Traits: com.example.User, 4 sealed members
                Member name: id
                Member name: name
                Member name: email
                Member name: admin
            id: Integer 2
                Integer: 2"""

TREE_37_SECOND = """\
        [1]: Object com.example.User (4 members)
            Traits: reference #0 to com.example.User, 4 sealed members
            [Class name: com.example.User]
            id: Integer 3
                Integer: 3"""


class TreeItemsTest(AmfTestCase):
    PCAP = "amf3-types"

    def test_one_item_per_value_in_the_packet_details(self):
        frames = amftcp_details(self.PCAP, "frame.number == %d || frame.number == %d"
                                % (message_frame(29), message_frame(37)))
        self.assertEqual("\n".join(frames[message_frame(29)]), TREE_29)
        tree_37 = "\n".join(frames[message_frame(37)])
        self.assertTrue(tree_37.startswith(TREE_37_HEAD), tree_37)
        self.assertIn(TREE_37_SECOND, tree_37)
        self.assertNotIn("AMF3 type", tree_37)

    def test_wire_details_preference(self):
        frames = amftcp_details(self.PCAP, "frame.number == %d" % message_frame(29),
                                extra=["-o", "amftcp.wire_details:TRUE"])
        tree = "\n".join(frames[message_frame(29)])
        # One marker per value: the object and its four members.
        self.assertEqual(len(re.findall(r"^ +AMF3 type: ", tree, re.M)), 5, tree)
        self.assertIn("AMF3 type: Object (0x0a)", tree)
        self.assertIn("AMF3 type: Double (0x05)", tree)
        self.assertRegex(tree, r"Sealed member count: 0|Trait count: 0|Sealed members: 0")
        self.assertIn("end of dynamic members", tree.lower())

    def test_a_filter_asks_for_the_marker(self):
        """No preference needed: a filter on amf.amf3_type makes its items."""
        objects = matching_frames(self.PCAP, 'amf.type == "object"')
        self.assertEqual(matching_frames(self.PCAP, "amf.amf3_type == 0x0a"), objects)
        self.assertEqual(sorted(set(objects) & {message_frame(k) for k in range(1, 46)}),
                         [message_frame(k) for k in OBJECT_MESSAGES])
        # amf.count, too: the dense array [1, 2, 3, "four", true] of
        # framing-u16.pcap's message 4.
        self.assertEqual(matching_frames("framing-u16", "amf.count == 5"),
                         matching_frames("framing-u16", 'amf.string == "four"'))
        self.assertEqual(len(matching_frames("framing-u16", "amf.count == 5")), 1)

    def test_minus_e_asks_for_the_marker_from_4_2(self):
        """tshark 4.2 and later tell the dissector which fields -e names;
        4.0 does not (it only builds a visible tree), so there the field
        needs the preference or a filter."""
        frame = fields(self.PCAP, ["amf.amf3_type"])[message_frame(29)]
        if ws_at_least(4, 2):
            self.assertEqual([int(v, 0) for v in frame["amf.amf3_type"]],
                             [0x0a, 0x06, 0x04, 0x03, 0x05])
        else:
            self.assertEqual(frame["amf.amf3_type"], [])
            frame = fields(self.PCAP, ["amf.amf3_type"],
                           extra=("-o", "amftcp.wire_details:TRUE"))[message_frame(29)]
            self.assertEqual([int(v, 0) for v in frame["amf.amf3_type"]],
                             [0x0a, 0x06, 0x04, 0x03, 0x05])


# large-message.pcap.gz (sample-captures/gen/large-message.js): the request,
# the 1,200,052-byte answer holding a 1,200,000-byte ByteArray, the client's
# thanks, an array of 25,001 integers (i % 100, then 424242), and one segment
# of 40 small messages.  Frames are found by the messages' lengths.
LARGE = os.path.join(CAPTURES, "large-message.pcap.gz")
BLOB = bytes(i % 251 for i in range(1200000))


def large_frames():
    """request, answer, thanks, array, batch: their frame numbers."""
    by_length = {}
    for n, f in fields(LARGE, ["amftcp.length"], display_filter="amftcp").items():
        by_length.setdefault(f["amftcp.length"][0], n)
    return [by_length[k] for k in ("33", "1200052", "20", "50009", "10")]


class LargeMessageTest(AmfTestCase):

    def test_visible_tree_skips_the_json_of_a_large_message(self):
        request, answer, thanks, array, batch = large_frames()
        frames = amftcp_details(LARGE, "amftcp")
        self.assertEqual(sorted(frames), [request, answer, thanks, array, batch])
        big = "\n".join(frames[answer])
        self.assertNotIn("[JSON", big)
        self.assertIn("amf.json not built for this message of 1200052 bytes: ask for it in a "
                      "filter or a column, or use -z amftcp,jsonl", big)
        self.assertIn('ByteArray (1200000 bytes)', big)
        for small in (request, thanks):
            self.assertTrue(any(line.strip().startswith("[JSON: {") for line in frames[small]))
            self.assertNotIn("not built", "\n".join(frames[small]))

    def test_a_filter_asks_for_the_json(self):
        request, answer, thanks, array, batch = large_frames()
        frames = fields(LARGE, ["amf.json", "amftcp.json_not_built"], display_filter="amf.json")
        self.assertEqual(sorted(frames), [request, answer, thanks, array, batch])
        self.assertEqual(frames[answer]["amftcp.json_not_built"], [])
        self.assertEqual(len(frames[batch]["amf.json"]), 40)
        doc = json.loads(frames[answer]["amf.json"][0])
        self.assertEqual(doc["cmd"], "export")
        self.assertEqual(doc["size"], 1200000)
        self.assertEqual(base64.b64decode(doc["data"]["$bytes"]), BLOB)

    def test_minus_e_asks_for_the_json_from_4_2(self):
        answer = large_frames()[1]
        frames = fields(LARGE, ["amf.json", "amftcp.json_not_built"])
        if ws_at_least(4, 2):
            self.assertEqual(frames[answer]["amftcp.json_not_built"], [])
            self.assertEqual(len(frames[answer]["amf.json"]), 1)
        else:
            self.assertEqual(frames[answer]["amf.json"], [])
            self.assertEqual(len(frames[answer]["amftcp.json_not_built"]), 1)

    def test_json_lines_hold_every_message(self):
        request, answer, thanks, array, batch = large_frames()
        lines = run_tshark(["-q", "-z", "amftcp,jsonl"], LARGE).splitlines()
        self.assertEqual([json.loads(line)["frame"] for line in lines],
                         [request, answer, thanks, array] + [batch] * 40)
        self.assertEqual([json.loads(line)["amf"] for line in lines[4:]],
                         [{"seq": k} for k in range(1, 41)])
        doc = json.loads(lines[1])["amf"]
        self.assertEqual(base64.b64decode(doc["data"]["$bytes"]), BLOB)

    def test_visible_tree_shows_20000_values(self):
        array = large_frames()[3]
        tree = amftcp_details(LARGE, "frame.number == %d" % array)[array]
        self.assertIn("The tree shows the first 20000 values of this message; amf.json holds "
                      "them all", "\n".join(tree))
        # The array itself and 19,999 of its elements, each with its value.
        elements = [line for line in tree if re.match(r" +\[\d+\]: Integer ", line)]
        self.assertEqual(len(elements), 19999)
        self.assertEqual(elements[-1].strip(), "[19998]: Integer 98")
        doc = json.loads(fields(LARGE, ["amf.json"], display_filter="amf.json")[array]["amf.json"][0])
        self.assertEqual(doc, [i % 100 for i in range(25000)] + [424242])

    def test_filters_see_more_values_than_a_visible_tree(self):
        """A filter's own tree (not shown) holds only what the filter asks
        for, so it goes on to value 100,000: value 25,001 is found."""
        out = run_tshark(["-Y", "amf.int == 424242"], LARGE)
        self.assertEqual(len(out.splitlines()), 1, out)
        self.assertRegex(out, r"^ *%d " % large_frames()[3])

    def test_info_lists_32_messages_of_a_segment(self):
        batch = large_frames()[4]
        info = fields(LARGE, [col("Info")], display_filter="frame.number == %d" % batch)[batch]
        text = info[col("Info")][0]
        self.assertEqual(text, "[u32be+amf3] " + " | ".join(["Object {seq}"] * 32) + " | \u2026")


if __name__ == "__main__":
    unittest.main()
