#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tls-amf3.pcap and its key log tls-amf3.keys (gen/tls-amf3.js
# under capture.sh: dumpcap on lo, needs root).  The server's key and
# certificate are made here for this run and thrown away; only the key log
# (session secrets of this capture, nothing else) is kept.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
dest=$(dirname "$gen")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=localhost -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
"$gen/capture.sh" "$dest/tls-amf3.pcap" 'tcp port 20443' \
    node "$gen/tls-amf3.js" "$tmp/key.pem" "$tmp/cert.pem" "$dest/tls-amf3.keys"
warnings=$(tshark -r "$dest/tls-amf3.pcap" -Y tcp.analysis.flags -T fields -e frame.number 2>/dev/null | wc -l)
if [ "$warnings" -ne 0 ]; then
    echo "tls-amf3.pcap: $warnings frames with TCP analysis warnings" >&2
    exit 1
fi
