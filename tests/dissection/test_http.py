# SPDX-License-Identifier: GPL-2.0-or-later
"""Flash Remoting over HTTP: http-remoting.pcap (sample-captures/gen/
http-remoting.js lists every body).  HTTP on port 20190 by Decode As; the
application/x-amf bodies decoded by amftcp (preference amftcp.http, on by
default) or, with it off, by Wireshark's built-in AMF dissector."""
import os
import unittest

import amftcp_tshark as T

PCAP = "http-remoting"
HTTP = ("-d", "tcp.port==20190,http")
OFF = HTTP + ("-o", "amftcp.http:FALSE")

# Frames: Q1 4, A1 6 (Content-Length), Q2 8, A2 13 (chunked, completed
# there), Q3 15, A3 16 (gzip).
Q1, A1, Q2, A2, Q3, A3 = 4, 6, 8, 13, 15, 16
RM_ID = "2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6"


def packet(messages, headers=()):
    return {"$packet": {"version": 3, "headers": list(headers), "messages": list(messages)}}


def message(target, response, body):
    return T.obj(("target", target), ("response", response), ("body", body))


REMOTING = T.typed("flex.messaging.messages.RemotingMessage", source=None,
                   operation="getItemCount", body=["books"], clientId=None,
                   destination="catalog", headers={"DSId": "nil", "DSEndpoint": "my-amf"},
                   messageId=RM_ID, timestamp=0, timeToLive=0)
ACK = T.typed("flex.messaging.messages.AcknowledgeMessage", body=7,
              clientId="D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6", correlationId=RM_ID,
              destination=None, headers={}, messageId="C0FFEE00-1111-4222-8333-944455556666",
              timeToLive=0, timestamp=1700000001000)

BODIES = {
    Q1: packet([message("catalog.getItems", "/1", ["books"])]),
    A1: packet([message("/1/onResult", "null", T.obj(
        ("items", [T.obj(("id", 1), ("title", "Dune")), T.obj(("id", 2), ("title", "Emma"))]),
        ("cover", T.bytes_(b"\x89PNG\r\n\x1a\n")),
        ("count", 2)))]),
    Q2: packet([message("catalog.getCount", "/2", []), message("catalog.getItem", "/3", [-1])],
               headers=[T.obj(("name", "Credentials"), ("mustUnderstand", False),
                              ("value", T.obj(("userid", "alice"), ("password", "secret"))))]),
    A2: packet([message("/2/onResult", "null", 42),
                message("/3/onStatus", "null", T.obj(("code", "Server.Processing"),
                                                     ("description", "Item -1 not found"),
                                                     ("level", "error")))]),
    Q3: packet([message("null", "/4", [REMOTING])]),
    A3: packet([message("/4/onResult", "null", ACK)]),
}

FIELDS = ["amf.json", "amf.string", "amf.number", "amf.int", "amf.bytearray",
          "amf.message.target_uri", "amf.message.response_uri", "amftcp.framing",
          "amf.envelope.role", "amf.envelope.uri", "amf.envelope.response_in",
          "amf.envelope.response_to", "amf.envelope.time", "amf.envelope.fault",
          "amf.flex.message", "amf.flex.operation", "amf.flex.correlation_id",
          "amf.flex.response_in", "amf.flex.response_to", "frame.time_relative",
          "http.transfer_encoding", "http.content_encoding", "_ws.malformed"]


