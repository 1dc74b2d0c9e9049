# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared code for the dissection tests: run tshark with the amftcp plugin on
the sample captures, read its answers, read the captures themselves, and
compare amf.json documents with the values the capture scripts document.

Environment (set by ctest; defaults for a run by hand from the repository):
  AMFTCP_PLUGIN      the built amftcp.so (default: build/amftcp.so)
  AMFTCP_SOURCE_DIR  the repository root (default: two levels above here)
  AMFTCP_TSHARK      tshark to run (read by tests/tshark-as-user.sh)

tshark always runs through tests/tshark-as-user.sh: as an unprivileged user
when we are root (root loads no personal plugins), with an empty
configuration, so no preference of the caller changes a result.
"""
import base64
import collections
import datetime
import functools
import gzip
import json
import math
import os
import struct
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("AMFTCP_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
PLUGIN = os.environ.get("AMFTCP_PLUGIN") or os.path.join(SOURCE_DIR, "build", "amftcp.so")
WRAPPER = os.path.join(SOURCE_DIR, "tests", "tshark-as-user.sh")
CAPTURES = os.path.join(SOURCE_DIR, "sample-captures")

# Values of amf.type (the plugin's amf_type enum; stable, never renumbered).
TYPE = {
    "undefined": 1, "null": 2, "boolean": 3, "integer": 4, "number": 5,
    "string": 6, "date": 7, "object": 8, "ecma array": 9, "array": 10,
    "xml document": 11, "xml": 12, "bytearray": 13, "vector int": 14,
    "vector uint": 15, "vector number": 16, "vector object": 17,
    "dictionary": 18, "unsupported": 19, "movieclip": 20, "recordset": 21,
}

# _ws.expert.severity values (Wireshark's PI_* severities).
SEVERITY_CHAT = 0x00200000
SEVERITY_NOTE = 0x00400000
SEVERITY_WARN = 0x00600000
SEVERITY_ERROR = 0x00800000


def capture(name):
    """Path of sample-captures/<name>.pcap."""
    return os.path.join(CAPTURES, name + ".pcap")


# ------------------------------------------------- Wireshark versions
#
# Where Wireshark's own output changed between releases, the tests compare
# with the right text for the release they run on (checked on 4.0, 4.4 and
# 4.6; no 4.2 package exists to check, so 4.2 is taken as 4.0 here).

@functools.lru_cache(maxsize=None)
def ws_version():
    """(major, minor) of the tshark the tests run."""
    tshark = os.environ.get("AMFTCP_TSHARK", "tshark")
    out = subprocess.run([tshark, "-v"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True).stdout.decode("utf-8", "replace")
    first = out.splitlines()[0]
    marker = "(Wireshark) "
    if marker not in first:
        raise AssertionError("cannot read the version of %s: %r" % (tshark, first))
    major, minor = first.split(marker, 1)[1].split(".")[:2]
    return int(major), int(minor)


def ws_at_least(major, minor):
    return ws_version() >= (major, minor)


def col(name):
    """The -T json / -e name of a column: "_ws.col.Info" on 4.0,
    "_ws.col.info" from 4.4 on (name: "Info", "Protocol")."""
    return "_ws.col." + (name.lower() if ws_at_least(4, 4) else name)


def fields_bool(value):
    """How -T fields and -T json -e write an FT_BOOLEAN: "1"/"0" on 4.0,
    "True"/"False" from 4.4 on."""
    if ws_at_least(4, 4):
        return "True" if value else "False"
    return "1" if value else "0"


def as_bool(text):
    """An FT_BOOLEAN value as this tshark writes it, read back; anything
    else (the other release's spelling included) is an error."""
    for value in (False, True):
        if text == fields_bool(value):
            return value
    raise AssertionError("not a boolean as tshark %d.%d writes it: %r" % (ws_version() + (text,)))


def abs_time_utc(iso):
    """How -T fields/-T json write an FT_ABSOLUTE_TIME shown in UTC, for
    iso "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" (UTC): "Nov  9, 2012
    17:34:56.789000000 UTC" before 4.6, ISO 8601
    "2012-11-09T17:34:56.789000000+0000" from 4.6 on."""
    day, _, clock = iso.partition("T")
    if ws_at_least(4, 6):
        return "%sT%s+0000" % (day, clock)
    t = datetime.datetime.strptime(day, "%Y-%m-%d")
    month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec"][t.month - 1]
    return "%s %2d, %d %s UTC" % (month, t.day, t.year, clock)


def filter_nan_equals_any_number():
    """Display filters before 4.6 find a NaN field equal to every number."""
    return not ws_at_least(4, 6)


_FIELDS_ESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


def fields_text(text):
    """The text of one -T fields column as the fields hold it.  4.0 writes
    string values as they are; from 4.4 on every backslash is doubled and
    newline, tab and carriage return (the aggregator's too) are written
    \\n, \\t, \\r: undone here.  Any other escape is an error."""
    if not ws_at_least(4, 4):
        return text
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt not in _FIELDS_ESCAPES:
            raise AssertionError("unexpected escape %r in -T fields output %r" % (text[i:i + 2], text))
        out.append(_FIELDS_ESCAPES[nxt])
        i += 2
    return "".join(out)


# ---------------------------------------------------------------- tshark

class TsharkError(AssertionError):
    pass


def run_tshark(args, pcap=None, two_pass=True):
    """Run tshark (through the wrapper) and return its standard output.

    pcap: a capture name ("amf3-types") or path, read with -r.
    two_pass: add -2 (the default: makes reassembly results stable)."""
    cmd = [WRAPPER]
    if pcap is not None:
        cmd += ["-r", pcap if os.path.sep in pcap else capture(pcap)]
    if two_pass:
        cmd.append("-2")
    cmd += list(args)
    env = dict(os.environ, AMFTCP_PLUGIN=PLUGIN)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=300)
    out = proc.stdout.decode("utf-8")
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise TsharkError("tshark %s failed (%d):\n%s" % (" ".join(args), proc.returncode, err))
    # tshark reports dissector bugs on stderr without failing.
    if "dissector bug" in err.lower() or "assertion failed" in err.lower():
        raise TsharkError("tshark %s reported:\n%s" % (" ".join(args), err))
    return out


