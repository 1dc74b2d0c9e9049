#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Captures the AMF half of the recall corpus (gen/amf.js, one connection per
# scenario, each on its own port) into ../NAME.pcap (gzipped where amf.js
# says .pcap.gz) and writes the AMF entries of ../manifest.json (its non-AMF
# entries are kept). Needs root (dumpcap) and `npm ci` in sample-captures/.
# Usage: gen/make-amf.sh [name...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")
capture=$here/../../gen/capture.sh
cd "$here"
node amf.js --manifest | python3 -c '
import json, os, sys
path = sys.argv[1]
old = json.load(open(path)) if os.path.exists(path) else []
new = [e for e in old if e["kind"] != "amf"] + json.load(sys.stdin)
new.sort(key=lambda e: (e["kind"] != "amf", e["port"]))
with open(path, "w") as fh:
    fh.write("[\n" + ",\n".join(json.dumps(e) for e in new) + "\n]\n")
' "$out/manifest.json"
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(node amf.js --list | cut -d' ' -f1)
for name in "${names[@]}"; do
    port=$(node amf.js --list | awk -v n="$name" '$1 == n {print $2}')
    [ -n "$port" ] || { echo "unknown scenario: $name" >&2; exit 1; }
    rm -f "$out/$name.pcap" "$out/$name.pcap.gz"
    "$capture" "$out/$name.pcap" "tcp port $port" node amf.js "$name" >"${TMPDIR:-/tmp}/corpus-$name.log"
    tail -n 1 "${TMPDIR:-/tmp}/corpus-$name.log"
    file=$(node amf.js --list | awk -v n="$name" '$1 == n {print $3}')
    if [ "$file" = "$name.pcap.gz" ]; then gzip -9 -n "$out/$name.pcap"; fi
done