class HttpBodiesTest(T.AmfTestCase):
    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, extra=HTTP, experts=True)

    def test_bodies_decoded(self):
        with_json = [n for n, f in self.frames.items() if f["amf.json"]]
        self.assertEqual(with_json, sorted(BODIES))
        for frame, doc in BODIES.items():
            with self.subTest(frame=frame):
                self.assertFrameJson(self.frames[frame], [doc])
                self.assertEqual(self.frames[frame]["amftcp.framing"], ["packet"])
                self.assertEqual(self.frames[frame].amftcp_experts(), [])
                self.assertEqual(self.frames[frame]["_ws.malformed"], [])

    def test_transfer_and_content_encodings(self):
        self.assertEqual(self.frames[A2]["http.transfer_encoding"], ["chunked"])
        self.assertEqual(self.frames[A3]["http.content_encoding"], ["gzip"])

    def test_shared_value_fields(self):
        """The built-in's field names find the values amftcp decodes."""
        a1 = self.frames[A1]
        self.assertEqual(a1["amf.string"], ["Dune", "Emma"])
        self.assertEqual(a1["amf.int"], ["1", "2", "2"])
        self.assertEqual(a1["amf.bytearray"], ["89504e470d0a1a0a"])
        self.assertEqual(a1["amf.message.target_uri"], ["/1/onResult"])
        self.assertEqual(self.frames[A2]["amf.number"], ["42"])
        self.assertEqual(T.matching_frames(PCAP, 'amf.string == "Emma"', extra=HTTP), [A1])

    def test_envelope_links(self):
        f = self.frames
        self.assertEqual(f[Q1]["amf.envelope.role"], ["request"])
        self.assertEqual(f[Q1]["amf.envelope.uri"], ["/1"])
        self.assertEqual(f[Q1]["amf.envelope.response_in"], [str(A1)])
        self.assertEqual(f[A1]["amf.envelope.role"], ["result"])
        self.assertEqual(f[A1]["amf.envelope.response_to"], [str(Q1)])
        self.assertEqual(f[Q2]["amf.envelope.uri"], ["/2", "/3"])
        self.assertEqual(f[Q2]["amf.envelope.response_in"], [str(A2), str(A2)])
        self.assertEqual(f[A2]["amf.envelope.role"], ["result", "status"])
        self.assertEqual(f[A2]["amf.envelope.response_to"], [str(Q2), str(Q2)])
        # FT_BOOLEAN: "1" on 4.0, "True" from 4.4 on.
        self.assertIn(f[A2]["amf.envelope.fault"], (["1"], ["True"]))
        self.assertEqual(f[A1]["amf.envelope.fault"], [])
        self.assertEqual(f[Q3]["amf.envelope.response_in"], [str(A3)])
        self.assertEqual(f[A3]["amf.envelope.response_to"], [str(Q3)])

    def test_envelope_times(self):
        f = self.frames
        for req, resp, n in ((Q1, A1, 1), (Q2, A2, 2), (Q3, A3, 1)):
            with self.subTest(response=resp):
                want = float(f[resp]["frame.time_relative"][0]) - float(f[req]["frame.time_relative"][0])
                got = [float(t) for t in f[resp]["amf.envelope.time"]]
                self.assertEqual(len(got), n)
                for t in got:
                    self.assertAlmostEqual(t, want, places=9)
                    self.assertGreater(t, 0)

    def test_flex_link(self):
        f = self.frames
        self.assertEqual(f[Q3]["amf.flex.message"], ["RemotingMessage"])
        self.assertEqual(f[Q3]["amf.flex.operation"], ["getItemCount"])
        self.assertEqual(f[Q3]["amf.flex.response_in"], [str(A3)])
        self.assertEqual(f[A3]["amf.flex.message"], ["AcknowledgeMessage"])
        self.assertEqual(f[A3]["amf.flex.correlation_id"], [RM_ID])
        self.assertEqual(f[A3]["amf.flex.response_to"], [str(Q3)])

    def test_link_filters(self):
        self.assertEqual(T.matching_frames(PCAP, "amf.envelope.fault", extra=HTTP), [A2])
        self.assertEqual(T.matching_frames(PCAP, "amf.envelope.response_to", extra=HTTP),
                         [A1, A2, A3])
        self.assertEqual(T.matching_frames(PCAP, "amftcp", extra=HTTP), sorted(BODIES))