class Frame(dict):
    """One frame's fields from `tshark -T json -e ...`: field name -> list of
    values (strings, in tree order); missing fields read as []."""

    def __missing__(self, key):
        return []

    @property
    def number(self):
        return int(self["frame.number"][0])

    def amftcp_experts(self):
        """Names of the amftcp expert infos in the frame, one per occurrence,
        sorted."""
        return sorted(n for n in amftcp_expert_names() for _ in self[n])

    def experts(self):
        """(severity, message) of every expert info in the frame."""
        return list(zip((int(s) for s in self["_ws.expert.severity"]), self["_ws.expert.message"]))

    def json_docs(self):
        """The frame's amf.json values, parsed (see parse_json)."""
        return [parse_json(t) for t in self["amf.json"]]


EXPERT_FIELDS = ("_ws.expert.message", "_ws.expert.severity")


@functools.lru_cache(maxsize=None)
def amftcp_expert_names():
    """Abbreviations of amftcp's expert infos ("amftcp.malformed", ...), from
    the glossary: each is registered as an FT_NONE field of amftcp."""
    return tuple(row[2] for row in glossary("fields")
                 if row[0] == "F" and row[3] == "FT_NONE" and row[4] == "amftcp"
                 and row[2].startswith("amftcp."))


def amftcp_expert_filter():
    """A display filter matching any frame with an amftcp expert info."""
    return " || ".join(amftcp_expert_names())


@functools.lru_cache(maxsize=None)
def _fields_cached(pcap, names, display_filter, two_pass, extra):
    args = ["-T", "json"]
    for name in ("frame.number",) + names:
        args += ["-e", name]
    if display_filter:
        args += ["-Y", display_filter]
    args += list(extra)
    out = run_tshark(args, pcap, two_pass)
    frames = collections.OrderedDict()
    for pkt in json.loads(out) if out.strip() else []:
        layers = pkt["_source"]["layers"]
        f = Frame((k, list(v)) for k, v in layers.items())
        frames[f.number] = f
    # Every frame has every column: a column name missing from all of them
    # is the other release's spelling (see col()), and the test would
    # compare nothing.
    for name in names:
        if name.startswith("_ws.col.") and frames and not any(name in f for f in frames.values()):
            raise TsharkError("no frame has column field %s: tshark %d.%d calls it %s"
                              % ((name,) + ws_version() + (col(name[len("_ws.col."):].capitalize()),)))
    return frames


