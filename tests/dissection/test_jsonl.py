# SPDX-License-Identifier: GPL-2.0-or-later
"""`tshark -q -z amftcp,jsonl`: one JSON object per message, written by the
plugin itself, so the bytes do not depend on the Wireshark version (tshark's
-T fields escapes string fields differently on 4.4 and 4.6).

The whole output of a few runs is compared byte for byte with the files in
expected/: the same files must match on every Wireshark version the suite
runs on.  After a deliberate change of the output, rewrite them with
AMFTCP_UPDATE_EXPECTED=1 and review the diff."""

import collections
import datetime
import decimal
import json
import os
import re
import socket
import struct
import tempfile
import unittest

from amftcp_tshark import (AmfTestCase, HERE, NAN, canonical, capture, compact, date, fields,
                           read_pcap, run_tshark, parse_json, typed)

EXPECTED = os.path.join(HERE, "expected")

# Every line has these keys, in this order (README.md, "JSON Lines").
LINE_KEYS = ["frame", "time_epoch", "time_utc", "src", "srcport", "dst", "dstport",
             "direction", "framing", "length", "amf_version", "status", "error", "type",
             "class", "flex", "amf"]
FLEX_KEYS = ["message", "messageId", "correlationId", "response_in", "response_to",
             "response_time"]


def run_jsonl(pcap, display_filter=None, two_pass=True, extra=(), also=()):
    """Standard output of `tshark -q -z amftcp,jsonl[,filter]` (more -z
    arguments in also)."""
    arg = "amftcp,jsonl" + ("," + display_filter if display_filter else "")
    args = ["-q", "-z", arg]
    for z in also:
        args += ["-z", z]
    return run_tshark(args + list(extra), pcap, two_pass)


def pcap_times(pcap):
    """Frame number -> record time as a Decimal number of seconds (classic
    pcap, microsecond or nanosecond)."""
    path = pcap if os.path.sep in pcap else capture(pcap)
    with open(path, "rb") as fh:
        data = fh.read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    scale = 9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 6
    times, offset, number = {}, 24, 0
    while offset + 16 <= len(data):
        sec, frac, caplen = struct.unpack(endian + "III", data[offset:offset + 12])
        number += 1
        times[number] = decimal.Decimal(sec) + decimal.Decimal(frac).scaleb(-scale)
        offset += 16 + caplen
    return times


def stats_total(out):
    """The message count of the `-z amftcp,tree` table in tshark's output."""
    m = re.search(r"^AMF over TCP messages\s+(\d+)\s", out, re.M)
    if not m:
        raise AssertionError("no amftcp,tree table in:\n" + out)
    return int(m.group(1))


