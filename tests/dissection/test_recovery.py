# SPDX-License-Identifier: GPL-2.0-or-later
"""Recovery from damaged streams: segments retransmitted, reordered,
duplicated or missing, captures that start in the middle of a connection,
and damaged values in a bare AMF3 stream.

Captures (each documented in its generator, sample-captures/gen/):
  retransmit.pcap    retransmit.js / retransmit.sh: real kernel
                     retransmissions, out-of-order and duplicated segments
  midstream.pcap     midstream.sh: frames 57-70 of retransmit.pcap
  gap-multi.pcap     gap-multi.sh: amf3-multi.pcap less frame 10
  gap-large.pcap.gz  gap-large.sh: amf3-large.pcap less frame 40
  gap-bare.pcap      gap-bare.sh: bare-amf3.pcap less frame 8
  bare-corrupt.pcap  bare-corrupt.js: two damaged values in a bare stream

Every expectation is what a correct dissector shows; where the plugin does
otherwise today the test fails, and the docstring says why.
"""
import unittest

import amftcp_tshark as T
import recovery_util as R
from recovery_util import ERROR

# ----------------------------------------------------------- retransmit

RETRANSMIT = "retransmit.pcap"
PATTERN = "abcdefghijklmnopqrstuvwxyz0123456789"
# LEN[k - 1]: the fill length of client message k (retransmit.js).
LEN = [20, 300, 1500, 60, 1600, 300, 30, 600, 1500, 100, 40, 2000,
       200, 400, 25, 1500, 120, 300, 70, 400, 1500, 45, 300, 35,
       2000, 300, 60, 1700, 40, 500, 80, 1000]


def fill(k, n):
    s = "#%d:" % k
    while len(s) < n:
        s += PATTERN
    return s[:n]


def client(k):
    """Client message k as amf.json shows it."""
    return T.obj(("seq", k), ("fill", fill(k, LEN[k - 1])))


def ack(k):
    return T.obj(("ack", k), ("ok", True))


def frames_of(layout):
    """{frame: [docs]} from {frame: [client seq or ("ack", k)]}."""
    return {n: [ack(m[1]) if isinstance(m, tuple) else client(m) for m in msgs]
            for n, msgs in layout.items()}


# The tail every configuration decodes alike (part 2 is unimpaired).
_TAIL = {52: [23, 24], 54: [("ack", 24)], 57: [25, 26], 59: [27], 61: [28, 29, 30],
         63: [31], 64: [32], 66: [("ack", 32)]}

# With out-of-order reassembly every message decodes once, in the frame
# that completes it.  Segments that arrive twice (frames 41 and 49: the
# held originals; 51: the server's retransmitted ack) add nothing.
RETRANSMIT_OOO = {4: [1, 2], 8: [3], 14: [4, 5, 6], 18: [7, 8], 22: [9, 10, 11],
                  24: [("ack", 8)], 30: [12, 13], 32: [14, 15], 37: [16, 17, 18],
                  39: [("ack", 16)], 40: [19], 43: [20], 47: [21, 22], **_TAIL}

# Without it (Wireshark's default), TCP hands no segment it marks as
# out-of-order or retransmitted to the dissector, so a message with bytes
# only in such segments cannot decode: 4 (only in frame 14), 7 (frames 18
# and 41), 12 (frames 28, 30) and 16 (its last 74 bytes only in frames 37
# and 49).  Messages that start a segment after a gap decode: 5, 8, 13,
# 17.
RETRANSMIT_NO_OOO = {4: [1, 2], 8: [3], 12: [5, 6], 16: [8], 22: [9, 10, 11],
                     24: [("ack", 8)], 26: [13], 32: [14, 15], 35: [17, 18],
                     39: [("ack", 16)], 40: [19], 43: [20], 47: [21, 22], **_TAIL}
LOST_WITHOUT_OOO = [4, 7, 12, 16]


