# SPDX-License-Identifier: GPL-2.0-or-later
"""AMF in WebSocket binary messages (sample-captures/gen/websocket.js): a
bare AMF3 value, u32be-framed AMF3 messages and an AMF packet envelope
decode whole, with permessage-deflate (connection 1) and without
(connection 2); the text message and the non-AMF binary message stay
WebSocket's.  Expected values come from the script's comment."""
import re
import unittest

import amftcp_tshark as T

PCAP = "websocket"

W1 = {"op": "join", "room": "lobby", "seq": 1}
W2 = ["first framed message", {"seq": 2, "tags": ["a", "b"]}]
W3 = {"$packet": {"version": 3, "headers": [], "messages": [
    {"target": "room.say", "response": "/1", "body": "hello"}]}}
REPLY = {"ok": True, "got": 5}

# (frames of W1, W2, W3, W4 text, W5 not AMF, the reply) per connection.
CONNECTIONS = {"deflate": (8, 10, 12, 14, 16, 18), "plain": (33, 35, 37, 39, 41, 43)}

FIELDS = ["amf.json", "amftcp.framing", "amftcp.length", "amftcp.amf_version", "amf.version",
          "amf.message.target_uri", "frame.protocols", "websocket.opcode", "websocket.pmc",
          "websocket.payload.text", "tcp.stream"]


def expected():
    out = {}
    for w1, w2, w3, _, _, reply in CONNECTIONS.values():
        out[w1] = [W1]
        out[w2] = W2
        out[w3] = [W3]
        out[reply] = [REPLY]
    return out


class _Messages:
    TWO_PASS = True

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, two_pass=cls.TWO_PASS, experts=True)

    def test_json_of_every_message(self):
        for n, docs in expected().items():
            with self.subTest(frame=n):
                self.assertFrameJson(self.frames[n], docs)

    def test_no_other_frame_holds_amf(self):
        got = [n for n, f in self.frames.items() if f["amf.json"]]
        self.assertEqual(got, sorted(expected()))

    def test_framing(self):
        for w1, w2, w3, _, _, reply in CONNECTIONS.values():
            with self.subTest(frame=w1):
                self.assertEqual(self.frames[w1]["amftcp.framing"], ["bare+amf3"])
                self.assertEqual(self.frames[reply]["amftcp.framing"], ["bare+amf3"])
                self.assertEqual(self.frames[w1]["amftcp.amf_version"], ["3"])
            with self.subTest(frame=w2):
                self.assertEqual(self.frames[w2]["amftcp.framing"], ["u32be+amf3"] * 2)
                # 06 29 + 20 bytes; 0a 0b 01, 07 "seq" 04 02, 09 "tags" 09 05 01 06 03 "a" 06 03 "b", 01
                self.assertEqual(self.frames[w2]["amftcp.length"], ["22", "24"])
            with self.subTest(frame=w3):
                self.assertEqual(self.frames[w3]["amftcp.framing"], ["packet"])
                self.assertEqual(self.frames[w3]["amf.version"], ["3"])
                self.assertEqual(self.frames[w3]["amf.message.target_uri"], ["room.say"])

    def test_inside_websocket(self):
        for n in expected():
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["frame.protocols"],
                                 ["eth:ethertype:ip:tcp:http:websocket:amftcp"])
                self.assertEqual(self.frames[n]["websocket.opcode"], ["2"])

    def test_permessage_deflate_only_on_connection_1(self):
        for name, frames in CONNECTIONS.items():
            for n in frames:
                with self.subTest(frame=n):
                    self.assertEqual(self.frames[n]["websocket.pmc"],
                                     [T.fields_bool(True)] if name == "deflate" else [])

    def test_text_and_non_amf_binary_left_alone(self):
        for _, _, _, text, binary, _ in CONNECTIONS.values():
            with self.subTest(frame=text):
                self.assertEqual(self.frames[text]["websocket.opcode"], ["1"])
                self.assertEqual(self.frames[text]["websocket.payload.text"], ['{"not":"amf"}'])
                self.assertEqual(self.frames[text]["frame.protocols"],
                                 ["eth:ethertype:ip:tcp:http:websocket:data-text-lines"])
            with self.subTest(frame=binary):
                self.assertEqual(self.frames[binary]["websocket.opcode"], ["2"])
                self.assertEqual(self.frames[binary]["frame.protocols"],
                                 ["eth:ethertype:ip:tcp:http:websocket:data"])

    def test_no_expert_info(self):
        got = {n: f.amftcp_experts() for n, f in self.frames.items() if f.amftcp_experts()}
        self.assertEqual(got, {})


class TwoPasses(_Messages, T.AmfTestCase):
    pass


class OnePass(_Messages, T.AmfTestCase):
    TWO_PASS = False


class HeuristicOff(unittest.TestCase):
    def test_nothing_claimed(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp",
                                           extra=("--disable-heuristic", "amftcp_ws")), [])


class Statistics(unittest.TestCase):
    def test_tree(self):
        out = T.run_tshark(["-q", "-z", "amftcp,tree"], PCAP, two_pass=False)
        rows = {}
        for line in out.splitlines():
            m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
            if m and not line.startswith("Topic"):
                rows[(len(m.group(1)), m.group(2))] = int(m.group(3))
        self.assertEqual(rows[(0, "AMF over TCP messages")], 10)
        self.assertEqual(rows[(2, "Client to server")], 8)
        self.assertEqual(rows[(2, "Server to client")], 2)
        self.assertEqual(rows[(2, "AMF3")], 8)
        self.assertEqual(rows[(2, "AMF packet")], 2)
        self.assertEqual(rows[(2, "Object")], 6)
        self.assertEqual(rows[(2, "String")], 2)


class Registration(unittest.TestCase):
    def test_heuristic_on_ws_list(self):
        rows = [r for r in T.glossary("heuristic-decodes") if r[1] == "amftcp"]
        # table, protocol, enabled; 4.4 and later add more columns, the
        # heuristic's short name among them.
        self.assertIn(["ws", "amftcp", "T"], [r[:3] for r in rows])
        if T.ws_at_least(4, 4):
            self.assertIn("amftcp_ws", [r for r in rows if r[0] == "ws"][0])


if __name__ == "__main__":
    unittest.main()
