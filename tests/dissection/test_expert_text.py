# SPDX-License-Identifier: GPL-2.0-or-later
"""An expert info's text is the same however tshark is asked: with a
visible tree (-V, and -T fields on 4.0), with an invisible one (-T fields
on 4.4 and 4.6), with -T json, and in the expert statistics (-z expert).
An error inside a container starts with where it happened ("a: ",
"[0]: "), in every one of them.

Frames (sample-captures/gen/limits.js, gen/bare-corrupt.js): limits.pcap.gz
6 and 10 (depth limit inside an array and inside member "a"),
bare-corrupt.pcap 8 and 12 (an unknown marker as member "n", a bad
reference as element 0).
"""
import re
import unittest

import amftcp_tshark as T
import recovery_util as R

# (capture, frame, the expert text, its "Severity/Group" in -V)
CASES = [
    ("limits.pcap.gz", 6, "[0]: nesting deeper than 128 levels (depth limit) at offset 384", "Error"),
    ("limits.pcap.gz", 10, "a: nesting deeper than 128 levels (depth limit) at offset 386", "Error"),
    ("bare-corrupt.pcap", 8, "n: unknown AMF3 type marker 0x12 at offset 14", "Error"),
    ("bare-corrupt.pcap", 12, "[0]: object reference #5 at offset 11, but the object table holds 2",
     "Error"),
]
CAPTURES = sorted({c for c, _, _, _ in CASES})
SEP = "\x1e"        # between the values of one field (no expert text holds it)


def ours(messages):
    """The expert texts of amftcp's errors among a frame's expert texts
    (TCP adds its own, e.g. about sequence numbers)."""
    wanted = {text for _, _, text, _ in CASES}
    suffixes = tuple(text.split(": ", 1)[1] for text in wanted)
    return [m for m in messages if m in wanted or m.endswith(suffixes)]


class ExpertTextTest(unittest.TestCase):

    def fields_messages(self, pcap, two_pass, display_filter=None):
        """{frame: [expert text, ...]} from -T fields -e _ws.expert.message."""
        args = ["-T", "fields", "-E", "aggregator=" + SEP, "-e", "frame.number",
                "-e", "_ws.expert.message"]
        if display_filter:
            args += ["-Y", display_filter]
        out = T.run_tshark(args, R.path(pcap), two_pass)
        frames = {}
        for line in out.split("\n")[:-1]:      # (splitlines() would split at SEP too)
            number, _, messages = line.partition("\t")
            frames[int(number)] = T.fields_text(messages).split(SEP) if messages else []
        return frames

    def test_fields(self):
        """-T fields: no filter, a filter on the frame, one pass and two."""
        for pcap in CAPTURES:
            for two_pass in (False, True):
                plain = self.fields_messages(pcap, two_pass)
                for cap, n, text, _ in CASES:
                    if cap != pcap:
                        continue
                    with self.subTest(pcap=pcap, frame=n, two_pass=two_pass):
                        self.assertEqual(ours(plain[n]), [text])
                        filtered = self.fields_messages(pcap, two_pass, "frame.number == %d" % n)
                        self.assertEqual(list(filtered), [n])
                        self.assertEqual(ours(filtered[n]), [text])

    def test_json(self):
        for cap, n, text, _ in CASES:
            with self.subTest(pcap=cap, frame=n):
                frames = T.fields(R.path(cap), ["_ws.expert.message"])
                self.assertEqual(ours(frames[n]["_ws.expert.message"]), [text])

    def test_verbose_tree(self):
        """-V: the expert info line and the item under it."""
        for cap, n, text, severity in CASES:
            with self.subTest(pcap=cap, frame=n):
                tree = R.tree_texts(cap, (n,))[n]
                lines = [line.strip() for line in tree.splitlines()]
                infos = [m.group(2) for m in
                         (re.match(r"\[Expert Info \((\w+)/\w+\): (.*)\]$", line) for line in lines)
                         if m and m.group(1) == severity]
                self.assertEqual(ours(infos), [text], tree)
                self.assertIn("[%s]" % text, lines, tree)

    def test_expert_statistics(self):
        """-z expert (the tap, one pass, no tree asked for)."""
        for pcap in CAPTURES:
            out = T.run_tshark(["-q", "-z", "expert,error"], R.path(pcap), two_pass=False)
            summaries = [m.group(1) for m in
                         (re.match(r"\s+\d+\s+\w+\s+AMFTCP\s+(.*)$", line) for line in out.splitlines())
                         if m]
            for cap, _, text, _ in CASES:
                if cap == pcap:
                    with self.subTest(pcap=pcap, text=text):
                        self.assertIn(text, summaries, out)


if __name__ == "__main__":
    unittest.main()
