#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates websocket.pcap (gen/websocket.js under capture.sh: dumpcap on
# lo, needs root).  A capture with TCP analysis warnings is rejected.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
dest=$(dirname "$gen")
"$gen/capture.sh" "$dest/websocket.pcap" 'tcp port 8080' node "$gen/websocket.js"
warnings=$(tshark -r "$dest/websocket.pcap" -Y tcp.analysis.flags -T fields -e frame.number 2>/dev/null | wc -l)
if [ "$warnings" -ne 0 ]; then
    echo "websocket.pcap: $warnings frames with TCP analysis warnings" >&2
    exit 1
fi
