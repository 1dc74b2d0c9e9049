# SPDX-License-Identifier: GPL-2.0-or-later
"""The AMF0 / raw-TCP-framing captures (sample-captures/gen/make-framing.sh):
amftcp.framing and amf.json of every message, policy-file text, envelopes,
Flex messages.  Expected values come from each capture script's comment."""
import collections
import unittest

import amftcp_tshark as T
from amftcp_tshark import (UNDEFINED, NAN, bytes_, date, typed)

FIELDS = ["amf.json", "amftcp.framing", "amftcp.length", "amftcp.amf_version", "amf.type",
          "amftcp.policy", T.col("Info"), "amf.avmplus", "amf.date.timezone",
          "tcp.reassembled_in", "amf.classname", "amf.version", "amf.header_count",
          "amf.message_count", "amf.header.name", "amf.header.must_understand",
          "amf.message.target_uri", "amf.message.response_uri", "amf.message.length",
          "_ws.malformed"]


class _CaptureTest:
    """One capture: EXPECTED (frame -> [documents]) and FRAMING; every AMF
    message carries amftcp.framing FRAMING and no other frame holds AMF."""
    PCAP = None
    FRAMING = None
    TWO_PASS = True
    EXTRA = ()        # further tshark arguments (Decode As)
    # Frames allowed to carry amftcp expert infos: frame -> sorted names.
    EXPERTS = {}

    @classmethod
    def expected(cls):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(cls.PCAP, FIELDS, two_pass=cls.TWO_PASS, experts=True,
                              extra=cls.EXTRA)
        cls.EXPECTED = cls.expected()

    def test_json_of_every_message(self):
        for n, docs in self.EXPECTED.items():
            with self.subTest(frame=n):
                self.assertIn(n, self.frames)
                self.assertFrameJson(self.frames[n], docs)

    def test_no_other_frame_holds_amf(self):
        got = [n for n, f in self.frames.items() if f["amf.json"]]
        self.assertEqual(got, sorted(self.EXPECTED))

    def test_framing_of_every_message(self):
        for n, docs in self.EXPECTED.items():
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["amftcp.framing"], [self.FRAMING] * len(docs))

    def test_expert_infos(self):
        got = {n: f.amftcp_experts() for n, f in self.frames.items() if f.amftcp_experts()}
        self.assertEqual(got, self.EXPERTS)


def length_framed(pcap, docs, **framing):
    """frame -> [documents] for a length-prefixed capture whose messages, in
    stream order, are docs; the frames come from the capture's bytes."""
    msgs = T.length_framed_messages(pcap, **framing)
    assert len(msgs) == len(docs), "%s: %d messages in the capture" % (pcap, len(msgs))
    out = collections.OrderedDict()
    for m, doc in zip(msgs, docs):
        out.setdefault(m.frame, []).append(doc)
    return out


def by_segments(pcap, names, values):
    """frame -> [documents] for a stream without lengths: names are the
    script's segment names in capture order; values maps the name of the
    segment where a value ends to the values ending there."""
    segs = T.data_segments(pcap)
    assert len(segs) == len(names), "%s: %d data segments" % (pcap, len(segs))
    frame_of = {name: s.frame for name, s in zip(names, segs)}
    out = collections.OrderedDict()
    for name, docs in values.items():
        out[frame_of[name]] = docs
    return out


# ---------------------------------------------------------------- amf0-types

def long_string():
    lines, length, i = [], 0, 0
    while length < 66000:
        line = "line %05d: the quick brown fox jumps over the lazy dog\n" % i
        lines.append(line)
        length += len(line)
        i += 1
    return "".join(lines)[:66000]


