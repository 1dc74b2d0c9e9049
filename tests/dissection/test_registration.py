# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin loads, registers its protocol and fields, and lives beside
Wireshark's built-in AMF dissector (tshark -G reports)."""
import unittest

import amftcp_tshark as T

# amf.type labels, as users type them (design.md, "Field contract").
TYPE_LABELS = ["Undefined", "Null", "Boolean", "Integer", "Number", "String", "Date", "Object",
               "ECMA array", "Array", "XML document", "XML", "ByteArray", "Vector int",
               "Vector uint", "Vector Number", "Vector Object", "Dictionary", "Unsupported",
               "MovieClip", "RecordSet"]


class RegistrationTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.field_rows = [r for r in T.glossary("fields") if r[0] == "F"]
        cls.by_abbrev = {}
        for r in cls.field_rows:
            cls.by_abbrev.setdefault(r[2], []).append(r)

    def field(self, abbrev):
        rows = self.by_abbrev.get(abbrev, [])
        self.assertEqual(len(rows), 1, "%s registered %d times" % (abbrev, len(rows)))
        return rows[0]

    def test_plugin_listed_with_version(self):
        rows = [r for r in T.glossary("plugins") if r[0].strip() == "amftcp.so"]
        self.assertEqual(len(rows), 1, T.glossary("plugins"))
        self.assertEqual(rows[0][1].strip(), "0.1.0")
        self.assertEqual(rows[0][2].strip(), "dissector")

    def test_protocols_amftcp_and_builtin_amf(self):
        protos = {r[2]: r for r in T.glossary("protocols")}
        self.assertEqual(protos["amftcp"][:2], ["AMF over TCP", "AMFTCP"])
        self.assertEqual(protos["amf"][:2], ["Action Message Format", "AMF"])

    def test_our_fields(self):
        expected = {
            "amf.type": ("FT_UINT8", "amftcp"),
            "amf.json": ("FT_STRING", "amftcp"),
            "amf.int": ("FT_INT32", "amftcp"),
            "amf.vector.fixed": ("FT_BOOLEAN", "amftcp"),
            "amf.dictionary.weak": ("FT_BOOLEAN", "amftcp"),
            "amftcp.length": ("FT_UINT32", "amftcp"),
            "amftcp.framing": ("FT_STRING", "amftcp"),
            "amftcp.policy": ("FT_STRING", "amftcp"),
        }
        for abbrev, (ftype, proto) in expected.items():
            with self.subTest(field=abbrev):
                row = self.field(abbrev)
                self.assertEqual((row[3], row[4]), (ftype, proto))

    def test_builtin_amf_fields_unchanged(self):
        # Shared names stay the built-in dissector's fields, with its types.
        expected = {
            "amf.amf0_type": "FT_UINT8", "amf.amf3_type": "FT_UINT8",
            "amf.string": "FT_STRING", "amf.number": "FT_DOUBLE", "amf.boolean": "FT_BOOLEAN",
            "amf.classname": "FT_STRING", "amf.membername": "FT_STRING",
            "amf.date": "FT_ABSOLUTE_TIME", "amf.object_reference": "FT_UINT32",
            "amf.string_reference": "FT_UINT32", "amf.trait_reference": "FT_UINT32",
            "amf.header.name": "FT_UINT_STRING", "amf.integer": "FT_UINT32",
        }
        for abbrev, ftype in expected.items():
            with self.subTest(field=abbrev):
                row = self.field(abbrev)
                self.assertEqual((row[3], row[4]), (ftype, "amf"))

    def test_no_abbreviation_registered_twice(self):
        dup = sorted(a for a, rows in self.by_abbrev.items()
                     if len(rows) > 1 and (a.startswith("amf.") or a.startswith("amftcp.")))
        self.assertEqual(dup, [])

    def test_amf_type_labels(self):
        rows = [r for r in T.glossary("values") if r[0] == "V" and r[1] == "amf.type"]
        self.assertEqual([(int(r[2]), r[3]) for r in rows], list(enumerate(TYPE_LABELS, 1)))

    def test_heuristic_registered(self):
        rows = [r for r in T.glossary("heuristic-decodes") if "amftcp" in "\t".join(r)]
        self.assertTrue(any(r[0] == "tcp" and r[1] == "amftcp" for r in rows), rows)


if __name__ == "__main__":
    unittest.main()
