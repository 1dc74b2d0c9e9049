# SPDX-License-Identifier: GPL-2.0-or-later
"""The head of a stream (plugin/amftcp-head.c): what one pass and two passes
show of the messages sent before the heuristic's claim, messages that began
in an earlier segment, payloads held while the evidence is not complete, and
"start not captured" said only when it is true.  On the recall corpus
(sample-captures/corpus/, see its manifest)."""
import os
import struct
import tempfile
import unittest

import amftcp_tshark as T

CORPUS = os.path.join(T.CAPTURES, "corpus")


def corpus(name):
    return os.path.join(CORPUS, name)


def client_frames(pcap, port, display_filter, two_pass=True, extra=()):
    out = T.run_tshark(["-T", "fields", "-e", "frame.number", "-Y",
                        "tcp.dstport == %d && (%s)" % (port, display_filter)] + list(extra),
                       pcap, two_pass)
    return [int(n) for n in out.split()]


class ScalarFirstTest(T.AmfTestCase):
    """scalar-u32-amf3: the client opens with 12 integers, booleans and short
    strings, then objects (port 20300)."""
    PCAP = corpus("scalar-u32-amf3.pcap")
    PORT = 20300

    @classmethod
    def setUpClass(cls):
        cls.payload = client_frames(cls.PCAP, cls.PORT, "tcp.len > 0")
        cls.two = client_frames(cls.PCAP, cls.PORT, "amftcp")
        cls.one = client_frames(cls.PCAP, cls.PORT, "amftcp", two_pass=False)

    def test_two_passes_decode_every_client_message(self):
        self.assertEqual(self.two, self.payload)
        self.assertEqual(len(self.two), 15)

    def test_one_pass_starts_where_the_evidence_was_complete(self):
        self.assertTrue(self.one)
        self.assertGreater(self.one[0], self.payload[0])
        self.assertEqual(self.one, [f for f in self.payload if f >= self.one[0]])

    def test_first_message_values(self):
        first = T.fields(self.PCAP, ["amf.json", "amftcp.framing"],
                         "frame.number == %d" % self.payload[0])
        frame = next(iter(first.values()))
        self.assertEqual(frame["amftcp.framing"], ["u32be+amf3"])
        self.assertEqual(frame["amf.json"], ["0"])

    def test_held_payloads_go_to_no_other_protocol_in_one_pass(self):
        # Before the claim the client's payloads frame as AMF without
        # convincing: held, so no other heuristic takes them (Wireshark's
        # LBMSRS did, and then asked TCP for the rest of the direction).
        before = [f for f in self.payload if f < self.one[0]]
        out = T.run_tshark(["-T", "fields", "-e", "frame.number", "-e", "frame.protocols",
                            "-Y", "tcp.dstport == %d && tcp.len > 0" % self.PORT],
                           self.PCAP, False)
        protocols = dict(line.split("\t") for line in out.splitlines())
        for f in before:
            self.assertEqual(protocols[str(f)], "eth:ethertype:ip:tcp", "frame %d" % f)


def with_copy_of_frame(pcap, number, after):
    """pcap with a second copy of frame `number` inserted after frame
    `after` (a retransmission as TCP sees one), written to a temporary
    file; returns its path."""
    with open(pcap, "rb") as fh:
        data = fh.read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    records, offset = [], 24
    while offset + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        records.append(data[offset:offset + 16 + caplen])
        offset += 16 + caplen
    copy = records[number - 1]
    # The copy's time: the frame it follows, so the capture stays in order.
    copy = records[after - 1][:8] + copy[8:]
    records.insert(after, copy)
    fd, path = tempfile.mkstemp(suffix=".pcap")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data[:24] + b"".join(records))
    return path


class HeadRetransmissionTest(T.AmfTestCase):
    """scalar-u32-amf3 with its first client segment sent again after the
    server's first reply: the head ignores the repeated bytes, and the
    messages in them are decoded once, in the frame that brought them."""

    @classmethod
    def setUpClass(cls):
        original = corpus("scalar-u32-amf3.pcap")
        first = client_frames(original, 20300, "tcp.len > 0")[0]
        cls.copy_frame = first + 3
        cls.path = with_copy_of_frame(original, first, first + 2)
        cls.first = first

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.path)

    def test_messages_decoded_once(self):
        frames = T.fields(self.path, ["amf.json"], "tcp.dstport == 20300 && amftcp.length",
                          experts=True)
        self.assertEqual(len(frames), 15)
        self.assertNotIn(self.copy_frame, frames)
        self.assertEqual(frames[self.first]["amf.json"], ["0"])

    def test_copy_decodes_nothing_again(self):
        # TCP marks it a spurious retransmission (and 4.0 keeps its payload
        # to itself); were it handed over, the head would say
        # amftcp.retransmitted and decode nothing again.
        frames = T.fields(self.path, ["amftcp.length", "amf.json", "tcp.analysis.retransmission",
                                      "tcp.analysis.spurious_retransmission"],
                          "frame.number == %d" % self.copy_frame, experts=True)
        copy = frames[self.copy_frame]
        self.assertEqual(copy["amf.json"], [])
        self.assertEqual(copy["amftcp.length"], [])
        self.assertTrue(copy["tcp.analysis.retransmission"] or
                        copy["tcp.analysis.spurious_retransmission"])
        self.assertIn(copy.amftcp_experts(), ([], ["amftcp.retransmitted"]))


