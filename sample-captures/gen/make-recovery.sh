#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates the recovery and limits captures (tests/dissection/
# test_recovery.py, test_limits.py):
#   retransmit.pcap    retransmit.sh: two network namespaces, segments really
#                      lost, reordered and duplicated (needs root, iproute2)
#   limits.pcap.gz     limits.js under capture.sh (dumpcap on lo, root)
#   bare-corrupt.pcap  bare-corrupt.js under capture.sh
#   large-message.pcap.gz  large-message.js under capture.sh
#   midstream.pcap     midstream.sh: cut from retransmit.pcap (editcap)
#   gap-multi.pcap     gap-multi.sh: amf3-multi.pcap less one segment
#   gap-bare.pcap      gap-bare.sh: bare-amf3.pcap less one segment
#   gap-large.pcap.gz  gap-large.sh: amf3-large.pcap less one segment
# Usage: gen/make-recovery.sh [name...]   (default: all, in this order)
# A new live capture numbers its frames its own way: the frame tables in the
# generator comments and in the tests must then be brought up to date.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
dest=$(dirname "$gen")

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(retransmit limits bare-corrupt large-message midstream gap-multi gap-bare gap-large)
for name in "${names[@]}"; do
  case $name in
    retransmit) "$gen/retransmit.sh" "$dest/retransmit.pcap" ;;
    limits)
      tmp=$(mktemp -d)
      "$gen/capture.sh" "$tmp/limits.pcap" 'tcp portrange 20170-20172' node "$gen/limits.js"
      gzip -9 -n -c "$tmp/limits.pcap" >"$dest/limits.pcap.gz"
      rm -rf "$tmp"
      ;;
    bare-corrupt) "$gen/capture.sh" "$dest/bare-corrupt.pcap" 'tcp port 20173' node "$gen/bare-corrupt.js" ;;
    large-message)
      tmp=$(mktemp -d)
      "$gen/capture.sh" "$tmp/large-message.pcap" 'tcp port 20174' node "$gen/large-message.js"
      gzip -9 -n -c "$tmp/large-message.pcap" >"$dest/large-message.pcap.gz"
      rm -rf "$tmp"
      ;;
    midstream|gap-multi|gap-bare|gap-large) "$gen/$name.sh" ;;
    *) echo "unknown capture: $name" >&2; exit 1 ;;
  esac
done