def retransmit_no_ooo():
    """(layout, lost messages) without out-of-order reassembly on this
    Wireshark.  TCP's handling of such segments changed: 4.4 hands frame 14
    (out of order, the only copy of message 4) to the dissector, so message
    4 decodes there; 4.6 does not, but hands on the retransmissions that
    fill a gap, so 7, 12 and 16 decode in the frames that complete them (18,
    30, 37, as with out-of-order reassembly).  Each message still decodes
    at most once and intact."""
    if T.ws_at_least(4, 6):
        return {**RETRANSMIT_NO_OOO, 18: [7], 30: [12], 37: [16]}, [4]
    if T.ws_at_least(4, 4):
        return {**RETRANSMIT_NO_OOO, 14: [4]}, [7, 12, 16]
    return RETRANSMIT_NO_OOO, LOST_WITHOUT_OOO


class RetransmitTest(R.RecoveryTestCase):
    """retransmit.pcap: each message decodes at most once and intact; with
    out-of-order reassembly every one of them decodes."""

    def check(self, prefs, two_pass, layout):
        frames = R.dissect(RETRANSMIT, prefs=prefs, two_pass=two_pass)
        label = "%s%s" % (prefs[0], ", -2" if two_pass else "")
        self.assertDecodes(frames, frames_of(layout), label)
        # No duplicate and no corrupted message: every client message is
        # {seq, fill} with the fill that belongs to its seq, once.
        seqs = [T.parse_json(text)["seq"] for _, text in R.decoded(frames)
                if "seq" in T.parse_json(text)]
        self.assertEqual(len(seqs), len(set(seqs)), "%s: a message decoded twice" % label)
        self.assertExperts(frames, {}, label)
        return sorted(int(s) for s in seqs)

    def test_out_of_order_on(self):
        self.assertEqual(self.check((R.OOO_ON,), False, RETRANSMIT_OOO), list(range(1, 33)))

    def test_out_of_order_on_two_pass(self):
        self.assertEqual(self.check((R.OOO_ON,), True, RETRANSMIT_OOO), list(range(1, 33)))

    def test_out_of_order_off(self):
        layout, lost = retransmit_no_ooo()
        seqs = self.check((R.OOO_OFF,), False, layout)
        self.assertEqual(sorted(set(range(1, 33)) - set(seqs)), lost)

    def test_out_of_order_off_two_pass(self):
        layout, lost = retransmit_no_ooo()
        seqs = self.check((R.OOO_OFF,), True, layout)
        self.assertEqual(sorted(set(range(1, 33)) - set(seqs)), lost)


# ------------------------------------------------------------ midstream

MIDSTREAM = "midstream.pcap"
# Complete after the cut: 26 (from byte 574 of frame 1) to 32, and the ack.
MIDSTREAM_DECODES = frames_of({1: [26], 3: [27], 5: [28, 29, 30], 7: [31], 8: [32],
                               10: [("ack", 32)]})


