#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# midstream.pcap: a capture that starts in the middle of a connection and of
# a message: frames 57-70 of retransmit.pcap (its second, unimpaired part),
# without the handshake and without the first segment of message 25.
#   gen/midstream.sh [OUT.pcap]           (needs editcap)
# Framing u32be+AMF3; client message k is {seq: k, fill: FILL(k, LEN[k])}
# as documented in retransmit.js.  Frames (retransmit.pcap's in brackets):
#   1 [57]  C->S  the last 574 bytes of message 25 (its first 1448 bytes
#           are not in this capture), then all of message 26 (322 bytes),
#           which starts 574 bytes into the segment
#   2 [58]  ACK
#   3 [59]  C->S  message 27, alone
#   4 [60]  C->S  the first 1448 bytes of message 28
#   5 [61]  C->S  the rest of message 28, messages 29 and 30
#   6 [62]  ACK
#   7 [63]  C->S  message 31
#   8 [64]  C->S  message 32
#   9 [65]  ACK
#  10 [66]  S->C  {ack: 32, ok: true}
#  11 [67]  ACK; 12-14 [68-70] close
# Complete after the cut: messages 26-32 and the server's ack.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(dirname "$gen")/midstream.pcap}
editcap -F pcap -r "$(dirname "$gen")/retransmit.pcap" "$out" 57-70
