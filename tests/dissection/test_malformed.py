# SPDX-License-Identifier: GPL-2.0-or-later
"""malformed.pcap: malformed AMF3 in well-formed u32be frames, each followed
by a good message (see sample-captures/gen/malformed.js): expert infos with
their severity and text, {"$error":...} at the right place in amf.json, and
decoding going on after every bad message."""
import os
import re
import unittest

import amftcp_tshark as T

PCAP = "malformed"
PORT = 20160

ERR = {"$error": None}       # placeholder: an error object, message checked apart


def nested(levels, inner):
    for _ in range(levels):
        inner = [inner]
    return inner


# Good messages: frame -> value.
GOOD = {
    4: {"seq": 1, "text": "first good message"},
    8: "good after unknown marker",
    12: "good after truncated value",
    16: "good after bad string reference",
    20: "good after bad object reference",
    24: "good after bad trait reference",
    28: "good after unknown externalizable",
    32: "good after invalid UTF-8 string",
    36: "good after invalid UTF-8 name",
    40: "good after trailing bytes",
    44: nested(128, "deep ok"),
    46: "good after depth limit",
    50: {"reply": "server side is fine", "count": 24},
    52: "last good message",
}

# Bad messages that stop decoding: frame -> (JSON with ERR where decoding
# stopped, expert info name, words the expert text must contain).
ERRORS = {
    6: ({"a": 1, "b": ERR}, "amftcp.malformed", ["marker", "0x12", "offset 9"]),
    10: ([1, ERR], "amftcp.malformed", ["20 bytes", "5"]),
    14: ({"k": ERR}, "amftcp.malformed", ["string reference", "5"]),
    18: ([{}, ERR], "amftcp.malformed", ["object reference", "3"]),
    22: ([1, ERR], "amftcp.malformed", ["trait reference", "0"]),
    26: ({"payload": {"$class": "com.example.Secret", "$external": ERR}}, "amftcp.unsupported",
         ["externalizable", "com.example.Secret"]),
    42: (nested(128, ERR), "amftcp.limit", ["128", "depth"]),
}

# Bad messages that only warn: frame -> (JSON, expert info name, words).
WARNINGS = {
    30: ({"s": "caf\ufffd", "n": 1}, "amftcp.utf8", ["UTF-8", "String"]),
    34: ({"\ufffd\ufffd": 1, "ok": True}, "amftcp.utf8", ["UTF-8", "member name"]),
    38: ("short", "amftcp.trailing", ["3 bytes"]),
}

TOO_LARGE = 48          # length prefix 16777217

FIELDS = ["amf.json", "amftcp.framing", "amftcp.length", "amf.string", "amf.membername",
          T.col("Info")]


def fill_errors(expected, got):
    """expected with each ERR replaced by got's error object at the same
    place (so the comparison checks where the error is, and the message is
    checked on its own).  Returns (filled, [messages])."""
    messages = []

    def walk(e, g):
        if e is ERR:
            if isinstance(g, dict) and list(g) == ["$error"]:
                messages.append(g["$error"])
                return g
            return {"$error": "<missing here>"}
        if isinstance(e, dict) and isinstance(g, dict):
            return type(e)((k, walk(v, g.get(k))) for k, v in e.items())
        if isinstance(e, list) and isinstance(g, list):
            return [walk(v, g[i] if i < len(g) else None) for i, v in enumerate(e)]
        return e
    return walk(expected, got), messages