AMF0_TYPES = [
    42.5,                                                                    # 1
    NAN,
    -0.0,
    True,
    False,                                                                   # 5
    "hello",
    "Gr\u00fc\u00dfe, \u4e16\u754c! \U0001f3ae",
    "",
    {"id": 7, "name": "hero", "stats": {"hp": 100, "mp": 35.5, "buffs": {"haste": True}}},
    None,                                                                    # 10
    UNDEFINED,
    {"first": {"k": "shared"}, "second": {"k": "shared"}, "self": {"$ref": 0}},
    {"$ecma": {"name": "alice", "level": 12, "admin": False}},
    {"$ecma": {"0": "zero", "1": "one", "2": "two"}},
    [1, "two", True],                                                        # 15
    date("2024-03-15T12:34:56.789Z"),
    date("2024-03-15T12:34:56.789Z"),
    long_string(),
    {"$xmldoc": '<?xml version="1.0" encoding="UTF-8"?><config><server host="127.0.0.1" '
                'port="20100"/><motd>Welcome</motd></config>'},
    typed("com.example.game.Player", name="hero", level=5, guild=None,       # 20
          pos={"x": 1.5, "y": -2}),
    {"user": "alice", "items": [1, 2, 3], "ok": True, "again": "alice"},
    {"cmd": "sync", "payload": {"a": 1, "b": "x"}, "seq": 7},
    ["call", [1, "two", {"three": 3}]],
    {"$movieclip": True},
    {"$recordset": True},                                                    # 25
    {"$unsupported": True},
    {"note": "binary dropped", "data": {"$unsupported": True}, "after": 1},
]


class Amf0TypesTest(_CaptureTest, T.AmfTestCase):
    PCAP = "amf0-types"
    FRAMING = "u32be+amf0"
    # Its first five messages (numbers, booleans) convince no heuristic;
    # Decode As decodes them; the heuristic's claim, made at "hello", covers
    # them too in a second pass; one pass starts at "hello".
    EXTRA = ("-d", "tcp.port==20100,amftcp")

    def test_heuristic_alone_decodes_from_the_first_message(self):
        frames = T.matching_frames(self.PCAP, "amftcp")
        self.assertEqual(frames, [n for k, n in sorted(self.MESSAGE_FRAME.items())])
        one_pass = T.matching_frames(self.PCAP, "amftcp", two_pass=False)
        self.assertEqual(one_pass, [n for k, n in sorted(self.MESSAGE_FRAME.items()) if k >= 6])

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, AMF0_TYPES)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        frame = [m.frame for m in T.length_framed_messages(cls.PCAP)]
        cls.MESSAGE_FRAME = dict(enumerate(frame, 1))
        cls.EXPERTS = {frame[23]: ["amftcp.reserved_marker"], frame[24]: ["amftcp.reserved_marker"]}

    def test_layout(self):
        # Message 18 (66009 bytes) spans three segments, the others one each.
        msgs = T.length_framed_messages(self.PCAP)
        spans = [(m.first_frame, m.frame) for m in msgs]
        self.assertEqual(spans[17], (38, 42))
        self.assertEqual([a == b for a, b in spans].count(False), 1)
        self.assertEqual(self.frames[42]["amftcp.length"], ["66005"])
        self.assertEqual(self.frames[38]["tcp.reassembled_in"], ["42"])
        self.assertEqual(self.frames[40]["tcp.reassembled_in"], ["42"])

    def test_negative_zero(self):
        text = self.frames[self.MESSAGE_FRAME[3]]["amf.json"][0]
        self.assertEqual(repr(T.parse_json(text)), "-0.0", text)

    def test_date_timezone_field(self):
        self.assertEqual(self.frames[self.MESSAGE_FRAME[16]]["amf.date.timezone"], ["0"])
        self.assertEqual(self.frames[self.MESSAGE_FRAME[17]]["amf.date.timezone"], ["-120"])

    def test_avmplus_markers(self):
        for k in (21, 22, 23):
            self.assertEqual(len(self.frames[self.MESSAGE_FRAME[k]]["amf.avmplus"]), 1, k)
        self.assertEqual(self.frames[self.MESSAGE_FRAME[20]]["amf.avmplus"], [])

    def test_amf_version(self):
        for k, n in self.MESSAGE_FRAME.items():
            self.assertEqual(self.frames[n]["amftcp.amf_version"], ["0"], "message %d" % k)

    def test_types(self):
        t = T.TYPE
        expect = {1: [t["number"]], 6: [t["string"]], 10: [t["null"]], 11: [t["undefined"]],
                  13: [t["ecma array"], t["string"], t["number"], t["boolean"]],
                  15: [t["array"], t["number"], t["string"], t["boolean"]],
                  18: [t["string"]], 19: [t["xml document"]],
                  24: [t["movieclip"]], 25: [t["recordset"]], 26: [t["unsupported"]],
                  12: [t["object"], t["object"], t["string"], t["object"], t["object"]]}
        for k, types in expect.items():
            with self.subTest(message=k):
                self.assertEqual([int(v) for v in self.frames[self.MESSAGE_FRAME[k]]["amf.type"]],
                                 types)

    def test_reserved_marker_warnings(self):
        for k in (24, 25):
            f = self.frames[self.MESSAGE_FRAME[k]]
            self.assertEqual([s for s, _ in f.experts()], [T.SEVERITY_WARN])
            self.assertIn("reserved", f.experts()[0][1])