def fields(pcap, names, display_filter=None, two_pass=True, extra=(), experts=False):
    """{frame number: Frame} for the frames display_filter keeps (all when
    None), each with the values of the named fields (and, with experts, of
    _ws.expert.message, _ws.expert.severity and every amftcp expert info).
    Runs are cached, so tests of one capture can share one tshark run."""
    names = tuple(names)
    if experts:
        names += tuple(n for n in EXPERT_FIELDS + amftcp_expert_names() if n not in names)
    return _fields_cached(pcap, names, display_filter, two_pass, tuple(extra))


@functools.lru_cache(maxsize=None)
def matching_frames(pcap, display_filter, two_pass=True, extra=()):
    """Numbers of the frames that display_filter keeps."""
    out = run_tshark(["-T", "fields", "-e", "frame.number", "-Y", display_filter] + list(extra),
                     pcap, two_pass)
    return [int(line) for line in out.split()]


@functools.lru_cache(maxsize=None)
def glossary(report):
    """Rows of `tshark -G <report>` (fields, protocols, values, plugins),
    split on tabs."""
    out = run_tshark(["-G", report], None, False)
    return [line.split("\t") for line in out.splitlines() if line]


# ----------------------------------------------------------------- pcap

Segment = collections.namedtuple("Segment", "frame src dst sport dport seq flags payload")


@functools.lru_cache(maxsize=None)
def read_pcap(pcap):
    """Every TCP segment of a classic pcap file (Ethernet, Linux cooked or
    loopback link layer; IPv4 or IPv6; gzip-compressed or not), as Segments
    numbered like tshark's frames.  Non-TCP frames are skipped (their
    numbers are used up)."""
    path = pcap if os.path.sep in pcap else capture(pcap)
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    segments = []
    offset, number = 24, 0
    while offset + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        number += 1
        seg = _parse_frame(frame, linktype, number)
        if seg:
            segments.append(seg)
    return tuple(segments)


def _parse_frame(frame, linktype, number):
    if linktype == 1:            # Ethernet
        ethertype, ip = struct.unpack(">H", frame[12:14])[0], frame[14:]
    elif linktype == 113:        # Linux cooked
        ethertype, ip = struct.unpack(">H", frame[14:16])[0], frame[16:]
    elif linktype == 0:          # BSD loopback
        family = struct.unpack("<I", frame[:4])[0]
        ethertype, ip = (0x0800 if family == 2 else 0x86DD), frame[4:]
    else:
        raise ValueError("link type %d not supported" % linktype)
    if ethertype == 0x0800:
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 6:
            return None
        total = struct.unpack(">H", ip[2:4])[0]
        src, dst, tcp = ip[12:16], ip[16:20], ip[ihl:total]
    elif ethertype == 0x86DD:
        if ip[6] != 6:
            return None
        plen = struct.unpack(">H", ip[4:6])[0]
        src, dst, tcp = ip[8:24], ip[24:40], ip[40:40 + plen]
    else:
        return None
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    data_offset = (tcp[12] >> 4) * 4
    return Segment(number, bytes(src), bytes(dst), sport, dport, seq, tcp[13], bytes(tcp[data_offset:]))


def data_segments(pcap, port=None):
    """Segments carrying payload, in capture order (only those of the
    connection on `port`, either side, when given)."""
    return [s for s in read_pcap(pcap)
            if s.payload and (port is None or port in (s.sport, s.dport))]


Message = collections.namedtuple("Message", "frame first_frame sport dport header value")


def length_framed_messages(pcap, prefix=4, little_endian=False, includes_prefix=False,
                           skip=None):
    """Split each direction of each connection into length-prefixed
    messages.  Returns Messages (frame: where the last byte arrived,
    first_frame: where the first did; header: the prefix bytes; value: the
    bytes after it), ordered by frame.  skip(stream_bytes) may return how
    many leading bytes of a direction are not framed (policy text)."""
    flows = collections.OrderedDict()
    for seg in data_segments(pcap):
        flows.setdefault((seg.src, seg.sport, seg.dst, seg.dport), []).append(seg)
    fmt = {2: "H", 4: "I"}[prefix]
    fmt = ("<" if little_endian else ">") + fmt
    messages = []
    for (_, sport, _, dport), segs in flows.items():
        stream = b"".join(s.payload for s in segs)
        ends = []                        # stream offset where each segment ends
        pos = 0
        for s in segs:
            pos += len(s.payload)
            ends.append((pos, s.frame))

        def frame_of(offset):
            for end, frame in ends:
                if offset < end:
                    return frame
            raise AssertionError("offset %d past the stream" % offset)

        off = skip(stream) if skip else 0
        while off + prefix <= len(stream):
            n = struct.unpack(fmt, stream[off:off + prefix])[0]
            if includes_prefix:
                n -= prefix
            if off + prefix + n > len(stream):
                break
            messages.append(Message(frame_of(off + prefix + n - 1), frame_of(off), sport, dport,
                                    stream[off:off + prefix], stream[off + prefix:off + prefix + n]))
            off += prefix + n
    messages.sort(key=lambda m: m.frame)
    return messages


