#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's screenshots of each transport, made by the GUI test
# (tests/gui/test-gui.sh, with its setup and its checks) on the sample
# captures: an HTTP (Flash Remoting) body, decrypted TLS with the sample key
# log, and WebSocket messages, each with the display filter amftcp, one
# frame selected and its "AMF over TCP" tree expanded.
#
#   AMFTCP_PLUGIN=build/amftcp.so tests/gui/screenshots.sh [OUTDIR]
#
# Writes OUTDIR/screenshot-{http,tls,websocket}.png (default OUTDIR: docs/),
# 8-bit PNGs, each checked to stay under 120 KB.  The SRT and Export Objects
# dialogs: tests/gui/dialogs.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
: "${AMFTCP_PLUGIN:?set AMFTCP_PLUGIN to the amftcp.so to load}"
AMFTCP_PLUGIN=$(realpath "$AMFTCP_PLUGIN")
export AMFTCP_PLUGIN
outdir=$(realpath "${1:-$source_dir/docs}")
captures=$source_dir/sample-captures
max=122880

failed=0
# shot NAME CAPTURE FRAME DEPTH UPPER [KEYLOG]
shot() {
    local name=$1 capture=$2 frame=$3 depth=$4 upper=$5 keylog=${6:-} png size
    png=$outdir/screenshot-$name.png
    echo "# $name: $(basename "$capture"), frame $frame"
    if ! env AMFTCP_GUI_CAPTURE="$capture" AMFTCP_GUI_FILTER=amftcp \
        AMFTCP_GUI_FRAME="$frame" AMFTCP_GUI_DEPTH="$depth" \
        AMFTCP_GUI_UPPER="$upper" AMFTCP_GUI_KEYLOG="$keylog" \
        AMFTCP_GUI_SIZE=1200x900 AMFTCP_SCREENSHOT="$png" \
        bash "$here/test-gui.sh" | sed 's/^/  /'; then
        echo "not ok - $name: the GUI run failed"
        failed=$((failed + 1))
        return
    fi
    size=$(stat -c %s "$png")
    if [ "$size" -lt "$max" ]; then
        echo "ok - $png ($size bytes)"
    else
        echo "not ok - $png is $size bytes, over $max"
        failed=$((failed + 1))
    fi
}

# Depth: the top-level items above "AMF over TCP" (Frame, Ethernet, IPv4,
# TCP and the transport's item).
shot http "$captures/http-remoting.pcap" 4 5 150
shot tls "$captures/tls-amf3.pcap" 8 5 150 "$captures/tls-amf3.keys"
shot websocket "$captures/websocket.pcap" 12 5 200

[ "$failed" -eq 0 ]
