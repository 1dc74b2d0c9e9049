#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates amf3-types.pcap, amf3-large.pcap, amf3-multi.pcap and
# non-amf.pcap. Each is written by the node script of the same name in gen/,
# run under capture.sh (dumpcap on lo, needs root).
# Usage: gen/make-amf3.sh [name...]   (default: all four)
# A capture with retransmissions, lost segments or other TCP analysis
# warnings is rejected (exit status 1).
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
dest=$(dirname "$gen")

filter_for() {
  case $1 in
    amf3-types) echo 'tcp port 20001' ;;
    amf3-large) echo 'tcp port 21935' ;;
    amf3-multi) echo 'tcp port 20003' ;;
    non-amf) echo 'tcp port 20080 or tcp port 8080 or tcp port 20443 or tcp port 20090 or tcp port 20091 or tcp port 20092' ;;
    *) return 1 ;;
  esac
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(amf3-types amf3-large amf3-multi non-amf)
for name in "${names[@]}"; do
  filter=$(filter_for "$name") || { echo "unknown capture: $name" >&2; exit 1; }
  "$gen/capture.sh" "$dest/$name.pcap" "$filter" node "$gen/$name.js"
  warnings=$(tshark -r "$dest/$name.pcap" -Y tcp.analysis.flags -T fields -e frame.number 2>/dev/null | wc -l)
  if [ "$warnings" -ne 0 ]; then
    echo "$name.pcap: $warnings frames with TCP analysis warnings" >&2
    exit 1
  fi
done
