# SPDX-License-Identifier: GPL-2.0-or-later
"""Decode As and the port preference: amf3-types.pcap's first message, a
1-byte AMF3 undefined, is too short for the heuristic to claim the
connection by itself; forcing the port decodes it even in a single pass."""
import unittest

import amftcp_tshark as T
from test_amf3_types import MESSAGES, message_frame, reply_frame

PCAP = "amf3-types"
FIELDS = ["amf.json", "amftcp.framing", "amftcp.length", "amf.type"]


class _ForcedPortBase:
    EXTRA = ()
    TWO_PASS = False

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, two_pass=cls.TWO_PASS, extra=cls.EXTRA, experts=True)

    def test_first_message_undefined(self):
        f = self.frames[4]
        self.assertEqual(f["amf.json"], ['{"$undefined":true}'])
        self.assertEqual(f["amftcp.framing"], ["u32be+amf3"])
        self.assertEqual(f["amftcp.length"], ["1"])
        self.assertEqual(f["amf.type"], [str(T.TYPE["undefined"])])
        self.assertNoExpert(f)

    def test_every_message_decodes(self):
        for k, doc in enumerate(MESSAGES, 1):
            with self.subTest(message=k):
                self.assertFrameJson(self.frames[message_frame(k)], [doc])
                self.assertFrameJson(self.frames[reply_frame(k)], ["ok %d" % k])
        with_json = [n for n, f in self.frames.items() if f["amf.json"]]
        self.assertEqual(len(with_json), 90)


class DecodeAsOnePassTest(_ForcedPortBase, T.AmfTestCase):
    EXTRA = ("-d", "tcp.port==20001,amftcp")


class PortPreferenceOnePassTest(_ForcedPortBase, T.AmfTestCase):
    EXTRA = ("-o", "amftcp.tcp.port:20001")


class DecodeAsTwoPassTest(_ForcedPortBase, T.AmfTestCase):
    EXTRA = ("-d", "tcp.port==20001,amftcp")
    TWO_PASS = True


class HeuristicOnePassTest(T.AmfTestCase):
    """Without a forced port, a single pass still finds every message from
    the first reply on (the connection is claimed by then)."""

    def test_from_first_reply_on(self):
        frames = T.fields(PCAP, ["amf.json"], two_pass=False)
        self.assertFrameJson(frames[reply_frame(1)], ["ok 1"])
        for k, doc in enumerate(MESSAGES[1:], 2):
            with self.subTest(message=k):
                self.assertFrameJson(frames[message_frame(k)], [doc])


if __name__ == "__main__":
    unittest.main()