# ------------------------------------------------------- length-prefixed AMF3

FRAMING_U16 = [
    {"cmd": "login", "user": "alice", "token": "abc123"},
    {"cmd": "loginOk", "userId": 1001, "motd": "Welcome!"},
    "ping",
    [1, 2, 3, "four", True],
    {"cmd": "move", "x": 12, "y": -7, "speed": 2.5},
    {"cmd": "state", "players": [{"id": 1001, "name": "alice", "hp": 100},
                                 {"id": 1002, "name": "bob", "hp": 85}]},
    {"$assoc": {"count": 2}, "$dense": ["red", "blue"]},
    {"cmd": "inventory", "items": [{"slot": i, "item": "item-%02d" % i, "qty": (i * 7) % 10 + 1}
                                   for i in range(24)]},
    "bye",
    {"cmd": "bye", "reason": "client quit"},
]

FRAMING_U32LE = [
    {"cmd": "join", "room": "lobby", "nick": "bob"},
    {"cmd": "joined", "room": "lobby", "users": ["alice", "bob"]},
    {"cmd": "say", "text": "hello there", "color": 16711680},
    {"cmd": "said", "from": "bob", "text": "hello there", "at": 1700000000123},
    -1,
    3.25,
    ["a", "b", "a", "b"],
    {"cmd": "history", "lines": ["line %02d: message text" % i for i in range(20)]},
    {"cmd": "leave", "room": "lobby"},
    {"cmd": "left", "room": "lobby", "ok": True},
]

FRAMING_U32INCL = [
    {"op": "hello", "version": 2},
    {"op": "welcome", "serverTime": 1700000000000, "features": ["trade", "chat"]},
    {"op": "offer", "item": "sword", "price": 150, "currency": "gold"},
    {"op": "counter", "item": "sword", "price": 120.5},
    True,
    None,
    {"op": "accept", "item": "sword", "price": 120.5, "note": "d\u00e9j\u00e0 vu \u2713"},
    {"op": "ledger", "entries": [{"n": i, "who": "alice" if i % 2 == 0 else "bob",
                                  "amount": i * 10 + 0.5} for i in range(16)]},
    "",
    {"op": "close"},
]

FRAMING_AMF0_U32 = [
    {"cmd": "login", "user": "alice", "pass": "secret", "version": 3},
    {"cmd": "loginResult", "ok": True, "userId": 1001, "nick": "Alice"},
    {"cmd": "joinRoom", "room": "lobby"},
    {"cmd": "roomState", "room": "lobby", "users": {"$ecma": {"0": "alice", "1": "bob", "2": "carol"}},
     "count": 3},
    {"cmd": "chat", "text": "hi all"},
    {"cmd": "chat", "from": "bob", "text": "hello alice", "ts": 1700000000000},
    {"cmd": "move", "x": 10.5, "y": -4, "dir": "north"},
    {"cmd": "moved", "who": "alice", "x": 10.5, "y": -4},
    {"cmd": "logout"},
    {"cmd": "bye", "reason": "logout"},
]


class _TenMessages:
    """Ten messages, alternating client/server, one per segment."""

    def test_one_message_per_segment(self):
        self.assertEqual(sorted(self.EXPECTED), list(range(4, 23, 2)))


