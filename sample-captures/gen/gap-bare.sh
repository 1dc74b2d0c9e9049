#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gap-bare.pcap: bare-amf3.pcap (AMF3 values back to back, no length) with
# one client segment missing, as if the capture had lost it.
#   gen/gap-bare.sh [OUT.pcap]            (needs editcap)
# Made by deleting frame 8 of bare-amf3.pcap, segment C1: the first 20 bytes
# of v5 (up to the U29 length of its "text" value).  Frames after it move up
# by one.  Values (see bare-amf3.js) and where their bytes are now:
#   frame  4  C->S  v1 "hello", v2 42, v3 {cmd: "join", room: "lobby"}
#   frame  6  S->C  v4 {players: [...], lead: ..., teams: ["red", "blue"]}
#   frame  9  C->S  (was 10) the rest of v5: the text "split across two
#             segments", then "to": ["bob", "cat"] and the object's end
#             marker 01.  v5 cannot decode.  The bytes 09 05 01 06 07 62 6f
#             62 06 07 63 61 74 01 at its end are, read alone, the array
#             ["bob", "cat"] and null: nothing in a bare stream tells such
#             a tail from values of their own.
#   frames 11-25 S->C (were 12-26) v6 {cmd: "map", tiles: [212 tiles]}
#   frames 27, 29 C->S (were 28, 30) v7 {cmd: "move", path: [...]} and
#             v8 "done"
#   frame 31  S->C  (was 32) v9 {cmd: "ack", room: "lobby"}, v10 true,
#             v11 null
#   frames 32-34: ACK and close.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(dirname "$gen")/gap-bare.pcap}
editcap -F pcap "$(dirname "$gen")/bare-amf3.pcap" "$out" 8
