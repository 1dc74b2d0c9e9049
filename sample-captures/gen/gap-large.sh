#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gap-large.pcap.gz: amf3-large.pcap with one segment in the middle of the
# 49468-byte catalog message missing, as if the capture had lost it.
# Stored gzip-compressed (Wireshark opens .pcap.gz directly).
#   gen/gap-large.sh [OUT.pcap.gz]        (needs editcap, gzip)
# Made by deleting frame 40 of amf3-large.pcap (catalog bytes 23800-25199 of
# 36 segments).  Frames after it move up by one.  Messages (see
# amf3-large.js):
#   frame  4  C->S  message 1, com.example.Request {method: "getCatalog",
#             page: 1}
#   frames 6-38 and 41-75 (were 42-76) S->C: message 2, the catalog, one
#             segment missing: it cannot decode
#   frame 77  S->C  (was 78) message 3 "end of catalog page 1, 380 items",
#             alone in its segment: complete, it should decode
#   frames 78-81: ACK and close.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(dirname "$gen")/gap-large.pcap.gz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
editcap -F pcap "$(dirname "$gen")/amf3-large.pcap" "$tmp/gap-large.pcap" 40
gzip -9 -n -c "$tmp/gap-large.pcap" >"$out"