# ----------------------------------------------------------------- JSON

def _pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate member names in %r" % keys)
    return collections.OrderedDict(pairs)


def parse_json(text):
    """Parse one amf.json document strictly: members keep their order,
    duplicate names are an error, every number becomes a float (so "-0"
    keeps its sign), and NaN/Infinity literals are refused."""
    def no_constant(name):
        raise ValueError("non-JSON constant %s" % name)
    return json.loads(text, object_pairs_hook=_pairs, parse_int=float,
                      parse_constant=no_constant)


def canonical(value):
    """A comparable form of a JSON value in which member order matters and
    numbers compare by their double value (JSON has one number type)."""
    if isinstance(value, dict):
        return ("{", tuple((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("[", tuple(canonical(v) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        f = float(value)
        return ("num", "nan" if math.isnan(f) else repr(f))
    if value is None:
        return ("null",)
    if isinstance(value, str):
        return ("str", value)
    raise TypeError("not a JSON value: %r" % (value,))


def compact(value):
    """Expected value as compact JSON text, for failure messages."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_compact(text):
    """No whitespace outside strings (amf.json is one compact line)."""
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in " \t\r\n":
            return False
    return not in_string


# Builders for the mapping's special forms (design.md, "JSON mapping").

def date(iso):
    """{"$date": ...} for "2012-11-09T17:34:56.789Z"."""
    return {"$date": iso}


def date_ms(ms):
    """{"$date": ...} for milliseconds since 1970 UTC."""
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    return date(t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000))


def bytes_(data):
    """{"$bytes": base64} for a ByteArray."""
    return {"$bytes": base64.b64encode(bytes(data)).decode("ascii")}


def vector(kind, items, fixed=False, type_name=None):
    v = {"$vector": kind}
    if type_name is not None:
        v["$type"] = type_name
    v["$fixed"] = fixed
    v["$items"] = list(items)
    return v


def typed(class_name, **members):
    """A typed object: "$class" first, then the members in the order given."""
    obj = {"$class": class_name}
    obj.update(members)
    return obj


def obj(*pairs):
    """An object with members in wire order, for names that are not Python
    identifiers: obj(("$x", 1), ("a", 2))."""
    return collections.OrderedDict(pairs)


UNDEFINED = {"$undefined": True}
NAN = {"$number": "NaN"}
INFINITY = {"$number": "Infinity"}
NEG_INFINITY = {"$number": "-Infinity"}


class AmfTestCase(unittest.TestCase):
    """TestCase with amf.json comparisons."""

    maxDiff = None

    def assertJsonEqual(self, text, expected, msg=None):
        """text (one amf.json value) encodes expected: same members in the
        same order, same values; and it is compact JSON."""
        try:
            got = parse_json(text)
        except ValueError as e:
            self.fail("%snot valid JSON (%s): %s" % (msg + ": " if msg else "", e, text))
        if canonical(got) != canonical(expected):
            self.fail("%samf.json differs\n  got:      %s\n  expected: %s"
                      % (msg + ": " if msg else "", text, compact(expected)))
        self.assertTrue(is_compact(text), "amf.json is not compact: %s" % text)

    def assertFrameJson(self, frame, expected_docs, msg=None):
        """frame (a Frame) holds exactly these messages' JSON documents."""
        texts = frame["amf.json"]
        label = "frame %d%s" % (frame.number, " (" + msg + ")" if msg else "")
        self.assertEqual(len(texts), len(expected_docs),
                         "%s: %d amf.json values, expected %d: %r"
                         % (label, len(texts), len(expected_docs), texts))
        for i, (text, doc) in enumerate(zip(texts, expected_docs)):
            self.assertJsonEqual(text, doc, "%s, message %d" % (label, i + 1))

    def assertNoExpert(self, frame, msg=None):
        """No amftcp expert info in frame (fetched with experts=True)."""
        self.assertEqual(frame.amftcp_experts(), [],
                         "frame %d: unexpected expert infos %s%s"
                         % (frame.number, frame.experts(), " (" + msg + ")" if msg else ""))
