# SPDX-License-Identifier: GPL-2.0-or-later
"""Export Objects: `tshark --export-objects amftcp,DIR`
(plugin/amftcp-export.c).  Every decoded message is a file
frame<N>-msg<I>.json whose bytes are that message's amf.json, compared with
what `-T json -e amf.json` gives for the same frame."""

import os
import shutil
import tempfile
import unittest

from amftcp_tshark import AmfTestCase, fields, run_tshark


def export(pcap, extra=(), two_pass=True):
    """{file name: bytes} of the objects tshark exports."""
    out = tempfile.mkdtemp()
    try:
        run_tshark(["-q", "--export-objects", "amftcp," + out] + list(extra), pcap, two_pass)
        files = {}
        for name in os.listdir(out):
            with open(os.path.join(out, name), "rb") as fh:
                files[name] = fh.read()
        return files
    finally:
        shutil.rmtree(out)


def expected(pcap, extra=()):
    """{file name: bytes} from each frame's amf.json values, in tree order
    (one per message)."""
    want = {}
    for number, frame in fields(pcap, ["amf.json"], "amf.json", extra=extra).items():
        for index, text in enumerate(frame["amf.json"]):
            want["frame%d-msg%d.json" % (number, index)] = text.encode("utf-8")
    return want


class TestExportObjects(AmfTestCase):
    def check(self, pcap, extra=(), count=None):
        got = export(pcap, extra)
        want = expected(pcap, extra)
        if count is not None:
            self.assertEqual(len(want), count)
        self.assertEqual(sorted(got), sorted(want))
        for name in want:
            self.assertEqual(got[name], want[name], name)

    def test_flex_messages(self):
        """Twelve messages, one per frame, frames 4 to 26."""
        self.check("flex-messages", count=12)
        self.assertEqual(sorted(export("flex-messages")),
                         sorted("frame%d-msg0.json" % n for n in range(4, 27, 2)))

    def test_first_message(self):
        """The login request as the capture script writes it."""
        doc = export("flex-messages")["frame4-msg0.json"]
        self.assertTrue(doc.startswith(b'{"$class":"flex.messaging.messages.RemotingMessage",'
                                       b'"source":"com.example.auth.LoginService",'
                                       b'"operation":"authenticate","body":["alice","secret"]'))

    def test_several_messages_per_frame(self):
        """amf3-multi.pcap has frames with more than one message: msg1 and on."""
        got = export("amf3-multi")
        self.assertTrue(any(not name.endswith("-msg0.json") for name in got))
        self.check("amf3-multi")

    def test_http_bodies(self):
        """AMF packet envelopes in HTTP bodies, one object per body."""
        self.check("http-remoting", ("-d", "tcp.port==20190,http"), count=6)

    def test_one_pass(self):
        self.assertEqual(export("flex-messages", two_pass=False), export("flex-messages"))


if __name__ == "__main__":
    unittest.main()