class MidstreamTest(R.RecoveryTestCase):
    """midstream.pcap starts inside message 25; every message after the cut
    decodes, whichever way the connection is recognised and in either
    pass."""

    def check(self, frames, label):
        self.assertDecodes(frames, MIDSTREAM_DECODES, label)
        # The 574 bytes of message 25 in frame 1 may be flagged; nothing
        # else may.
        others = {n: R.experts(f) for n, f in frames.items() if n != 1 and R.experts(f)}
        self.assertEqual(others, {}, "%s: expert infos" % label)

    def test_heuristic_one_pass(self):
        """Fails today: message 26 is lost.  The heuristic looks only at the
        start of each segment; frame 1 starts inside message 25, so it is not
        claimed, and message 26 inside it is never looked for."""
        self.check(R.dissect(MIDSTREAM, two_pass=False), "heuristic, one pass")

    def test_heuristic_two_pass(self):
        """Passes today only by way of the bug test_second_pass_agrees_with_first
        describes: message 26 comes from the second pass alone."""
        self.check(R.dissect(MIDSTREAM), "heuristic, -2")

    def test_decode_as(self):
        """Fails today: message 26 is lost.  Framing detection only tries the
        first byte of the direction; frame 1 is shown as "AMF framing of
        this direction not recognised (yet)" and the message after the
        fragment is not looked for."""
        self.check(R.dissect(MIDSTREAM, decode_as=("tcp.port==20180,amftcp",)), "Decode As, -2")

    def test_second_pass_agrees_with_first(self):
        """Fails today.  The heuristic claims the connection at frame 3 with
        conversation_set_dissector(), which on 4.0 means "from frame 0": in
        the second pass (-2, and every re-dissection in the GUI) frame 1,
        which the first pass left to TCP, goes to our dissector, gets a
        per-packet state made up from the framing learnt later, and shows
        an error and message 26 that the first pass never showed."""
        one = R.dissect(MIDSTREAM, two_pass=False)
        two = R.dissect(MIDSTREAM)
        self.assertEqual(R.decoded(two), R.decoded(one))
        self.assertEqual({n: R.experts(f) for n, f in two.items()},
                         {n: R.experts(f) for n, f in one.items()})


# ------------------------------------------------------- missing segments

class GapMultiTest(R.RecoveryTestCase):
    """gap-multi.pcap: message 6's first 64 bytes are missing; every other
    message is complete and decodes, message 7 included (its prefix and
    first 3 bytes follow message 6's last 5 bytes in frame 11)."""

    DECODES = {4: ["batch 1", 2, 3.5, T.obj(("batch", 4), ("last", True))],
               8: ["split inside the length prefix"],
               13: ["seventh message starts in the previous segment"],
               17: [T.obj(("n", 8), ("note", "prefix and value in separate segments"))],
               19: ["received 8"]}
    # Message 6's 5 bytes read as a length: flagged once.
    EXPERTS = {11: [("length 1735222638 is over the largest message accepted (16777216 bytes)",
                     ERROR)]}

    def test_gap(self):
        """Fails today: message 7 is lost and frame 13 has a second error.
        After the bad length in frame 11, resync_length() looks for the next
        message start but accepts a candidate only if its value is complete
        in the segment or at least AMF_PLAUSIBLE_PARTIAL (24) bytes of it
        decode; message 7 has 3 bytes in frame 11, so the whole segment is
        skipped as one bad PDU, and frame 13 (the rest of message 7) is then
        read as another bad length."""
        frames = R.dissect("gap-multi.pcap")
        self.assertDecodes(frames, self.DECODES)
        self.assertExperts(frames, self.EXPERTS)


class GapLargeTest(R.RecoveryTestCase):
    """gap-large.pcap.gz: one segment of the 49468-byte catalog is missing:
    the catalog cannot decode and is not shown as anything else; the
    request before it and the message after it decode."""

    DECODES = {4: [T.typed("com.example.Request", method="getCatalog", page=1)],
               77: ["end of catalog page 1, 380 items"]}

    def test_gap(self):
        frames = R.dissect("gap-large.pcap.gz")
        self.assertDecodes(frames, self.DECODES)
        self.assertExperts(frames, {})

    def test_gap_out_of_order_reassembly(self):
        """A platform fact, not ours: with out-of-order reassembly on,
        Wireshark 4.0 keeps every later segment of the direction waiting for
        the hole to be filled; it never is, so nothing after the hole
        reaches the dissector (frame 77 is shown as "TCP segment of a
        reassembled PDU") and the end message is lost."""
        frames = R.dissect("gap-large.pcap.gz", prefs=(R.OOO_ON,))
        self.assertDecodes(frames, {4: self.DECODES[4]})
        self.assertExperts(frames, {})


def bare_amf3_map():
    tiles = [T.obj(("id", i), ("x", i * 1.25 + 0.1), ("y", (i % 17) * 0.5 + 0.3),
                   ("label", "tile-%03d" % i)) for i in range(212)]
    return T.obj(("cmd", "map"), ("tiles", tiles))


