#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Valgrind memcheck on tshark with the ordinary (not sanitizer) amftcp plugin,
# over every sample capture: once with the full tree (-V) and once two-pass
# with amf.json (-2 -T fields -e amf.json).
#
#   tests/sanitize/run-valgrind.sh PLUGIN [CAPTURE...]
#
# Fails (exit 1) on any memcheck error or definite leak whose stack passes
# through amftcp.so or the core's sources (src/, plugin/): invalid reads and
# writes, uses of uninitialised values, bad frees, definitely lost blocks.
# Errors entirely inside Wireshark or GLib are counted and listed, not
# failed (valgrind.supp holds any that need silencing).  wmem and GLib
# slices allocate with malloc here (WIRESHARK_DEBUG_WMEM_OVERRIDE=simple,
# G_SLICE=always-malloc), so memcheck sees packet-scope memory too.
# Runs two valgrinds at a time (AMFTCP_VALGRIND_JOBS); about 18 s of CPU
# per run, two runs per capture: about 7 minutes for 22 captures on 2 idle
# cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

[ $# -ge 1 ] || { sed -n '6,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
plugin=$(readlink -f "$1")
shift
[ -f "$plugin" ] || { echo "run-valgrind: no plugin $plugin" >&2; exit 2; }
captures=("$@")
[ ${#captures[@]} -gt 0 ] || captures=("$root"/sample-captures/*.pcap)
jobs=${AMFTCP_VALGRIND_JOBS:-2}

work=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 1777 "$work"
cp "$here/valgrind.supp" "$work/valgrind.supp"
chmod 644 "$work/valgrind.supp"

# tshark-as-user.sh runs $AMFTCP_TSHARK: this wrapper puts valgrind in front
# (but not for the "-v" it runs to learn the version).
valgrind=$(command -v valgrind)
tshark=$(command -v tshark)
cat >"$work/tshark-valgrind" <<EOF
#!/bin/sh
[ "\$1" = -v ] && exec "$tshark" "\$@"
exec "$valgrind" --tool=memcheck --num-callers=60 --error-limit=no \\
    --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \\
    --suppressions="$work/valgrind.supp" --xml=yes --xml-file="$work/vg.%p.xml" \\
    --log-file="$work/vg.%p.log" "$tshark" "\$@"
EOF
chmod 755 "$work/tshark-valgrind"
export AMFTCP_TSHARK="$work/tshark-valgrind"
export AMFTCP_PLUGIN=$plugin
export AMFTCP_TSHARK_ENV="WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc"

run_one() {
    local cap=$1 mode=$2 name out
    name=$(basename "$cap" .pcap)
    out="$work/out.$name.$mode"
    if [ "$mode" = tree ]; then
        "$root/tests/tshark-as-user.sh" -r "$cap" -V >"$out" 2>&1 || echo "exit $?" >>"$out"
    else
        "$root/tests/tshark-as-user.sh" -r "$cap" -2 -T fields -e amf.json >"$out" 2>&1 ||
            echo "exit $?" >>"$out"
    fi
}

start=$(date +%s)
n=0
for cap in "${captures[@]}"; do
    for mode in tree json; do
        run_one "$cap" "$mode" &
        n=$((n + 1))
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    done
done
wait

python3 - "$work" "$root" "$n" "$start" <<'EOF'
import glob, os, sys, time
import xml.etree.ElementTree as ET

work, root, runs, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ours_dirs = (os.path.join(root, "src"), os.path.join(root, "plugin"))

def ours(frame):
    obj = frame.findtext("obj") or ""
    d = frame.findtext("dir") or ""
    return obj.endswith("amftcp.so") or any(d.startswith(p) for p in ours_dirs)

def describe(err):
    kind = err.findtext("kind")
    what = err.findtext("what") or (err.find("xwhat").findtext("text") if err.find("xwhat") is not None else "")
    lines = [f"{kind}: {what}"]
    for stack in err.findall("stack"):
        for fr in stack.findall("frame"):
            fn = fr.findtext("fn") or "???"
            loc = fr.findtext("file")
            loc = f"{fr.findtext('dir')}/{loc}:{fr.findtext('line')}" if loc else (fr.findtext("obj") or "")
            lines.append(f"    {fn}  {loc}")
        lines.append("  --")
    return "\n".join(lines)

attributed, other, processes, fatal = [], [], 0, []
for path in sorted(glob.glob(os.path.join(work, "vg.*.xml"))):
    processes += 1
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        fatal.append(f"{path}: unreadable valgrind output ({e}); valgrind or tshark died?")
        continue
    for err in tree.getroot().findall("error"):
        frames = [f for s in err.findall("stack") for f in s.findall("frame")]
        (attributed if any(ours(f) for f in frames) else other).append(describe(err))

for path in sorted(glob.glob(os.path.join(work, "out.*"))):
    with open(path, errors="replace") as f:
        text = f.read()
    if "\nexit " in "\n" + text or "dissector bug" in text.lower():
        fatal.append(f"{os.path.basename(path)}: tshark failed:\n" + text[-2000:])

for e in attributed:
    print("=== memcheck error in amftcp\n" + e)
for e in other:
    print("=== memcheck error outside amftcp (not failed)\n" + e)
for e in fatal:
    print("=== " + e)
minutes = (time.time() - start) / 60
print(f"run-valgrind: {runs} tshark runs, {processes} valgrind processes, "
      f"{len(attributed)} errors in amftcp, {len(other)} elsewhere, {len(fatal)} failed runs, "
      f"{minutes:.1f} min")
sys.exit(1 if attributed or fatal else 0)
EOF
