# SPDX-License-Identifier: GPL-2.0-or-later
"""non-amf.pcap: TCP traffic that is not AMF (see
sample-captures/gen/non-amf.js); the heuristic must leave it alone."""
import unittest

import amftcp_tshark as T

PCAP = "non-amf"

HTTP_REQUESTS = [4, 14]
HTTP_RESPONSES = [6, 16]
TLS_FRAMES = [24, 26, 28, 29, 30, 32]
RANDOM_FRAMES = [38, 40, 42]                      # port 20090
LENGTH_PREFIXED = [50, 52, 54, 55, 56, 57, 58, 59, 60, 61]   # port 20091
TEXT_FRAMES = [68, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 82, 83, 85, 86, 87]  # port 20092

FIELDS = [T.col("Protocol"), "http.request.method", "http.request.uri", "http.response.code",
          "http.content_type", "tls.handshake.type", "tcp.len", "amf.type", "amf.json",
          "amftcp.framing"]


class _NonAmfBase:
    TWO_PASS = True

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, two_pass=cls.TWO_PASS, experts=True)

    def test_capture_layout_matches_script(self):
        frames = [s.frame for s in T.data_segments(PCAP)]
        self.assertEqual(frames, sorted(HTTP_REQUESTS + HTTP_RESPONSES + TLS_FRAMES +
                                        RANDOM_FRAMES + LENGTH_PREFIXED + TEXT_FRAMES))

    def test_filter_amftcp_matches_nothing(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp", self.TWO_PASS), [])
        for name in ("amf.type", "amf.json", "amftcp.framing"):
            self.assertEqual([n for n, f in self.frames.items() if f[name]], [], name)

    def test_no_amftcp_expert_info(self):
        self.assertEqual(len(self.frames), 90)
        for n, f in self.frames.items():
            self.assertNoExpert(f)

    def test_protocol_column_never_amftcp(self):
        self.assertEqual([n for n, f in self.frames.items()
                          if f[T.col("Protocol")] == ["AMFTCP"]], [])

    def test_http_still_http(self):
        for n in HTTP_REQUESTS:
            f = self.frames[n]
            self.assertEqual(f[T.col("Protocol")], ["HTTP"])
            self.assertEqual(f["http.request.method"], ["GET"])
            self.assertEqual(f["http.request.uri"], ["/index.html"])
        for n in HTTP_RESPONSES:
            f = self.frames[n]
            self.assertEqual(f[T.col("Protocol")], ["HTTP"])
            self.assertEqual(f["http.response.code"], ["200"])
            self.assertEqual(f["http.content_type"], ["text/html"])

    def test_tls_still_tls(self):
        for n in TLS_FRAMES:
            self.assertTrue(self.frames[n][T.col("Protocol")][0].startswith("TLS"),
                            (n, self.frames[n][T.col("Protocol")]))
        self.assertEqual(self.frames[24]["tls.handshake.type"], ["1"])       # ClientHello
        self.assertIn("2", self.frames[26]["tls.handshake.type"])            # ServerHello

    def test_other_binary_and_text_stay_tcp(self):
        for n in RANDOM_FRAMES + LENGTH_PREFIXED + TEXT_FRAMES:
            self.assertEqual(self.frames[n][T.col("Protocol")], ["TCP"], "frame %d" % n)


class NonAmfTwoPassTest(_NonAmfBase, T.AmfTestCase):
    TWO_PASS = True


class NonAmfOnePassTest(_NonAmfBase, T.AmfTestCase):
    TWO_PASS = False


if __name__ == "__main__":
    unittest.main()
