#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture one scenario on loopback with dumpcap and write it as a small pcap.
#   capture.sh OUT.pcap 'capture filter' command [args...]
# dumpcap captures the real packets the command's sockets exchange; the file is
# rewritten as plain pcap (no host or interface description) with editcap.
set -euo pipefail
out=$1 filter=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dumpcap -q -i lo -f "$filter" -w "$tmp/cap.pcapng" 2>"$tmp/dumpcap.log" &
pid=$!
for _ in $(seq 100); do
    grep -q "Capturing on" "$tmp/dumpcap.log" 2>/dev/null && break
    [ -s "$tmp/cap.pcapng" ] && break
    sleep 0.1
done
sleep 0.5
status=0
"$@" || status=$?
sleep 0.5
kill -INT "$pid"
wait "$pid" || true
# A failed scenario stops the capture too, and writes nothing.
[ "$status" -eq 0 ] || { echo "capture.sh: $1 failed ($status)" >&2; exit "$status"; }
editcap -F pcap "$tmp/cap.pcapng" "$out"
echo "wrote $out: $(capinfos -c -M "$out" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}') packets"
