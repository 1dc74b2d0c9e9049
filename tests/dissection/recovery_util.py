# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for test_recovery.py and test_limits.py: run tshark on a capture
with given preferences and compare, frame by frame, the AMF messages that
decoded (amf.json) and the expert infos our dissector added.

tshark runs through amftcp_tshark (tests/tshark-as-user.sh: unprivileged,
empty configuration); its runs are cached, so tests of one capture and one
set of preferences share one run.
"""
import collections
import functools
import os
import re
import subprocess
import time

import amftcp_tshark as T

# Fields every run extracts.  _ws.expert holds "Expert Info (Severity/Group):
# text" for each expert info, in the same order as .message and .severity.
FIELDS = ("tcp.srcport", "tcp.dstport", "amf.json", "amf.string", "_ws.expert",
          "_ws.expert.message", "_ws.expert.severity")

OOO_ON = "tcp.reassemble_out_of_order:TRUE"
OOO_OFF = "tcp.reassemble_out_of_order:FALSE"

ERROR = T.SEVERITY_ERROR
WARN = T.SEVERITY_WARN
NOTE = T.SEVERITY_NOTE

_EXPERT = re.compile(r"^Expert Info \(([^/]+)/([^)]+)\): ")


def path(name):
    """sample-captures/<name> (name with its extension)."""
    return os.path.join(T.CAPTURES, name)


def dissect(name, prefs=(), two_pass=True, decode_as=(), display_filter=None):
    """{frame number: Frame} with FIELDS, for every frame (or those
    display_filter keeps), dissected with -o prefs and -d decode_as."""
    extra = []
    for p in prefs:
        extra += ["-o", p]
    for d in decode_as:
        extra += ["-d", d]
    return T.fields(path(name), FIELDS, display_filter, two_pass, tuple(extra))


def experts(frame):
    """The frame's expert infos that are not TCP's (TCP files all of its
    own under the Sequence group; ours never are), as (text, severity)."""
    texts = frame["_ws.expert"]
    messages = frame["_ws.expert.message"]
    severities = frame["_ws.expert.severity"]
    if not (len(texts) == len(messages) == len(severities)):
        raise AssertionError("frame %d: expert fields do not line up: %r %r %r"
                             % (frame.number, texts, messages, severities))
    found = []
    for text, message, severity in zip(texts, messages, severities):
        m = _EXPERT.match(text)
        if m and m.group(2) == "Sequence":
            continue
        found.append((message, int(severity)))
    return found


def decoded(frames):
    """[(frame number, amf.json text)] in frame order."""
    return [(n, text) for n, f in frames.items() for text in f["amf.json"]]


def timed_tshark(name, args, two_pass=True):
    """Run tshark on sample-captures/<name> (uncached); returns (stdout,
    seconds)."""
    cmd = [T.WRAPPER, "-r", path(name)] + (["-2"] if two_pass else []) + list(args)
    env = dict(os.environ, AMFTCP_PLUGIN=T.PLUGIN)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=300)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise T.TsharkError("tshark %s failed (%d):\n%s"
                            % (" ".join(args), proc.returncode, proc.stderr.decode("utf-8", "replace")))
    return proc.stdout.decode("utf-8"), seconds


@functools.lru_cache(maxsize=None)
def tree_texts(name, numbers, two_pass=True):
    """{frame: the verbose tree (-V) of our protocol in that frame, as
    text} for the frames numbered in `numbers` (a tuple)."""
    flt = " || ".join("frame.number == %d" % n for n in numbers)
    out = T.run_tshark(["-Y", flt, "-O", "amftcp", "-V"], path(name), two_pass)
    texts = {}
    for block in re.split(r"(?m)^(?=Frame \d+: )", out):
        m = re.match(r"Frame (\d+): ", block)
        if m:
            texts[int(m.group(1))] = block
    return texts


class RecoveryTestCase(T.AmfTestCase):
    """AmfTestCase with frame-by-frame expectations."""

    def assertDecodes(self, frames, expected, msg=None):
        """Exactly the frames in `expected` ({frame: [JSON value, ...]})
        carry amf.json, each exactly those documents in that order."""
        got = collections.OrderedDict((n, f) for n, f in frames.items() if f["amf.json"])
        label = " (%s)" % msg if msg else ""
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        detail = "".join("\n  frame %d: %s" % (n, got[n]["amf.json"]) for n in extra)
        self.assertFalse(missing or extra,
                         "frames with messages differ%s: missing %s, unexpected %s%s"
                         % (label, missing, extra, detail))
        for n, docs in expected.items():
            self.assertFrameJson(got[n], docs, msg)

    def assertExperts(self, frames, expected, msg=None):
        """Our expert infos are exactly `expected` ({frame: [(text,
        severity), ...]}, in tree order); no other frame has any."""
        got = {n: experts(f) for n, f in frames.items()}
        got = {n: e for n, e in got.items() if e}
        label = " (%s)" % msg if msg else ""
        for n in sorted(set(got) | set(expected)):
            self.assertEqual(got.get(n, []), list(expected.get(n, [])),
                             "frame %d: expert infos differ%s" % (n, label))
