# SPDX-License-Identifier: GPL-2.0-or-later
"""Export Objects: `tshark --export-objects amftcp,DIR`
(plugin/amftcp-export.c).  Every decoded message is a file
frame<N>-msg<I>.json whose bytes are that message's amf.json, compared with
what `-T json -e amf.json` gives for the same frame; each ByteArray in it a
file frame<N>-msg<I>-bytes<K>.<ext> of its bytes."""

import base64
import json
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


def bytearrays(doc):
    """The bytes of every {"$bytes": ...} in a parsed amf.json document, in
    document order."""
    if isinstance(doc, dict):
        if list(doc) == ["$bytes"]:
            return [base64.b64decode(doc["$bytes"])]
        return [b for v in doc.values() for b in bytearrays(v)]
    if isinstance(doc, list):
        return [b for v in doc for b in bytearrays(v)]
    return []


def expected(pcap, extra=()):
    """{file name: bytes} from each frame's amf.json values, in tree order
    (one per message); ByteArrays as {name without extension: bytes}."""
    want, arrays = {}, {}
    for number, frame in fields(pcap, ["amf.json"], "amf.json", extra=extra).items():
        for index, text in enumerate(frame["amf.json"]):
            want["frame%d-msg%d.json" % (number, index)] = text.encode("utf-8")
            for k, data in enumerate(bytearrays(json.loads(text))):
                arrays["frame%d-msg%d-bytes%d" % (number, index, k)] = data
    return want, arrays


class TestExportObjects(AmfTestCase):
    def check(self, pcap, extra=(), count=None):
        got = export(pcap, extra)
        want, arrays = expected(pcap, extra)
        if count is not None:
            self.assertEqual(len(want), count)
        self.assertEqual(sorted(n for n in got if n.endswith(".json")), sorted(want))
        for name in want:
            self.assertEqual(got[name], want[name], name)
        got_arrays = {n.rsplit(".", 1)[0]: d for n, d in got.items() if not n.endswith(".json")}
        self.assertEqual(sorted(got_arrays), sorted(arrays))
        for name in arrays:
            self.assertEqual(got_arrays[name], arrays[name], name)
        return got

    def test_flex_messages(self):
        """Twelve messages, one per frame, frames 4 to 26."""
        got = self.check("flex-messages", count=12)
        self.assertEqual(sorted(n for n in got if n.endswith(".json")),
                         sorted("frame%d-msg0.json" % n for n in range(4, 27, 2)))

    def test_flex_id_bytes(self):
        """DSK M9 (frame 20) carries clientId, messageId and correlationId as
        16-byte ByteArrays, the ids' hex digits (flex-messages.js): no known
        content type."""
        got = export("flex-messages")
        ids = sorted(n for n in got if n.startswith("frame20-msg0-bytes"))
        self.assertEqual(ids, ["frame20-msg0-bytes%d.bin" % k for k in range(3)])
        self.assertEqual(sorted(got[n] for n in ids),
                         sorted(bytes.fromhex(h.replace("-", "")) for h in (
                             "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
                             "A1B2C3D4-0001-4000-8000-00000000A005",
                             "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C50")))

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
        got = self.check("http-remoting", ("-d", "tcp.port==20190,http"), count=6)
        # A1's cover: ByteArray 89 50 4e 47 0d 0a 1a 0a (http-remoting.js).
        pngs = [n for n in got if n.endswith(".png")]
        self.assertEqual(len(pngs), 1)
        self.assertEqual(got[pngs[0]], bytes.fromhex("89504e470d0a1a0a"))

    def test_content_types(self):
        """compressed.pcap: a ByteArray holding zlib data and one holding an
        AMF value (sample-captures/gen/compressed.js)."""
        got = self.check("compressed")
        exts = sorted(n.rsplit(".", 1)[1] for n in got if not n.endswith(".json"))
        self.assertEqual(exts, ["amf", "zlib"])
        zlib_data = next(d for n, d in got.items() if n.endswith(".zlib"))
        self.assertEqual(zlib_data[0] & 0x0F, 8)
        self.assertEqual(((zlib_data[0] << 8) | zlib_data[1]) % 31, 0)

    def test_one_pass(self):
        self.assertEqual(export("flex-messages", two_pass=False), export("flex-messages"))


if __name__ == "__main__":
    unittest.main()
