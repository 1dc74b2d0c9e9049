# SPDX-License-Identifier: GPL-2.0-or-later
"""The recall corpus (sample-captures/corpus/, manifest.json; counted by
tests/corpus/recall.py): the targets of the heuristic and the framing.

- With -2 and default preferences, every message of every AMF capture
  decodes, from the first one on (in a malformed-first capture: every
  message but the bad one).
- No frame of a non-AMF capture is claimed (-2 and one pass).
- Under Decode As (-d tcp.port==N,amftcp) and under the port preference
  (-o amftcp.tcp.port:N), the bad first message of each malformed-first
  capture is shown with the expert info the manifest names (an error; a
  warning for invalid UTF-8, which does not stop decoding), and the
  message after it in the same direction decodes; and so does every other
  message.

One test per capture and mode, so a failure names its capture.
"""
import os
import sys
import unittest

import amftcp_tshark as T

sys.path.insert(0, os.path.join(T.SOURCE_DIR, "tests", "corpus"))
import recall as R  # noqa: E402

MANIFEST = R.manifest()
AMF = [e for e in MANIFEST if e["kind"] == "amf"]
NON_AMF = [e for e in MANIFEST if e["kind"] == "non-amf"]
MALFORMED = [e for e in AMF if "bad" in e]


def _describe(results):
    """frame: decoded / stopped / missing, per message, for a failure."""
    out = []
    for side, res in results.items():
        for i, r in enumerate(res, 1):
            state = "missing" if r.item is None else ("ok" if r.item.ok else "stopped %s" % [
                (n, s) for n, s, _ in r.item.experts])
            out.append("%s #%d (frame %d): %s" % (side, i, r.frame, state))
    return "\n  ".join(out)


class CorpusTest(T.AmfTestCase):
    """Tests are added below, one per capture (and mode)."""


def _amf_test(entry):
    def test(self):
        results = R.messages(entry, R.Dissection(R.path(entry), True))
        bad = entry.get("bad")
        missing = []
        for side in ("client", "server"):
            for i, r in enumerate(results[side], 1):
                if bad and bad["direction"] == side and bad["message"] == i:
                    continue
                if r.item is None or not r.item.ok:
                    missing.append("%s #%d" % (side, i))
        self.assertEqual(missing, [], "%s: messages not decoded:\n  %s"
                         % (entry["capture"], _describe(results)))
    return test


def _non_amf_test(entry, two_pass):
    def test(self):
        claimed = R.Dissection(R.path(entry), two_pass).claimed
        self.assertEqual(claimed, [], "%s (%s): frames claimed by amftcp"
                         % (entry["capture"], entry["protocol"]))
    return test


def _malformed_test(entry, extra):
    def test(self):
        dis = R.Dissection(R.path(entry), True, extra(entry))
        results = R.messages(entry, dis)
        bad = entry["bad"]
        res = results[bad["direction"]]
        item = res[bad["message"] - 1].item
        self.assertIsNotNone(item, "%s: no amftcp message for the bad message (frame %d):\n  %s"
                             % (entry["capture"], res[bad["message"] - 1].frame, _describe(results)))
        seen = [(n, s) for n, s, _ in item.experts]
        self.assertTrue(any(bad["expert"] in n and s == bad["severity"] for n, s in seen),
                        "%s: bad message shows %s, expected %s (%s)"
                        % (entry["capture"], seen, bad["expert"], bad["severity"]))
        after = res[bad["message"]].item
        self.assertTrue(after is not None and after.ok, "%s: the message after the bad one:\n  %s"
                        % (entry["capture"], _describe(results)))
        others = ["%s #%d" % (side, i) for side in ("client", "server")
                  for i, r in enumerate(results[side], 1)
                  if not (side == bad["direction"] and i == bad["message"])
                  and (r.item is None or not r.item.ok)]
        self.assertEqual(others, [], "%s: messages not decoded:\n  %s"
                         % (entry["capture"], _describe(results)))
    return test


def _name(entry):
    return entry["capture"].split(".")[0].replace("-", "_")


for _e in AMF:
    setattr(CorpusTest, "test_amf_default_%s" % _name(_e), _amf_test(_e))
for _e in NON_AMF:
    setattr(CorpusTest, "test_not_claimed_two_pass_%s" % _name(_e), _non_amf_test(_e, True))
    setattr(CorpusTest, "test_not_claimed_one_pass_%s" % _name(_e), _non_amf_test(_e, False))
for _e in MALFORMED:
    setattr(CorpusTest, "test_decode_as_%s" % _name(_e), _malformed_test(_e, R.decode_as))
    setattr(CorpusTest, "test_port_pref_%s" % _name(_e), _malformed_test(_e, R.port_pref))


if __name__ == "__main__":
    unittest.main()