class FramingU16Test(_TenMessages, _CaptureTest, T.AmfTestCase):
    PCAP = "framing-u16"
    FRAMING = "u16be+amf3"

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, FRAMING_U16, prefix=2)

    def test_long_message_length(self):
        # Message 8 is over 256 bytes: the length's high byte is not 0.
        m = T.length_framed_messages(self.PCAP, prefix=2)[7]
        self.assertGreater(len(m.value), 256)
        self.assertEqual(self.frames[m.frame]["amftcp.length"], [str(len(m.value))])


class FramingU32leTest(_TenMessages, _CaptureTest, T.AmfTestCase):
    PCAP = "framing-u32le"
    FRAMING = "u32le+amf3"

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, FRAMING_U32LE, little_endian=True)

    def test_lengths(self):
        for m in T.length_framed_messages(self.PCAP, little_endian=True):
            self.assertEqual(self.frames[m.frame]["amftcp.length"], [str(len(m.value))])


class FramingU32inclTest(_TenMessages, _CaptureTest, T.AmfTestCase):
    PCAP = "framing-u32incl"
    FRAMING = "u32be-incl+amf3"

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, FRAMING_U32INCL, includes_prefix=True)

    def test_length_field_counts_prefix(self):
        self.assertEqual(self.frames[4]["amftcp.length"], ["28"])
        for m in T.length_framed_messages(self.PCAP, includes_prefix=True):
            self.assertEqual(self.frames[m.frame]["amftcp.length"], [str(len(m.value) + 4)])


class FramingAmf0U32Test(_TenMessages, _CaptureTest, T.AmfTestCase):
    PCAP = "framing-amf0-u32"
    FRAMING = "u32be+amf0"

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, FRAMING_AMF0_U32)


# ----------------------------------------------------------- bare streams

def _tiles_amf3():
    return [{"id": i, "x": i * 1.25 + 0.1, "y": (i % 17) * 0.5 + 0.3, "label": "tile-%03d" % i}
            for i in range(212)]


P1 = {"name": "ann", "team": "red"}
P2 = {"name": "bob", "team": "red"}

BARE_AMF3_SEGMENTS = ["A", "B", "C1", "C2"] + ["D%d" % i for i in range(1, 9)] + ["E1", "E2", "F"]
BARE_AMF3 = collections.OrderedDict([
    ("A", ["hello", 42, {"cmd": "join", "room": "lobby"}]),
    ("B", [{"players": [P1, P2], "lead": P1, "teams": ["red", "blue"]}]),
    ("C2", [{"cmd": "chat", "text": "split across two segments", "to": ["bob", "cat"]}]),
    ("D8", [{"cmd": "map", "tiles": _tiles_amf3()}]),
    ("E2", [{"cmd": "move", "path": [[0, 0], [1, 0], [1, 1], [2, 1]]}, "done"]),
    ("F", [{"cmd": "ack", "room": "lobby"}, True, None]),
])

BARE_AMF0_SEGMENTS = BARE_AMF3_SEGMENTS
BARE_AMF0 = collections.OrderedDict([
    ("A", ["hello", 42, {"cmd": "join", "room": "lobby"}]),
    ("B", [{"players": {"$ecma": {"0": P1, "1": P2}}, "lead": P1}]),
    ("C2", [{"cmd": "chat", "text": "split across two segments",
             "to": {"$ecma": {"0": "bob", "1": "cat"}}}]),
    ("D8", [{"cmd": "map", "tiles": {"$ecma": collections.OrderedDict(
        (str(i), {"id": i, "x": i * 1.25 + 0.1, "label": "tile-%03d" % i}) for i in range(155))}}]),
    ("E2", [{"cmd": "move", "x": 3, "y": 4}, "done"]),
    ("F", [True, None, {"cmd": "ack", "room": "lobby"}, UNDEFINED]),
])

AVMPLUS_SEGMENTS = ["1", "2", "3", "4", "5", "6", "7a", "7b"]
AVMPLUS = collections.OrderedDict([
    ("1", [{"cmd": "hello", "client": "flash", "ver": 11, "tags": ["a", "hello"]}]),
    ("2", [{"cmd": "welcome", "session": {"id": "S-0001", "caps": ["chat", "trade"]}, "ttl": 300}]),
    ("3", ["tick", 7]),
    ("4", [{"$ecma": {"0": {"x": 1, "y": 2}, "1": "end"}}]),
    ("5", [[{"a": "x", "b": "x"}, "solo"]]),
    ("6", [{"event": "tick", "data": {"when": date("2024-03-15T12:34:56.789Z"), "seq": 99}}]),
    ("7b", [{"cmd": "bye", "reason": "done"}]),
])