class JsonlTestCase(AmfTestCase):
    """Reading and checking JSON Lines output."""

    def lines(self, out):
        """The output's objects, each checked: one compact JSON object per
        line, ending in a newline, valid UTF-8 (run_tshark decodes strictly),
        every key present and in order, the Flex links complete."""
        self.assertTrue(out.endswith("\n") or out == "", "output does not end a line")
        objects = []
        for n, text in enumerate(out.splitlines(), 1):
            try:
                o = parse_json(text)
            except ValueError as e:
                self.fail("line %d is not JSON (%s): %s" % (n, e, text))
            self.assertEqual(list(o), LINE_KEYS, "line %d keys" % n)
            self.assertTrue(text.startswith("{") and text.endswith("}"), text)
            self.assertNotIn("\n", text)
            for link in o["flex"] or []:
                self.assertEqual(list(link), FLEX_KEYS, "line %d Flex keys" % n)
            objects.append(o)
        return objects

    def assertSameAsExpected(self, out, name):
        """out is byte for byte expected/<name>."""
        path = os.path.join(EXPECTED, name)
        got = out.encode("utf-8")
        if os.environ.get("AMFTCP_UPDATE_EXPECTED"):
            with open(path, "wb") as fh:
                fh.write(got)
        with open(path, "rb") as fh:
            want = fh.read()
        if got != want:
            got_lines, want_lines = got.split(b"\n"), want.split(b"\n")
            for i, (g, w) in enumerate(zip(got_lines, want_lines), 1):
                if g != w:
                    self.fail("%s differs at line %d\n  got:      %r\n  expected: %r"
                              % (name, i, g, w))
            self.fail("%s: %d lines, expected %d" % (name, len(got_lines), len(want_lines)))

    def assertEndpoints(self, pcap, objects, server_port):
        """src/dst and ports are those of the frame's TCP segment; the
        direction is seen from server_port."""
        segments = {s.frame: s for s in read_pcap(pcap)}
        for o in objects:
            seg = segments[int(o["frame"])]
            family = socket.AF_INET if len(seg.src) == 4 else socket.AF_INET6
            with self.subTest(frame=o["frame"]):
                self.assertEqual(o["src"], socket.inet_ntop(family, seg.src))
                self.assertEqual(o["dst"], socket.inet_ntop(family, seg.dst))
                self.assertEqual(int(o["srcport"]), seg.sport)
                self.assertEqual(int(o["dstport"]), seg.dport)
                self.assertEqual(o["direction"],
                                 "to_server" if seg.dport == server_port else "to_client")

    def assertTimes(self, pcap, objects):
        """time_epoch is the frame's capture time, time_utc the same instant."""
        times = pcap_times(pcap)
        for o in objects:
            with self.subTest(frame=o["frame"]):
                self.assertRegex(o["time_epoch"], r"^\d+\.\d{9}$")
                t = times[int(o["frame"])]
                self.assertEqual(decimal.Decimal(o["time_epoch"]), t)
                secs = int(t)
                utc = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)
                self.assertEqual(o["time_utc"], utc.strftime("%Y-%m-%dT%H:%M:%S.")
                                 + o["time_epoch"].split(".")[1] + "Z")

    def assertOneLinePerMessage(self, pcap, objects, two_pass=True, extra=()):
        """As many lines per frame as amftcp.framing values, in the same
        order, and the messages' amf.json documents embedded as they are."""
        frames = fields(pcap, ("amftcp.framing", "amf.json"), "amftcp", two_pass, extra)
        per_frame = collections.OrderedDict()
        for o in objects:
            per_frame.setdefault(int(o["frame"]), []).append(o)
        expected = collections.OrderedDict((n, f) for n, f in frames.items()
                                           if f["amftcp.framing"])
        self.assertEqual(list(per_frame), list(expected), "frames with lines")
        for n, f in expected.items():
            with self.subTest(frame=n):
                got = per_frame[n]
                self.assertEqual([o["framing"] for o in got], f["amftcp.framing"])
                self.assertEqual([canonical(o["amf"]) for o in got],
                                 [canonical(d) for d in f.json_docs()])


