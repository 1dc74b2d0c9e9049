# SPDX-License-Identifier: GPL-2.0-or-later
"""amf3-large.pcap: a ~50 KB AMF3 message over 36 TCP segments, then a small
one (see sample-captures/gen/amf3-large.js).  The catalog's 380 items are
rebuilt here from the script's fixed-seed PRNG, so every value is checked."""
import unittest

import amftcp_tshark as T
from amftcp_tshark import date_ms, typed

PCAP = "amf3-large"
PORT = 21935
COUNT = 380

TAGS = ["new", "sale", "popular", "eco", "premium", "limited",
        "clearance", "bundle", "gift", "outdoor", "kitchen", "office"]
ADJ = ["Compact", "Deluxe", "Rugged", "Classic", "Smart", "Portable", "Quiet", "Heavy-duty"]
NOUN = ["Widget", "Gadget", "Lamp", "Kettle", "Backpack", "Speaker", "Chair", "Bottle"]
COLOR = ["red", "blue", "green", "black", "white", "silver"]
BASE_MS = 1577836800000          # 2020-01-01T00:00:00Z


def mulberry32(seed):
    """The script's PRNG (lib-amf3.js prng), in unsigned 32-bit arithmetic."""
    state = seed & 0xFFFFFFFF

    def next_():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
    return next_


def catalog_items():
    """makeItem(1..380) of amf3-large.js, as amf.json values."""
    rand = mulberry32(0x414D4633)

    def pick(arr):
        return arr[int(rand() * len(arr))]

    items = []
    for i in range(1, COUNT + 1):
        adj, noun, color = pick(ADJ), pick(NOUN), pick(COLOR)
        cents = 199 + int(rand() * 49800)
        if cents % 100 == 0:
            cents += 49
        ntags = 1 + int(rand() * 4)
        tags = []
        while len(tags) < ntags:
            t = pick(TAGS)
            if t not in tags:
                tags.append(t)
        items.append(typed(
            "com.example.Item", id=i, name="%s %s %04d" % (adj, noun, i), price=cents / 100,
            tags=tags,
            description="%s %s %s, catalog entry %d of %d, ships in %d days by courier."
                        % (adj, color, noun.lower(), i, COUNT, 1 + i % 7),
            created=date_ms(BASE_MS + i * 3600000 * 7)))
    return items


ITEMS = catalog_items()
CATALOG = {"total": COUNT, "page": 1, "items": ITEMS}
REQUEST = typed("com.example.Request", method="getCatalog", page=1)
END = "end of catalog page 1, 380 items"

FIELDS = ["amf.json", "amftcp.length", "amftcp.framing", "tcp.reassembled_in", "tcp.len",
          "amf.trait_reference", "amf.classname"]


class ItemsTest(T.AmfTestCase):
    """The rebuilt items agree with the values the script's comment prints."""

    def test_documented_items(self):
        self.assertEqual(T.canonical(ITEMS[0]), T.canonical(typed(
            "com.example.Item", id=1, name="Smart Lamp 0001", price=190.08,
            tags=["premium", "kitchen", "limited"],
            description="Smart red lamp, catalog entry 1 of 380, ships in 2 days by courier.",
            created={"$date": "2020-01-01T07:00:00.000Z"})))
        self.assertEqual(T.canonical(ITEMS[1]), T.canonical(typed(
            "com.example.Item", id=2, name="Compact Backpack 0002", price=291.59,
            tags=["gift", "bundle"],
            description="Compact silver backpack, catalog entry 2 of 380, ships in 3 days by courier.",
            created={"$date": "2020-01-01T14:00:00.000Z"})))
        self.assertEqual(T.canonical(ITEMS[-1]), T.canonical(typed(
            "com.example.Item", id=380, name="Smart Chair 0380", price=103.63,
            tags=["popular", "outdoor"],
            description="Smart red chair, catalog entry 380 of 380, ships in 3 days by courier.",
            created={"$date": "2020-04-20T20:00:00.000Z"})))


class _LargeBase:
    TWO_PASS = True

    @classmethod
    def setUpClass(cls):
        cls.frames = T.fields(PCAP, FIELDS, two_pass=cls.TWO_PASS, experts=True)

    def amf_frames(self):
        return [n for n, f in self.frames.items() if f["amf.json"]]

    def test_capture_layout_matches_script(self):
        msgs = T.length_framed_messages(PCAP)
        self.assertEqual([(m.first_frame, m.frame, len(m.value)) for m in msgs],
                         [(4, 4, 48), (6, 76, 49464), (78, 78, 34)])
        catalog = [s.frame for s in T.data_segments(PCAP) if s.sport == PORT][:36]
        self.assertEqual(catalog, list(range(6, 77, 2)))

    def test_three_messages_in_frames_4_76_78(self):
        self.assertEqual(self.amf_frames(), [4, 76, 78])

    def test_catalog_is_one_message_in_frame_76(self):
        f = self.frames[76]
        self.assertEqual(len(f["amf.json"]), 1)
        self.assertEqual(f["amftcp.length"], ["49464"])
        self.assertEqual(f["amftcp.framing"], ["u32be+amf3"])
        doc = T.parse_json(f["amf.json"][0])
        self.assertEqual(list(doc), ["total", "page", "items"])
        self.assertEqual(doc["total"], 380)
        self.assertEqual(doc["page"], 1)
        self.assertEqual(len(doc["items"]), 380)

    def test_first_and_last_item(self):
        doc = T.parse_json(self.frames[76]["amf.json"][0])
        self.assertEqual(T.canonical(doc["items"][0]), T.canonical(ITEMS[0]))
        self.assertEqual(T.canonical(doc["items"][-1]), T.canonical(ITEMS[-1]))
        self.assertEqual(doc["items"][0]["name"], "Smart Lamp 0001")
        self.assertEqual(doc["items"][-1]["price"], 103.63)

    def test_whole_catalog(self):
        self.assertJsonEqual(self.frames[76]["amf.json"][0], CATALOG)

    def test_trait_references(self):
        # Items 2..380 use trait reference 1 (0 is the outer object's).
        f = self.frames[76]
        self.assertEqual(f["amf.trait_reference"], ["1"] * 379)
        self.assertEqual(f["amf.classname"], ["com.example.Item"] * 380)

    def test_request_and_end_message(self):
        self.assertFrameJson(self.frames[4], [REQUEST])
        self.assertEqual(self.frames[4]["amftcp.length"], ["48"])
        self.assertFrameJson(self.frames[78], [END])
        self.assertEqual(self.frames[78]["tcp.len"], ["38"])
        self.assertEqual(self.frames[78]["amftcp.length"], ["34"])

    def test_no_expert_info(self):
        for n in (4, 76, 78):
            self.assertNoExpert(self.frames[n])


class LargeTwoPassTest(_LargeBase, T.AmfTestCase):
    TWO_PASS = True

    def test_segments_reassembled_in_76(self):
        for n in range(6, 75, 2):
            with self.subTest(frame=n):
                self.assertEqual(self.frames[n]["tcp.reassembled_in"], ["76"])
                self.assertEqual(self.frames[n]["amf.json"], [])
        self.assertEqual([n for n, f in self.frames.items() if f["tcp.reassembled_in"]],
                         list(range(6, 75, 2)))
        self.assertEqual(T.matching_frames(PCAP, "amftcp"), [4, 76, 78])


class LargeOnePassTest(_LargeBase, T.AmfTestCase):
    TWO_PASS = False


if __name__ == "__main__":
    unittest.main()
