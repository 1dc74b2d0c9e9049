# SPDX-License-Identifier: GPL-2.0-or-later
"""The tap as an interface: the Lua example of README.md
(docs/examples/flex-operations.lua) counts Flex calls per operation with a
Listener on the "amftcp" tap, run by `tshark -X lua_script:FILE`."""

import os
import shutil
import tempfile
import unittest

from amftcp_tshark import AmfTestCase, SOURCE_DIR, run_tshark

SCRIPT = os.path.join(SOURCE_DIR, "docs", "examples", "flex-operations.lua")


def run_lua(pcap, extra=(), two_pass=True):
    """Standard output of the script on pcap, parsed: {operation: calls}."""
    tmp = tempfile.mkdtemp()
    try:
        # Readable by the unprivileged user tshark runs as.
        os.chmod(tmp, 0o755)
        script = os.path.join(tmp, "flex-operations.lua")
        shutil.copy(SCRIPT, script)
        os.chmod(script, 0o644)
        out = run_tshark(["-q", "-X", "lua_script:" + script] + list(extra), pcap, two_pass)
    finally:
        shutil.rmtree(tmp)
    counts = {}
    for line in out.splitlines():
        name, calls = line.rsplit(None, 1)
        counts[name] = int(calls)
    return out, counts


class TestLuaExample(AmfTestCase):
    def test_flex_messages(self):
        """M1 authenticate, M3 and M8 getItem (flex-messages.js)."""
        out, counts = run_lua("flex-messages")
        self.assertEqual(counts, {"authenticate": 1, "getItem": 2})
        self.assertEqual(out, "authenticate         1\ngetItem              2\n")

    def test_one_pass(self):
        self.assertEqual(run_lua("flex-messages", two_pass=False)[1],
                         {"authenticate": 1, "getItem": 2})

    def test_http_bodies(self):
        """The Flex RemotingMessage inside an HTTP envelope (http-remoting.js)."""
        self.assertEqual(run_lua("http-remoting", ("-d", "tcp.port==20190,http"))[1],
                         {"getItemCount": 1})

    def test_readme_shows_the_script(self):
        with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as fh:
            readme = fh.read()
        with open(SCRIPT, encoding="utf-8") as fh:
            script = fh.read()
        self.assertIn("```lua\n" + script + "```\n", readme)


if __name__ == "__main__":
    unittest.main()
