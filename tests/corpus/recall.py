#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Recall of the amftcp heuristic on the corpus in sample-captures/corpus/
(see its manifest.json and the corpus section of sample-captures/README.md).

Prints Markdown tables:
  - AMF captures: per direction the messages sent (manifest) and the
    messages decoded (an amftcp message item whose decoding did not stop:
    no error expert info from amftcp, no "$error" in its amf.json), and
    whether the first message sent is among them ("from first"; n/a when
    the first message is a malformed one); with -2 and in one pass, under
    default preferences.
  - non-AMF captures: frames in which amftcp appears (claimed).
  - with --malformed: the malformed-first captures under Decode As
    (-d tcp.port==N,amftcp) and under the port preference
    (-o amftcp.tcp.port:N): whether the bad message shows the expected
    amftcp expert info (and with which severity), and whether the message
    after it (same direction) decodes.

  tests/corpus/recall.py [--malformed] [--only-two-pass] [CAPTURE...]

Environment as for the dissection tests (AMFTCP_PLUGIN: the built
amftcp.so, default build/amftcp.so). Standard library only; tshark runs
through tests/tshark-as-user.sh (empty configuration, as nobody when root).
"""
import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "dissection"))
import amftcp_tshark as T  # noqa: E402

CORPUS = os.path.join(T.SOURCE_DIR, "sample-captures", "corpus")
MANIFEST = os.path.join(CORPUS, "manifest.json")

SEVERITY = {T.SEVERITY_CHAT: "chat", T.SEVERITY_NOTE: "note",
            T.SEVERITY_WARN: "warning", T.SEVERITY_ERROR: "error"}


def manifest():
    with open(MANIFEST) as fh:
        return json.load(fh)


def path(entry):
    return os.path.join(CORPUS, entry["capture"])


# ------------------------------------------------------------ tshark

def _walk(node, found):
    """Collect the expert infos under a -T json tree node: (amftcp expert
    names, severity name)."""
    if isinstance(node, list):
        for n in node:
            _walk(n, found)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == "_ws.expert":
                for e in (v if isinstance(v, list) else [v]):
                    names = [n for n in e if n.startswith("amftcp.")]
                    sev = SEVERITY.get(int(e.get("_ws.expert.severity", "0")), "?")
                    found.append((names, sev, e.get("_ws.expert.message", "")))
            else:
                _walk(v, found)


def _strings(node, key, out):
    if isinstance(node, list):
        for n in node:
            _strings(n, key, out)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                out.extend(v if isinstance(v, list) else [v])
            else:
                _strings(v, key, out)


Item = collections.namedtuple("Item", "framing ok experts json")


class Dissection:
    """One tshark run over a capture: per frame, the amftcp message items
    (each an Item), in tree order."""

    def __init__(self, pcap, two_pass=True, extra=()):
        out = T.run_tshark(["-T", "json", "--no-duplicate-keys"] + list(extra), pcap, two_pass)
        self.frames = collections.OrderedDict()
        self.claimed = []
        self.http_bodies = []
        for pkt in json.loads(out) if out.strip() else []:
            layers = pkt["_source"]["layers"]
            number = int(layers["frame"]["frame.number"])
            tcp = layers.get("tcp", {})
            sport = int(tcp.get("tcp.srcport", "0"))
            items = []
            protos = layers.get("amftcp")
            if protos is not None and "http" in layers:
                # A body HTTP handed over (application/x-amf, amftcp.http):
                # the connection stays HTTP's.
                self.http_bodies.append(number)
            elif protos is not None:
                self.claimed.append(number)
                for p in (protos if isinstance(protos, list) else [protos]):
                    experts = []
                    _walk(p, experts)
                    framing, docs = [], []
                    _strings(p, "amftcp.framing", framing)
                    _strings(p, "amf.json", docs)
                    stopped = any(s == "error" for _, s, _ in experts) or \
                        any('{"$error":' in d for d in docs)
                    items.append(Item(framing[0] if framing else None, not stopped, experts, docs))
            self.frames[number] = (sport, items)

    def message_items(self, number):
        """The items of frame `number` that are AMF messages (they name a
        framing)."""
        return [i for i in self.frames.get(number, (0, []))[1] if i.framing]


# ------------------------------------------------------------ accounting

def end_frames(entry):
    """{"client"/"server": [frame where message i's last byte arrived]},
    from the manifest's stream offsets and the capture's segments."""
    port = entry["port"]
    streams = {"client": [], "server": []}
    for seg in T.data_segments(path(entry)):
        if port not in (seg.sport, seg.dport):
            continue
        streams["server" if seg.sport == port else "client"].append(seg)
    result = {}
    for side, segs in streams.items():
        frames, pos, i = [], 0, 0
        ends = entry[side]["ends"]
        for seg in segs:
            pos += len(seg.payload)
            while i < len(ends) and ends[i] <= pos:
                frames.append(seg.frame)
                i += 1
        if i != len(ends):
            raise AssertionError("%s: %s sent %d bytes, the manifest says %d"
                                 % (entry["capture"], side, pos, ends[-1]))
        result[side] = frames
    return result


MessageResult = collections.namedtuple("MessageResult", "frame item")


def messages(entry, dis):
    """{"client"/"server": [MessageResult per message sent]}: item is the
    amftcp item matched to the message, or None. In a frame where k messages
    end, the frame's message items are matched to the last ones (a
    heuristic that starts late misses the first)."""
    ends = end_frames(entry)
    result = {}
    for side, frames in ends.items():
        res = []
        by_frame = collections.OrderedDict()
        for idx, f in enumerate(frames):
            by_frame.setdefault(f, []).append(idx)
        slots = [None] * len(frames)
        for f, idxs in by_frame.items():
            items = dis.message_items(f)
            for idx, item in zip(reversed(idxs), reversed(items)):
                slots[idx] = item
        for idx, f in enumerate(frames):
            res.append(MessageResult(f, slots[idx]))
        result[side] = res
    return result


def decoded(results):
    """(messages decoded, first one decoded?) for one direction."""
    n = sum(1 for r in results if r.item is not None and r.item.ok)
    first = bool(results) and results[0].item is not None and results[0].item.ok
    return n, first


def bad_report(entry, dis):
    """For a malformed-first capture: (expected expert shown on the bad
    message, severity seen, message after it decodes)."""
    bad = entry["bad"]
    res = messages(entry, dis)[bad["direction"]]
    i = bad["message"] - 1
    item = res[i].item
    shown, severity = False, "no message item"
    if item is not None:
        for names, sev, _ in item.experts:
            if bad["expert"] in names:
                shown = sev == bad["severity"]
                severity = sev
                break
    after = len(res) > i + 1 and res[i + 1].item is not None and res[i + 1].item.ok
    return shown, severity, after


def decode_as(entry):
    return ("-d", "tcp.port==%d,amftcp" % entry["port"])


def port_pref(entry):
    return ("-o", "amftcp.tcp.port:%d" % entry["port"])


# ------------------------------------------------------------ tables

def yn(b):
    return "yes" if b else "**no**"


def amf_table(entries, passes):
    head = ["capture", "framing (client / server)", "sent (C / S)"]
    for p in passes:
        tag = "-2" if p else "1 pass"
        head += ["decoded %s (C / S)" % tag, "from first %s" % tag]
    rows = [head, ["---"] * len(head)]
    total = collections.Counter()
    for e in entries:
        row = ["`%s`" % e["capture"], "%s / %s" % (e["client"]["framing"], e["server"]["framing"]),
               "%d / %d" % (e["client"]["messages"], e["server"]["messages"])]
        total["sent"] += e["client"]["messages"] + e["server"]["messages"]
        for p in passes:
            res = messages(e, Dissection(path(e), p))
            first_side = e["first"]
            (nc, fc), (ns, fs) = decoded(res["client"]), decoded(res["server"])
            first = fc if first_side == "client" else fs
            total["dec%s" % p] += nc + ns
            if "bad" in e:          # the first message is the bad one
                row += ["%d / %d" % (nc, ns), "n/a (bad first)"]
                continue
            row += ["%d / %d" % (nc, ns), yn(first)]
            total["first%s" % p] += first
        rows.append(row)
    good_first = sum(1 for e in entries if "bad" not in e)
    foot = ["all %d" % len(entries), "", "%d" % total["sent"]]
    for p in passes:
        foot += ["%d" % total["dec%s" % p], "%d of %d" % (total["first%s" % p], good_first)]
    rows.append(foot)
    return rows


def non_amf_table(entries, passes):
    head = ["capture", "protocol", "port", "frames"] + \
        ["claimed %s" % ("-2" if p else "1 pass") for p in passes]
    rows = [head, ["---"] * len(head)]
    for e in entries:
        frames = len(T.read_pcap(path(e)))
        row = ["`%s`" % e["capture"], e["protocol"], str(e["port"]), str(frames)]
        for p in passes:
            claimed = Dissection(path(e), p).claimed
            row.append(str(len(claimed)) if not claimed else "**%d** (%s)" % (
                len(claimed), ", ".join(map(str, claimed[:8])) + (" ..." if len(claimed) > 8 else "")))
        rows.append(row)
    return rows


def malformed_table(entries, passes):
    head = ["capture", "bad message (expected)"]
    modes = [("Decode As", decode_as), ("port pref", port_pref)]
    for name, _ in modes:
        for p in passes:
            tag = "%s %s" % (name, "-2" if p else "1 pass")
            head += ["%s: expert shown" % tag, "%s: next decodes" % tag]
    rows = [head, ["---"] * len(head)]
    for e in entries:
        bad = e["bad"]
        row = ["`%s`" % e["capture"], "%s #%d: `%s` (%s)" % (
            bad["direction"], bad["message"], bad["expert"], bad["severity"])]
        for _, extra in modes:
            for p in passes:
                shown, sev, after = bad_report(e, Dissection(path(e), p, extra(e)))
                row += ["yes" if shown else "**no** (%s)" % sev, yn(after)]
        rows.append(row)
    return rows


def markdown(rows):
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--malformed", action="store_true",
                    help="also run the malformed-first captures under Decode As and the port preference")
    ap.add_argument("--only-two-pass", action="store_true", help="skip the one-pass columns")
    ap.add_argument("captures", nargs="*", help="only these captures (file names from the manifest)")
    args = ap.parse_args()
    passes = [True] if args.only_two_pass else [True, False]
    entries = [e for e in manifest() if not args.captures or e["capture"] in args.captures]
    amf = [e for e in entries if e["kind"] == "amf"]
    non = [e for e in entries if e["kind"] == "non-amf"]
    print("amftcp plugin: %s\n" % T.PLUGIN)
    if amf:
        print("### AMF captures (default preferences)\n")
        print(markdown(amf_table(amf, passes)) + "\n")
    if non:
        print("### Non-AMF captures (default preferences)\n")
        print(markdown(non_amf_table(non, passes)) + "\n")
    bad = [e for e in amf if "bad" in e]
    if args.malformed and bad:
        print("### Malformed first message, under Decode As and the port preference\n")
        print(markdown(malformed_table(bad, passes)) + "\n")


if __name__ == "__main__":
    main()
