# SPDX-License-Identifier: GPL-2.0-or-later
"""Follow AMF stream: `tshark -q -z follow,amftcp,ascii,STREAM`
(plugin/amftcp-follow.c): one block per decoded message, both directions in
frame order, each the frame, its time, the direction, a summary and the
message's amf.json."""

import datetime
import unittest

from amftcp_tshark import AmfTestCase, fields, run_tshark
from test_jsonl import pcap_times

# flex-messages.pcap (sample-captures/gen/flex-messages.js): M1..M12 in
# frames 4, 6, ..., 26: (direction, Flex label, class).
FLEX = [
    ("client -> server", "RemotingMessage login.authenticate", "flex.messaging.messages.RemotingMessage"),
    ("server -> client", "AcknowledgeMessage", "flex.messaging.messages.AcknowledgeMessage"),
    ("client -> server", "RemotingMessage catalog.getItem", "flex.messaging.messages.RemotingMessage"),
    ("server -> client", "ErrorMessage Server.Processing", "flex.messaging.messages.ErrorMessage"),
    ("client -> server", "CommandMessage client ping", "flex.messaging.messages.CommandMessage"),
    ("server -> client", "AcknowledgeMessage", "flex.messaging.messages.AcknowledgeMessage"),
    ("server -> client", "AsyncMessage chat", "flex.messaging.messages.AsyncMessage"),
    ("client -> server", "RemotingMessage catalog.getItem", "flex.messaging.messages.RemotingMessage"),
    ("server -> client", "AcknowledgeMessage", "DSK"),
    ("client -> server", "CommandMessage client ping", "DSC"),
    ("server -> client", "AcknowledgeMessage", "DSK"),
    ("server -> client", "AsyncMessage chat", "DSA"),
]


def follow(pcap, stream, two_pass=True):
    """(node lines, [(is_server, text)]) of tshark's follow output: after
    the header each record is its length (a tab before it for the server's
    records) and that many characters."""
    out = run_tshark(["-q", "-z", "follow,amftcp,ascii,%s" % stream], pcap, two_pass)
    lines = out.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("Node 1:")) + 1
    nodes = [l for l in lines[:start] if l.startswith("Node ")]
    rest = "\n".join(lines[start:])
    records = []
    while rest and not rest.startswith("====="):
        head, _, rest = rest.partition("\n")
        is_server = head.startswith("\t")
        n = int(head.strip())
        records.append((is_server, rest[:n]))
        rest = rest[n:].lstrip("\n") if rest[n:n + 1] == "\n" else rest[n:]
    return nodes, records


def iso_utc(seconds):
    """Decimal epoch seconds as "2026-11-26T16:25:56.594761000Z"."""
    whole = int(seconds)
    nanos = int((seconds - whole) * 1000000000)
    day = datetime.datetime.fromtimestamp(whole, datetime.timezone.utc)
    return "%s.%09dZ" % (day.strftime("%Y-%m-%dT%H:%M:%S"), nanos)


class TestFollow(AmfTestCase):
    def test_flex_messages(self):
        nodes, records = follow("flex-messages", 0)
        self.assertEqual(nodes, ["Node 0: 127.0.0.1:36734", "Node 1: 127.0.0.1:20110"])
        times = pcap_times("flex-messages")
        docs = fields("flex-messages", ["amf.json", "amftcp.length"], "amf.json")
        self.assertEqual(list(docs), list(range(4, 27, 2)))
        self.assertEqual(len(records), len(FLEX))
        for (is_server, text), number, (direction, label, cls) in zip(records, docs, FLEX):
            self.assertEqual(is_server, direction == "server -> client", number)
            # Wire length: the value plus its 4-byte prefix.
            length = int(docs[number]["amftcp.length"][0]) + 4
            want = ("[frame %d, %s, %s]\n%s (AMF3 Object %s, %d bytes)\n%s\n\n"
                    % (number, iso_utc(times[number]), direction, label, cls, length,
                       docs[number]["amf.json"][0]))
            self.assertEqual(text, want)

    def test_first_block(self):
        """The whole first block, as text."""
        _, records = follow("flex-messages", 0)
        self.assertTrue(records[0][1].startswith(
            "[frame 4, 2026-11-26T16:25:56.594761000Z, client -> server]\n"
            "RemotingMessage login.authenticate (AMF3 Object "
            "flex.messaging.messages.RemotingMessage, 282 bytes)\n"
            '{"$class":"flex.messaging.messages.RemotingMessage",'))

    def test_one_pass(self):
        self.assertEqual(follow("flex-messages", 0, two_pass=False), follow("flex-messages", 0))

    def test_other_stream_is_empty(self):
        nodes, records = follow("flex-messages", 1)
        self.assertEqual(records, [])


if __name__ == "__main__":
    unittest.main()