class OneByteTest(T.AmfTestCase):
    """onebyte-u32-amf3: every TCP segment holds one byte (port 20305)."""
    PCAP = corpus("onebyte-u32-amf3.pcap.gz")

    def test_messages_reassembled_from_the_head(self):
        docs = T.fields(self.PCAP, ["amf.json"], "amftcp.length")
        values = [d for frame in docs.values() for d in frame["amf.json"]]
        self.assertEqual(len(values), 5)
        self.assertEqual(values[0], '"hello"')
        # The first message arrived over 11 segments before the claim: it is
        # decoded from the head's bytes, in a tab of its own.
        first = min(docs)
        hexdump = T.run_tshark(["-x", "-Y", "frame.number == %d" % first], self.PCAP)
        self.assertIn("Reassembled AMF (11 bytes):\n0000  00 00 00 07 06 0b 68 65 6c 6c 6f", hexdump)


class MalformedFirstDefaultTest(T.AmfTestCase):
    """malformed-string-count: a u32be message whose AMF3 string claims
    2^28 - 1 bytes opens the connection (port 20340); default preferences."""
    PCAP = corpus("malformed-string-count.pcap")
    PORT = 20340

    def test_bad_message_shown_with_its_error_and_the_next_decodes(self):
        frames = T.fields(self.PCAP, ["amftcp.framing", "amf.json"], "tcp.dstport == %d && amftcp"
                          % self.PORT, experts=True)
        numbers = sorted(frames)
        first = frames[numbers[0]]
        self.assertEqual(first["amftcp.framing"], ["u32be+amf3"])
        self.assertIn("amftcp.malformed", first.amftcp_experts())
        self.assertEqual(len(numbers), 3)
        for n in numbers[1:]:
            self.assertEqual(frames[n].amftcp_experts(), [], "frame %d" % n)

    def test_start_not_captured_is_never_said(self):
        out = T.run_tshark(["-T", "fields", "-e", "_ws.expert.message", "-Y", "amftcp"],
                           self.PCAP)
        self.assertNotIn("start was not captured", out)


class SealedInterleavedTest(T.AmfTestCase):
    """sealed-interleaved.pcap: bytearray-node writes typed objects with the
    sealed member names and values interleaved, so every client message is
    malformed, though well framed (gen/sealed-interleaved.js)."""
    PCAP = "sealed-interleaved"
    CLIENT = [4, 8, 11]
    SERVER = {6: '"ok 1"', 9: '"ok 2"', 12: '"ok 3"'}

    def check(self, extra):
        frames = T.fields(self.PCAP, ["amftcp.framing", "amf.json"], "amftcp", extra=extra,
                          experts=True)
        self.assertEqual(sorted(frames), sorted(self.CLIENT + list(self.SERVER)))
        for n in self.CLIENT:
            f = frames[n]
            self.assertEqual(f["amftcp.framing"], ["u32be+amf3"], "frame %d" % n)
            self.assertIn("sealed member name: string reference #2 at offset 22",
                          " ".join(f["_ws.expert.message"]), "frame %d" % n)
            self.assertEqual(f.amftcp_experts(), ["amftcp.malformed"], "frame %d" % n)
        for n, doc in self.SERVER.items():
            self.assertEqual(frames[n]["amf.json"], [doc])
            self.assertEqual(frames[n].amftcp_experts(), [])

    def test_heuristic(self):
        self.check(())

    def test_decode_as(self):
        self.check(("-d", "tcp.port==20190,amftcp"))


class MidstreamTest(T.AmfTestCase):
    """midstream.pcap starts inside a message (no SYN): the only case, with
    a lost segment, where the start of a message is said not captured."""

    def test_start_not_captured_said_without_a_syn(self):
        out = T.run_tshark(["-T", "fields", "-e", "_ws.expert.message", "-Y", "amftcp"],
                           "midstream")
        self.assertIn("End of a message whose start was not captured", out)


if __name__ == "__main__":
    unittest.main()