class BareAmf3Test(_CaptureTest, T.AmfTestCase):
    PCAP = "bare-amf3"
    FRAMING = "bare+amf3"

    @classmethod
    def expected(cls):
        return by_segments(cls.PCAP, BARE_AMF3_SEGMENTS, BARE_AMF3)


class BareAmf3OnePassTest(BareAmf3Test):
    TWO_PASS = False


class BareAmf0Test(_CaptureTest, T.AmfTestCase):
    PCAP = "bare-amf0"
    FRAMING = "bare+amf0"

    @classmethod
    def expected(cls):
        return by_segments(cls.PCAP, BARE_AMF0_SEGMENTS, BARE_AMF0)


class BareAmf0OnePassTest(BareAmf0Test):
    TWO_PASS = False


class Amf0AvmplusTest(_CaptureTest, T.AmfTestCase):
    PCAP = "amf0-avmplus"
    FRAMING = "bare+amf0"

    @classmethod
    def expected(cls):
        return by_segments(cls.PCAP, AVMPLUS_SEGMENTS, AVMPLUS)

    def test_avmplus_markers(self):
        names = dict(zip(AVMPLUS_SEGMENTS, (s.frame for s in T.data_segments(self.PCAP))))
        counts = {"1": 1, "2": 1, "3": 1, "4": 1, "5": 2, "6": 2, "7b": 1}
        for seg, n in counts.items():
            with self.subTest(segment=seg):
                self.assertEqual(len(self.frames[names[seg]]["amf.avmplus"]), n)


class Amf0AvmplusOnePassTest(Amf0AvmplusTest):
    TWO_PASS = False


# -------------------------------------------------------------- envelope

RM_ID = "2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6"
ENVELOPES = [
    {"$packet": {"version": 3, "headers": [
        {"name": "Credentials", "mustUnderstand": False,
         "value": {"userid": "alice", "password": "secret"}},
        {"name": "DescribeService", "mustUnderstand": True, "value": False}],
        "messages": [
            {"target": "catalog.getItems", "response": "/1", "body": ["books", 0, 20]},
            {"target": "null", "response": "/2", "body": [typed(
                "flex.messaging.messages.RemotingMessage", source=None,
                operation="getItemCount", body=["books"], clientId=None, destination="catalog",
                headers={"DSId": "nil", "DSEndpoint": "my-amf"}, messageId=RM_ID, timestamp=0,
                timeToLive=0)]}]}},
    {"$packet": {"version": 3, "headers": [], "messages": [
        {"target": "/1/onResult", "response": "null",
         "body": {"$ecma": {"0": {"id": 1, "title": "Dune", "price": 9.99},
                            "1": {"id": 2, "title": "Emma", "price": 7.5}}}},
        {"target": "/2/onStatus", "response": "null", "body": typed(
            "flex.messaging.messages.ErrorMessage", body=None,
            clientId="D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6", correlationId=RM_ID,
            destination="catalog", extendedData=None, faultCode="Server.ResourceUnavailable",
            faultDetail="No method getItemCount on catalog",
            faultString="Cannot invoke method 'getItemCount'.", headers={},
            messageId="C0FFEE00-1111-4222-8333-944455556666", rootCause=None, timeToLive=0,
            timestamp=1700000001000)}]}},
    {"$packet": {"version": 3, "headers": [], "messages": [
        {"target": "catalog.getCount", "response": "/3", "body": []}]}},
    {"$packet": {"version": 3, "headers": [], "messages": [
        {"target": "/3/onResult", "response": "null", "body": 2}]}},
]