class FlexMessages(JsonlTestCase):
    """flex-messages.pcap (gen/flex-messages.js), port 20110."""

    # frame -> (Flex message, response_in, response_to), as test_features.py
    # knows them from amf.flex.*.
    LINKS = {
        4: ("RemotingMessage", 6, None), 6: ("AcknowledgeMessage", None, 4),
        8: ("RemotingMessage", 10, None), 10: ("ErrorMessage", None, 8),
        12: ("CommandMessage", 14, None), 14: ("AcknowledgeMessage", None, 12),
        16: ("AsyncMessage", None, None),
        18: ("RemotingMessage", 20, None), 20: ("AcknowledgeMessage", None, 18),
        22: ("CommandMessage", 24, None), 24: ("AcknowledgeMessage", None, 22),
        26: ("AsyncMessage", None, None),
    }

    @classmethod
    def setUpClass(cls):
        cls.out = run_jsonl("flex-messages")
        cls.out_one_pass = run_jsonl("flex-messages", two_pass=False)

    def setUp(self):
        self.objects = self.lines(self.out)
        self.by_frame = {o["frame"]: o for o in self.objects}

    def test_same_bytes_as_expected(self):
        self.assertSameAsExpected(self.out, "flex-messages.jsonl")

    def test_frames_framing_and_versions(self):
        self.assertEqual([int(o["frame"]) for o in self.objects], sorted(self.LINKS))
        for o in self.objects:
            self.assertEqual(o["framing"], "u32be+amf3")
            self.assertEqual(o["amf_version"], "AMF3")
            self.assertEqual(o["status"], "ok")
            self.assertIsNone(o["error"])
            self.assertEqual(o["type"], "Object")

    def test_endpoints_directions_times(self):
        self.assertEndpoints("flex-messages", self.objects, 20110)
        self.assertEqual([o["direction"] for o in self.objects].count("to_server"), 5)
        self.assertTimes("flex-messages", self.objects)

    def test_one_line_per_message(self):
        self.assertOneLinePerMessage("flex-messages", self.objects)

    def test_length_is_the_whole_message(self):
        # u32be framing: the length prefix plus the value it announces.
        f = fields("flex-messages", ("amftcp.length",), "amftcp")
        for o in self.objects:
            self.assertEqual(o["length"], 4 + float(f[int(o["frame"])]["amftcp.length"][0]))

    def test_flex_links_two_passes(self):
        for o in self.objects:
            n = int(o["frame"])
            kind, resp_in, resp_to = self.LINKS[n]
            with self.subTest(frame=n):
                self.assertEqual(len(o["flex"]), 1)
                link = o["flex"][0]
                self.assertEqual(link["message"], kind)
                self.assertEqual(link["response_in"], resp_in and float(resp_in))
                self.assertEqual(link["response_to"], resp_to and float(resp_to))
                if resp_to is None:
                    self.assertIsNone(link["response_time"])
                    continue
                request = self.by_frame[resp_to]
                # correlationId names the request's messageId; the time is
                # the difference of the two frames' times, exactly.
                self.assertIsNotNone(link["correlationId"])
                self.assertEqual(link["correlationId"], request["flex"][0]["messageId"])
                self.assertEqual(decimal.Decimal(link["response_time"]),
                                 decimal.Decimal(o["time_epoch"])
                                 - decimal.Decimal(request["time_epoch"]))

    def test_known_messages(self):
        first = self.by_frame[4]
        self.assertEqual(first["class"], "flex.messaging.messages.RemotingMessage")
        self.assertEqual(first["flex"][0]["messageId"], "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D")
        self.assertIsNone(first["flex"][0]["correlationId"])
        self.assertEqual(first["amf"]["operation"], "authenticate")
        self.assertEqual(first["amf"]["body"], ["alice", "secret"])
        self.assertEqual(first["amf"]["destination"], "login")
        error = self.by_frame[10]
        self.assertEqual(error["amf"]["faultString"], "Item -1 not found")
        # The small forms carry their ids as 16 bytes: the line has their text.
        dsk = self.by_frame[20]
        self.assertEqual(dsk["class"], "DSK")
        self.assertRegex(dsk["flex"][0]["messageId"],
                         r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")

    def test_one_pass_knows_only_earlier_frames(self):
        one = self.lines(self.out_one_pass)
        self.assertEqual(len(one), len(self.objects))
        for a, b in zip(one, self.objects):
            with self.subTest(frame=a["frame"]):
                self.assertIsNone(a["flex"][0]["response_in"])
                # Everything else is what two passes give.
                for link in b["flex"]:
                    link["response_in"] = None
                self.assertEqual(canonical(a), canonical(b))

    def test_same_count_as_stats_tree_in_one_run(self):
        out = run_jsonl("flex-messages", also=("amftcp,tree",))
        objects = self.lines("".join(l + "\n" for l in out.splitlines() if l.startswith("{")))
        self.assertEqual(len(objects), stats_total(out))
        self.assertEqual(len(objects), 12)


class Amf3Types(JsonlTestCase):
    """amf3-types.pcap (gen/amf3-types.js), port 20001: every AMF3 type."""

    @classmethod
    def setUpClass(cls):
        cls.out = run_jsonl("amf3-types")
        # A slice for the byte comparison: text with quotes (backslashes in
        # the JSON text), UTF-8, XML, a date.
        cls.out_slice = run_jsonl("amf3-types", "frame.number >= 46 && frame.number <= 56")

    def setUp(self):
        self.objects = self.lines(self.out)
        self.by_frame = {o["frame"]: o for o in self.objects}

    def test_same_bytes_as_expected(self):
        self.assertSameAsExpected(self.out_slice, "amf3-types-46-56.jsonl")

    def test_filter_keeps_its_frames(self):
        self.assertEqual([int(o["frame"]) for o in self.lines(self.out_slice)],
                         list(range(46, 57)))

    def test_one_line_per_message(self):
        self.assertOneLinePerMessage("amf3-types", self.objects)
        # 45 messages each way; the first, a lone undefined, is decoded by
        # the second pass once the connection is claimed.
        self.assertEqual(len(self.objects), 90)
        self.assertEqual(self.objects[0]["amf"], {"$undefined": True})

    def test_endpoints_directions_times(self):
        self.assertEndpoints("amf3-types", self.objects, 20001)
        self.assertTimes("amf3-types", self.objects)

    def test_values_and_types(self):
        expected = {
            8: ("Null", None),
            10: ("Boolean", False),
            18: ("Integer", -1),
            30: ("Integer", -268435456),
            38: ("Number", NAN),
            46: ("String", "Hello, AMF3!"),
            50: ("String", "h\u00e9llo \u2603 \U0001d11e"),
            52: ("XML document",
                 {"$xmldoc": '<?xml version="1.0"?><note id="1"><to>Ann</to></note>'}),
            56: ("Date", date("2012-11-09T17:34:56.789Z")),
            66: ("ByteArray", {"$bytes": "AAECf4D+/0FNRg=="}),
        }
        for n, (type_name, value) in expected.items():
            with self.subTest(frame=n):
                o = self.by_frame[n]
                self.assertEqual(o["direction"], "to_server")
                self.assertEqual(o["type"], type_name)
                self.assertEqual(canonical(o["amf"]), canonical(value), compact(o["amf"]))
                self.assertEqual(o["status"], "ok")
        self.assertEqual(self.by_frame[64]["class"], "com.example.User")
        self.assertEqual(self.by_frame[6]["amf"], "ok 1")
        self.assertEqual(self.by_frame[6]["direction"], "to_client")
        self.assertIsNone(self.by_frame[62]["class"])

    def test_document_is_embedded_as_is(self):
        # The amf.json text, exactly as -T json carries it, is the end of
        # the line.
        f = fields("amf3-types", ("amf.json",), "amftcp")
        texts = {n: fr["amf.json"] for n, fr in f.items()}
        for line in self.out.splitlines():
            n = json.loads(line)["frame"]
            with self.subTest(frame=n):
                self.assertEqual(len(texts[n]), 1)
                self.assertTrue(line.endswith(',"amf":' + texts[n][0] + "}"), line)


class Malformed(JsonlTestCase):
    """malformed.pcap (gen/malformed.js), port 20160: bad messages between
    good ones."""

    STOPPED = {
        6: ("malformed", "bad type marker"),
        10: ("malformed", "truncated"),
        14: ("malformed", "string reference out of range"),
        18: ("malformed", "object reference out of range"),
        22: ("malformed", "trait reference out of range"),
        26: ("unsupported", "unknown externalizable class"),
        42: ("limit", "nesting depth limit"),
    }

    @classmethod
    def setUpClass(cls):
        cls.out = run_jsonl("malformed")
        cls.out_slice = run_jsonl("malformed", "frame.number <= 36")

    def setUp(self):
        self.objects = self.lines(self.out)
        self.by_frame = {o["frame"]: o for o in self.objects}

    def test_same_bytes_as_expected(self):
        self.assertSameAsExpected(self.out_slice, "malformed-1-36.jsonl")

    def test_one_line_per_message(self):
        self.assertOneLinePerMessage("malformed", self.objects)

    def test_endpoints_directions_times(self):
        self.assertEndpoints("malformed", self.objects, 20160)
        self.assertTimes("malformed", self.objects)

    def test_status_and_error(self):
        for o in self.objects:
            n = int(o["frame"])
            status, error = self.STOPPED.get(n, ("ok", None))
            with self.subTest(frame=n):
                self.assertEqual(o["status"], status)
                self.assertEqual(o["error"], error)
                if status != "ok":
                    self.assertIn('"$error"', json.dumps(o["amf"]))
                    self.assertIsNotNone(o["type"])

    def test_good_messages_after_bad_ones(self):
        self.assertEqual(self.by_frame[8]["amf"], "good after unknown marker")
        self.assertEqual(self.by_frame[52]["amf"], "last good message")
        self.assertEqual(self.by_frame[50]["direction"], "to_client")

    def test_invalid_utf8_becomes_replacement_character(self):
        self.assertEqual(self.by_frame[30]["amf"]["s"], "caf\ufffd")


class Arguments(unittest.TestCase):
    def test_bad_arguments_stop_tshark(self):
        from amftcp_tshark import TsharkError
        for arg in ("amftcp,jsonlx", "amftcp,jsonl,amf.no_such_field == 1"):
            with self.subTest(arg=arg):
                with self.assertRaises(TsharkError) as cm:
                    run_tshark(["-q", "-z", arg], "flex-messages")
                # tshark's exit status, then the plugin's own message.
                self.assertRegex(str(cm.exception), r"failed \(\d+\):\n(.*\n)*"
                                 r"tshark: (invalid \"-z amftcp,jsonlx\" argument|"
                                 r"couldn't register amftcp,jsonl tap)")


class PolicyFile(JsonlTestCase):
    """policy-file.pcap: policy-file exchanges get a line too (framing
    "policy", no document), one per stats tree message."""

    def test_policy_lines_and_stats_count(self):
        out = run_jsonl("policy-file", also=("amftcp,tree",), two_pass=False)
        objects = self.lines("".join(l + "\n" for l in out.splitlines() if l.startswith("{")))
        self.assertEqual(len(objects), stats_total(out))
        policy = [o for o in objects if o["framing"] == "policy"]
        self.assertEqual(len(policy), 4)
        for o in policy:
            self.assertEqual(o["amf_version"], "Policy file")
            self.assertIsNone(o["amf"])
            self.assertIsNone(o["flex"])
        self.assertEqual(len(objects) - len(policy), 4)


# ---------------------------------------------------------------- escaping

def amf3_string(data):
    """An AMF3 string body (inline, shorter than 64 bytes)."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    assert len(data) < 64
    return bytes([len(data) << 1 | 1]) + data


def amf3_dynamic_object(class_name, members):
    """AMF3 object with inline dynamic traits, no sealed members; members:
    [(name, encoded value)]."""
    out = b"\x0a\x0b" + amf3_string(class_name)
    for name, value in members:
        out += amf3_string(name) + value
    return out + b"\x01"


def amf3_value_string(data):
    return b"\x06" + amf3_string(data)


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp


def write_pcap(path, frames):
    """frames: [(seconds, microseconds, bytes)] into a classic Ethernet pcap."""
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, data in frames:
            fh.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)


# messageId with a backslash, a quote, "</", a control character and a
# byte that is not UTF-8; the response's correlationId repeats it.
ODD_ID = b'id\\"</\x01\xff'
ODD_ID_TEXT = 'id\\"</\x01\ufffd'


def escaping_capture(path):
    client, server, cport, sport = "10.1.0.1", "10.1.0.2", 40000, 9000
    request = amf3_dynamic_object("flex.messaging.messages.RemotingMessage", [
        ("operation", amf3_value_string("echo")),
        ("destination", amf3_value_string('svc"</x>\\')),
        ("messageId", amf3_value_string(ODD_ID)),
        ("body", amf3_dynamic_object("", [
            ("path", amf3_value_string("C:\\dir\\file")),
            ("tab", amf3_value_string("a\tb\nc\x7f")),
            ("uni", amf3_value_string("\u00e9\u2603")),
            ("bad", amf3_value_string(b"caf\xe9")),
            ("back\\slash", b"\x04\x01"),
        ])),
    ])
    response = amf3_dynamic_object("flex.messaging.messages.AcknowledgeMessage", [
        ("messageId", amf3_value_string("ack-1")),
        ("correlationId", amf3_value_string(ODD_ID)),
        ("body", amf3_value_string("ok \\ done")),
    ])
    req = struct.pack(">I", len(request)) + request
    resp = struct.pack(">I", len(response)) + response
    c, s = 1000, 5000
    write_pcap(path, [
        (1700000000, 0, tcp_frame(client, server, cport, sport, c, 0, 0x02)),
        (1700000000, 100, tcp_frame(server, client, sport, cport, s, c + 1, 0x12)),
        (1700000000, 200, tcp_frame(client, server, cport, sport, c + 1, s + 1, 0x10)),
        (1700000000, 250000, tcp_frame(client, server, cport, sport, c + 1, s + 1, 0x18, req)),
        (1700000000, 312500, tcp_frame(server, client, sport, cport, s + 1, c + 1 + len(req),
                                       0x18, resp)),
    ])


class Escaping(JsonlTestCase):
    """A capture made here: Flex ids and values with backslashes, quotes,
    "</", control characters and bytes that are not UTF-8, on port 9000."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.pcap = os.path.join(cls.tmp.name, "escaping.pcap")
        escaping_capture(cls.pcap)
        # Framing forced: detection wants more convincing text than this.
        cls.out = run_jsonl(cls.pcap, extra=("-d", "tcp.port==9000,amftcp",
                                             "-o", "amftcp.framing:length"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.objects = self.lines(self.out)

    def test_same_bytes_as_expected(self):
        self.assertSameAsExpected(self.out, "escaping.jsonl")

    def test_lines(self):
        self.assertEqual([o["frame"] for o in self.objects], [4.0, 5.0])
        req, resp = self.objects
        self.assertEqual((req["src"], req["srcport"], req["dst"], req["dstport"]),
                         ("10.1.0.1", 40000, "10.1.0.2", 9000))
        self.assertEqual(req["direction"], "to_server")
        self.assertEqual(resp["direction"], "to_client")
        self.assertEqual(req["time_epoch"], "1700000000.250000000")
        self.assertEqual(req["time_utc"], "2023-11-14T22:13:20.250000000Z")
        self.assertEqual(resp["time_epoch"], "1700000000.312500000")

    def test_wrapper_strings_escaped(self):
        req, resp = self.objects
        self.assertEqual(req["flex"][0]["messageId"], ODD_ID_TEXT)
        self.assertEqual(resp["flex"][0]["correlationId"], ODD_ID_TEXT)
        self.assertEqual(req["flex"][0]["response_in"], 5)
        self.assertEqual(resp["flex"][0]["response_to"], 4)
        self.assertEqual(resp["flex"][0]["response_time"], "0.062500000")

    def test_document_values(self):
        req, resp = self.objects
        expected = typed("flex.messaging.messages.RemotingMessage",
                         operation="echo", destination='svc"</x>\\', messageId=ODD_ID_TEXT,
                         body=collections.OrderedDict([
                             ("path", "C:\\dir\\file"), ("tab", "a\tb\nc\x7f"),
                             ("uni", "\u00e9\u2603"), ("bad", "caf\ufffd"),
                             ("back\\slash", 1)]))
        self.assertEqual(canonical(req["amf"]), canonical(expected))
        self.assertEqual(resp["amf"]["body"], "ok \\ done")

    def test_no_raw_control_characters(self):
        for line in self.out.splitlines():
            self.assertFalse(any(ord(ch) < 0x20 for ch in line), line)


if __name__ == "__main__":
    unittest.main()