class GapBareTest(R.RecoveryTestCase):
    """gap-bare.pcap: the first 20 bytes of v5 are missing from a bare AMF3
    stream.  v5 cannot decode; everything after it does, v6 (8 KB over 8
    segments) included.  What is left of v5 starts with text (an unknown
    marker: one error), and ends with bytes that read as the array
    ["bob", "cat"] and null: a bare stream has no boundaries to tell such a
    tail from values of its own, so they are shown as values."""

    def test_gap(self):
        p1 = T.obj(("name", "ann"), ("team", "red"))
        p2 = T.obj(("name", "bob"), ("team", "red"))
        frames = R.dissect("gap-bare.pcap")
        self.assertDecodes(frames, {
            4: ["hello", 42, T.obj(("cmd", "join"), ("room", "lobby"))],
            6: [T.obj(("players", [p1, p2]), ("lead", p1), ("teams", ["red", "blue"]))],
            9: [{"$error": "unknown AMF3 type marker 0x73 at offset 0"}, ["bob", "cat"], None],
            25: [bare_amf3_map()],
            29: [T.obj(("cmd", "move"), ("path", [[0, 0], [1, 0], [1, 1], [2, 1]])), "done"],
            31: [T.obj(("cmd", "ack"), ("room", "lobby")), True, None],
        })
        self.assertExperts(frames, {9: [("unknown AMF3 type marker 0x73 at offset 0", ERROR)]})


# ------------------------------------------------------- bare damage

class BareCorruptTest(R.RecoveryTestCase):
    """bare-corrupt.pcap: a damaged value in a bare AMF3 stream shows one
    error, with what decoded of it; decoding starts again at the next value
    and nothing from the damaged value's bytes is shown as a value of its
    own."""

    DECODES = {
        4: [T.obj(("cmd", "join"), ("room", "lobby"))],
        6: [T.obj(("cmd", "chat"), ("text", "before the damage"))],
        8: [T.obj(("cmd", "bad"), ("n", {"$error": "unknown AMF3 type marker 0x12 at offset 14"})),
            T.obj(("cmd", "chat"), ("text", "after the damage")),
            "a string right after"],
        10: [T.obj(("cmd", "chat"), ("text", "next segment after the damage"))],
        12: [T.obj(("list", [{"$error": "object reference #5 at offset 11, but the object "
                                        "table holds 2"}]))],
        14: [T.obj(("cmd", "chat"), ("text", "good after a bad reference")), True],
        16: [T.obj(("cmd", "ack"), ("n", 9))],
    }
    EXPERTS = {
        8: [("n: unknown AMF3 type marker 0x12 at offset 14", ERROR)],
        12: [("[0]: object reference #5 at offset 11, but the object table holds 2", ERROR)],
    }

    def check(self, two_pass):
        """Fails today.  Frame 8: v3 is cut after its first byte, v4 is
        lost and three values that never were are shown (an empty XML, an
        XML document of 49 bytes taken from v3's rest and v4's start, and
        an error); the real error (0x12 at offset 14) is never reported.
        Frame 12: the string "x" and null from v7's end are shown as values.
        resync_bare() scans for the next plausible value from the second
        byte of the damaged value, not from where its decoding failed, so it
        lands inside the damaged value itself (in v3 the traits byte 0b reads
        as an XML marker with an empty text, followed by 07 read as an XML
        document); dissect_stream() then decodes the damaged value only up
        to that point."""
        frames = R.dissect("bare-corrupt.pcap", two_pass=two_pass)
        self.assertDecodes(frames, self.DECODES)
        self.assertExperts(frames, self.EXPERTS)

    def test_damaged_values(self):
        self.check(True)

    def test_damaged_values_one_pass(self):
        self.check(False)


if __name__ == "__main__":
    unittest.main()