class MalformedTest(T.AmfTestCase):

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, experts=True)

    def test_capture_layout_matches_script(self):
        segs = T.data_segments(PCAP)
        self.assertEqual([s.frame for s in segs], list(range(4, 53, 2)))
        self.assertEqual([s.frame for s in segs if s.sport == PORT], [50])
        msgs = T.length_framed_messages(PCAP)
        # Every frame up to the 16 MiB prefix holds one whole message; a
        # plain reader of the client's stream stops there (the server's
        # reply in 50 is the other direction).
        self.assertEqual([m.frame for m in msgs], list(range(4, 47, 2)) + [50])
        self.assertEqual(segs[(TOO_LARGE - 4) // 2].payload, b"\x01\x00\x00\x01overflow")

    def test_good_messages_decode(self):
        for n, doc in GOOD.items():
            with self.subTest(frame=n):
                self.assertFrameJson(self.frames[n], [doc])
                self.assertEqual(self.frames[n]["amftcp.framing"], ["u32be+amf3"])
                self.assertNoExpert(self.frames[n])

    def test_error_in_json_at_the_right_place(self):
        for n, (expected, _, words) in ERRORS.items():
            with self.subTest(frame=n):
                texts = self.frames[n]["amf.json"]
                self.assertEqual(len(texts), 1, texts)
                got = T.parse_json(texts[0])
                filled, messages = fill_errors(expected, got)
                self.assertJsonEqual(texts[0], filled)
                self.assertEqual(len(messages), 1)
                self.assertTrue(messages[0], "empty $error text")
                self.assertEqual(texts[0].count('"$error"'), 1, texts[0])

    def test_error_expert_infos(self):
        for n, (_, name, words) in ERRORS.items():
            with self.subTest(frame=n):
                f = self.frames[n]
                self.assertEqual(f.amftcp_experts(), [name])
                experts = f.experts()
                self.assertEqual([s for s, _ in experts], [T.SEVERITY_ERROR], experts)
                for w in words:
                    self.assertIn(w.lower(), experts[0][1].lower(), experts[0][1])

    def test_error_text_same_in_json_and_expert(self):
        for n in ERRORS:
            with self.subTest(frame=n):
                f = self.frames[n]
                _, messages = fill_errors(ERRORS[n][0], T.parse_json(f["amf.json"][0]))
                self.assertIn(messages[0], f.experts()[0][1])

    def test_warnings(self):
        for n, (doc, name, words) in WARNINGS.items():
            with self.subTest(frame=n):
                f = self.frames[n]
                self.assertFrameJson(f, [doc])
                self.assertEqual(f.amftcp_experts(), [name])
                experts = f.experts()
                self.assertEqual([s for s, _ in experts], [T.SEVERITY_WARN], experts)
                for w in words:
                    self.assertIn(w.lower(), experts[0][1].lower(), experts[0][1])

    def test_utf8_replacement_in_fields(self):
        self.assertEqual(self.frames[30]["amf.string"], ["caf\ufffd"])
        self.assertEqual(self.frames[34]["amf.membername"], ["\ufffd\ufffd", "ok"])

    def test_trailing_bytes_length(self):
        self.assertEqual(self.frames[38]["amftcp.length"], ["10"])
        self.assertIn("3 bytes", self.frames[38].experts()[0][1])

    def test_length_over_16_mib(self):
        f = self.frames[TOO_LARGE]
        self.assertEqual(f.amftcp_experts(), ["amftcp.too_large"])
        experts = f.experts()
        self.assertEqual([s for s, _ in experts], [T.SEVERITY_ERROR])
        self.assertIn("16777217", experts[0][1])
        self.assertEqual(f["amf.json"], [])

    def test_experts_on_exactly_the_bad_frames(self):
        bad = sorted(list(ERRORS) + list(WARNINGS) + [TOO_LARGE])
        got = [n for n, f in self.frames.items() if f.amftcp_experts()]
        self.assertEqual(got, bad)
        self.assertEqual(T.matching_frames(PCAP, T.amftcp_expert_filter()), bad)
        errors = [n for n, f in self.frames.items()
                  if T.SEVERITY_ERROR in [s for s, _ in f.experts()]]
        self.assertEqual(errors, sorted(list(ERRORS) + [TOO_LARGE]))

    def test_every_message_frame_is_amftcp(self):
        self.assertEqual(T.matching_frames(PCAP, "amftcp"), list(range(4, 53, 2)))

    def test_depth_error_offset(self):
        _, messages = fill_errors(ERRORS[42][0], T.parse_json(self.frames[42]["amf.json"][0]))
        self.assertIsNotNone(re.search(r"\b384\b", messages[0]), messages[0])


class MalformedOnePassTest(T.AmfTestCase):
    """A single pass finds the same errors and decodes the same good
    messages."""

    def test_one_pass(self):
        frames = T.fields(PCAP, ["amf.json"], two_pass=False, experts=True)
        for n, doc in GOOD.items():
            self.assertFrameJson(frames[n], [doc])
        bad = sorted(list(ERRORS) + list(WARNINGS) + [TOO_LARGE])
        self.assertEqual([n for n, f in frames.items() if f.amftcp_experts()], bad)


class FuzzRegressionCaptureTest(T.AmfTestCase):
    """Captures the capture fuzzer found (tests/fuzz/regressions/capture):
    what they must decode to now (the sanitizer suite replays them too)."""

    NAMELESS = os.path.join(T.SOURCE_DIR, "tests", "fuzz", "regressions", "capture",
                            "nameless-member-error-label.pcap")

    def test_member_name_cut_short(self):
        # {cmd:"login",user:"alice"}, then an anonymous dynamic object whose
        # first member name is announced (4 bytes) but not there.
        frames = T.fields(self.NAMELESS, ["amf.json"], experts=True)
        self.assertFrameJson(frames[4], [{"cmd": "login", "user": "alice"}])
        self.assertNoExpert(frames[4])
        self.assertEqual(frames[5].amftcp_experts(), ["amftcp.malformed"])
        doc = T.parse_json(frames[5]["amf.json"][0])
        self.assertEqual(list(doc), ["$error"])
        self.assertIn("dynamic member name", doc["$error"])
        # The error item is labelled by its message alone: there is no name.
        tree = T.run_tshark(["-V", "-Y", "frame.number == 5"], self.NAMELESS)
        lines = [ln.strip() for ln in tree.splitlines() if "dynamic member name" in ln]
        self.assertTrue(lines)
        self.assertTrue(lines[0].startswith("dynamic member name needs 4 bytes"), lines[0])


if __name__ == "__main__":
    unittest.main()
