#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gap-multi.pcap: amf3-multi.pcap with one client segment missing, as if the
# capture had lost it (the connection itself delivered it).
#   gen/gap-multi.sh [OUT.pcap]           (needs editcap)
# Made by deleting frame 10 of amf3-multi.pcap, segment D (the first 64
# bytes of message 6, its length prefix included; all of message 6 but its
# last 5 bytes).  Frames after it move up by one.  Messages (see
# amf3-multi.js) and where their bytes are now:
#   frame  4  messages 1-4: "batch 1", 2, 3.5, {batch: 4, last: true}
#   frames 6, 8  message 5: "split inside the length prefix" (prefix split)
#   (lost)   message 6: [6, "six", 6.5, "the end of this array is in the
#            next segment"], all but its last 5 bytes
#   frame 11 (was 12): message 6's last 5 bytes, message 7's 4-byte prefix
#            and the first 3 bytes of its value
#   frame 13 (was 14): the rest of message 7: "seventh message starts in the
#            previous segment"; message 7's bytes are all captured
#   frame 15 (was 16): message 8's prefix; frame 17 (was 18) its value:
#            {n: 8, note: "prefix and value in separate segments"}
#   frame 19 (was 20): server -> client "received 8"
#   frames 20-23: ACK and close.
# Every message except 6 is complete in the capture and should decode.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(dirname "$gen")/gap-multi.pcap}
editcap -F pcap "$(dirname "$gen")/amf3-multi.pcap" "$out" 10