class HttpTapTest(unittest.TestCase):
    def test_stats_tree_counts(self):
        out = T.run_tshark(["-q", "-z", "amftcp,tree"] + list(HTTP), PCAP)
        counts = {}
        for line in out.splitlines():
            parts = line.split()
            for i, p in enumerate(parts):
                if p.isdigit():
                    counts[" ".join(parts[:i])] = int(p)
                    break
        self.assertEqual(counts["AMF over TCP messages"], 6)
        self.assertEqual(counts["Packet"], 6)
        self.assertEqual(counts["Client to server"], 3)
        self.assertEqual(counts["Server to client"], 3)
        self.assertEqual(counts["AMF packet"], 6)
        self.assertEqual(counts["RemotingMessage catalog.getItemCount"], 1)
        self.assertEqual(counts["AcknowledgeMessage"], 1)

    def test_jsonl_lines(self):
        out = T.run_tshark(["-q", "-z", "amftcp,jsonl"] + list(HTTP), PCAP)
        lines = [T.parse_json(l) for l in out.splitlines() if l.startswith("{")]
        self.assertEqual([int(l["frame"]) for l in lines], sorted(BODIES))
        for l in lines:
            with self.subTest(frame=l["frame"]):
                self.assertEqual(l["framing"], "packet")
                self.assertEqual(T.canonical(l["amf"]), T.canonical(BODIES[int(l["frame"])]))
        self.assertEqual([l["direction"] for l in lines],
                         ["to_server", "to_client"] * 3)


class BuiltinComparisonTest(T.AmfTestCase):
    """With amftcp.http off, Wireshark's built-in AMF dissector has the
    bodies again, and loses its place in A1 after the trait reference of
    the second item: the next bytes read as a double and a bad string
    reference, and the body ends malformed."""

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, ["amf.json", "amf.number", "amf.string", "amftcp",
                                     "_ws.malformed", "amf.message.target_uri"], extra=OFF)

    def test_builtin_is_back(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp", extra=OFF), [])
        self.assertEqual(T.matching_frames(PCAP, "amf", extra=OFF), sorted(BODIES))
        for frame in BODIES:
            self.assertEqual(self.frames[frame]["amf.json"], [])
        self.assertEqual(self.frames[A1]["amf.message.target_uri"], ["/1/onResult"])

    def test_builtin_gets_trait_reference_body_wrong(self):
        a1 = self.frames[A1]
        self.assertNotEqual(a1["_ws.malformed"], [])
        # amftcp reads integers 1, 2, 2 and no double; the built-in a double
        # made of the bytes after the trait reference.
        self.assertEqual(len(a1["amf.number"]), 1)
        self.assertNotIn(float(a1["amf.number"][0]), (1.0, 2.0))
        self.assertNotIn("Emma", a1["amf.string"])

    def test_decode_as_builtin_with_preference_on(self):
        extra = HTTP + ("-d", "media_type==application/x-amf,amf")
        self.assertEqual(T.matching_frames(PCAP, "amftcp", extra=extra), [])
        self.assertEqual(T.matching_frames(PCAP, "amf", extra=extra), sorted(BODIES))


class CorpusFlashRemotingTest(T.AmfTestCase):
    """corpus/non-amf-flash-remoting.pcap (another generator, port 8400,
    which HTTP finds by itself): the connection stays HTTP's, its bodies
    are amftcp's, and each answer is paired with its request."""

    PCAP = os.path.join("corpus", "non-amf-flash-remoting")

    def test_bodies_under_http(self):
        frames = T.fields(T.capture(self.PCAP), ["frame.protocols", "amf.json",
                                                 "amf.envelope.response_to"])
        bodies = {n: f for n, f in frames.items() if f["amf.json"]}
        self.assertEqual(sorted(bodies), [4, 6, 8, 9])
        for n, f in bodies.items():
            self.assertTrue(f["frame.protocols"][0].endswith(":tcp:http:amftcp"), n)
        self.assertEqual(T.parse_json(bodies[6]["amf.json"][0])["$packet"]["messages"][0]["target"],
                         "/1/onResult")
        self.assertEqual(bodies[6]["amf.envelope.response_to"], ["4"])
        self.assertEqual(bodies[9]["amf.envelope.response_to"], ["8"])


if __name__ == "__main__":
    unittest.main()