class EnvelopeTest(_CaptureTest, T.AmfTestCase):
    PCAP = "envelope"
    FRAMING = "packet"

    @classmethod
    def expected(cls):
        frames = [s.frame for s in T.data_segments(cls.PCAP)]
        return collections.OrderedDict((n, [doc]) for n, doc in zip(frames, ENVELOPES))

    def test_envelope_fields(self):
        e1, e4 = self.frames[4], self.frames[10]
        self.assertEqual(e1["amf.version"], ["3"])
        self.assertEqual(e1["amf.header_count"], ["2"])
        self.assertEqual(e1["amf.message_count"], ["2"])
        self.assertEqual(e1["amf.header.name"], ["Credentials", "DescribeService"])
        self.assertEqual(e1["amf.header.must_understand"], [T.fields_bool(False), T.fields_bool(True)])
        self.assertEqual(e1["amf.message.target_uri"], ["catalog.getItems", "null"])
        self.assertEqual(e1["amf.message.response_uri"], ["/1", "/2"])
        self.assertEqual(e1["amf.message.length"], ["31", "241"])
        self.assertEqual(e4["amf.message.length"], ["4294967295"])
        self.assertEqual(e4["amf.message.target_uri"], ["/3/onResult"])

    def test_no_malformed_packet(self):
        self.assertEqual([n for n, f in self.frames.items() if f["_ws.malformed"]], [])


# ----------------------------------------------------------- policy file

POLICY = ('<?xml version="1.0"?>\n'
          '<!DOCTYPE cross-domain-policy SYSTEM "/xml/dtds/cross-domain-policy.dtd">\n'
          '<cross-domain-policy>\n'
          '  <site-control permitted-cross-domain-policies="master-only"/>\n'
          '  <allow-access-from domain="*" to-ports="843,20150"/>\n'
          '</cross-domain-policy>\n')
REQUEST = "<policy-file-request/>"
POLICY_FRAMES = {4: REQUEST, 6: POLICY, 14: REQUEST, 16: POLICY}
POLICY_AMF = [{"cmd": "hello", "user": "alice"}, {"cmd": "welcome", "id": 1},
              {"cmd": "ping", "t": 1}, {"cmd": "pong", "t": 1}]


def skip_policy(stream):
    """Length of the NUL-terminated policy texts at the start of a direction."""
    off = 0
    while stream[off:off + 1] == b"<":
        off = stream.index(b"\0", off) + 1
    return off


class PolicyFileTest(_CaptureTest, T.AmfTestCase):
    PCAP = "policy-file"
    FRAMING = "u32be+amf3"

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, POLICY_AMF, skip=skip_policy)

    def test_layout(self):
        self.assertEqual(sorted(self.EXPECTED), [18, 20, 22, 24])
        self.assertEqual(len(POLICY.encode()), 260)
        segs = {s.frame: s.payload for s in T.data_segments(self.PCAP)}
        for n, text in POLICY_FRAMES.items():
            self.assertEqual(segs[n], text.encode() + b"\0")

    def test_policy_text(self):
        for n, text in POLICY_FRAMES.items():
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["amftcp.policy"], [text])
                self.assertEqual(self.frames[n]["amf.json"], [])

    def test_policy_info(self):
        for n, text in POLICY_FRAMES.items():
            with self.subTest(frame=n):
                want = "Policy file request" if text == REQUEST else "Policy file answer"
                self.assertEqual(self.frames[n][T.col("Info")], [want])

    def test_only_policy_and_amf_frames(self):
        self.assertEqual(T.matching_frames(self.PCAP, "amftcp"), [4, 6, 14, 16, 18, 20, 22, 24])
        self.assertEqual([n for n, f in self.frames.items() if f["amftcp.policy"]], [4, 6, 14, 16])


# ---------------------------------------------------------- flex messages

CID = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"


def cid(n):
    return "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C" + n


def sid(n):
    return "A1B2C3D4-0001-4000-8000-00000000A00%d" % n


def uuid_bytes(s):
    return bytes_(bytes.fromhex(s.replace("-", "")))


FM = "flex.messaging.messages."
FLEX = [
    typed(FM + "RemotingMessage", source="com.example.auth.LoginService",
          operation="authenticate", body=["alice", "secret"], clientId=None, destination="login",
          headers={"DSId": "nil", "DSEndpoint": "my-amf"}, messageId=cid("4D"),
          timestamp=1700000000000, timeToLive=0),
    typed(FM + "AcknowledgeMessage",
          body={"userId": 1001, "displayName": "Alice", "roles": ["player", "admin"]},
          clientId=CID, correlationId=cid("4D"), destination=None, headers={"DSId": CID},
          messageId=sid(1), timeToLive=0, timestamp=1700000000050),
    typed(FM + "RemotingMessage", source=None, operation="getItem", body=[-1], clientId=CID,
          destination="catalog", headers={"DSId": CID, "DSEndpoint": "my-amf"},
          messageId=cid("4E"), timestamp=1700000000100, timeToLive=0),
    typed(FM + "ErrorMessage", body=None, clientId=CID, correlationId=cid("4E"),
          destination="catalog", extendedData={"itemId": -1}, faultCode="Server.Processing",
          faultDetail=None, faultString="Item -1 not found", headers={}, messageId=sid(2),
          rootCause={"message": "id must be >= 0", "localizedMessage": "id must be >= 0"},
          timeToLive=0, timestamp=1700000000150),
    typed(FM + "CommandMessage", operation=5, correlationId="", body={}, clientId=None,
          destination="", headers={"DSMessagingVersion": 1, "DSId": CID}, messageId=cid("4F"),
          timestamp=0, timeToLive=0),
    typed(FM + "AcknowledgeMessage", body=None, clientId=None, correlationId=cid("4F"),
          destination=None, headers={"DSMessagingVersion": 1}, messageId=sid(3), timeToLive=0,
          timestamp=1700000000200),
    typed(FM + "AsyncMessage", body={"from": "bob", "text": "hi!"}, clientId=CID,
          correlationId=None, destination="chat", headers={"DSSubtopic": "lobby"},
          messageId=sid(4), timeToLive=0, timestamp=1700000000250),
    typed(FM + "RemotingMessage", source=None, operation="getItem", body=[7], clientId=CID,
          destination="catalog", headers={"DSId": CID, "DSEndpoint": "my-amf"},
          messageId=cid("50"), timestamp=1700000000280, timeToLive=0),
    # Small messages: the fields their flag bytes announce, in wire order.
    {"$class": "DSK", "$external": {
        "body": {"id": 7, "name": "Sword", "price": 12.5}, "timestamp": 1700000000300,
        "clientIdBytes": uuid_bytes(CID), "messageIdBytes": uuid_bytes(sid(5)),
        "correlationIdBytes": uuid_bytes(cid("50"))}},
    {"$class": "DSC", "$external": {
        "body": {}, "destination": "", "headers": {"DSMessagingVersion": 1, "DSId": CID},
        "messageIdBytes": uuid_bytes(cid("51")), "correlationId": "", "operation": 5}},
    {"$class": "DSK", "$external": {
        "headers": {"DSMessagingVersion": 1}, "timestamp": 1700000000400,
        "clientIdBytes": uuid_bytes(CID), "messageIdBytes": uuid_bytes(sid(6)),
        "correlationIdBytes": uuid_bytes(cid("51"))}},
    {"$class": "DSA", "$external": {
        "body": {"from": "carol", "text": "small msg"}, "clientId": "subscriber-42",
        "destination": "chat", "headers": {"DSSubtopic": "lobby"}, "messageId": "push-0001",
        "timestamp": 1700000000500, "timeToLive": 60000}},
]


class FlexMessagesTest(_CaptureTest, T.AmfTestCase):
    PCAP = "flex-messages"
    FRAMING = "u32be+amf3"

    @classmethod
    def expected(cls):
        return length_framed(cls.PCAP, FLEX)

    def test_layout(self):
        self.assertEqual(sorted(self.EXPECTED), list(range(4, 27, 2)))

    def test_class_names(self):
        f = self.frames
        self.assertEqual(f[4]["amf.classname"], [FM + "RemotingMessage"])
        self.assertEqual(f[20]["amf.classname"], ["DSK"])
        self.assertEqual(T.matching_frames(self.PCAP, 'amf.classname == "DSK"'), [20, 24])


if __name__ == "__main__":
    unittest.main()
