#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes retransmit.pcap: retransmit.js's client and server in two network
# namespaces, joined through netimpair.py (two TAP devices, MTU 1500, frames
# forwarded in userspace), which drops and holds back chosen client data
# segments on their first transmission; the kernels really retransmit.  The
# capture is taken by dumpcap inside the server's namespace, on its TAP
# device: it shows the segments as the server received them.  (Userspace
# forwarding instead of tc netem: the kernel this was made on has no
# sch_netem.)
#   gen/retransmit.sh [OUT.pcap]      (needs root, iproute2, node, dumpcap)
#
# Impairment (RULES below; "#N" is the N-th distinct data segment of a
# direction, "a" client -> server, "b" server -> client, counted by sequence
# number on first transmission; retransmissions pass untouched):
#   a#4  dropped          -> retransmitted after the data behind it arrived
#   a#7  held 40 ms       -> later segments overtake it; the sender
#                            retransmits it before it arrives, so its bytes
#                            arrive twice
#   a#11, a#12 dropped    -> two lost segments in a row
#   a#16 held 150 ms      -> retransmitted first (out of order), the held
#                            original arrives 150 ms later (its bytes twice)
#   a#22 dropped          -> messages 23 and 24, the last write of part 1:
#                            nothing follows to reveal the loss, the sender
#                            retransmits after its timeout (frame 52), so
#                            the capture shows no gap, only the delay
#   b#2  dropped          -> the server's second ack is retransmitted; the
#                            capture, taken at the server, has both copies
# retransmit.js's comment lists the frames of the committed capture.
set -euo pipefail
gen=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(dirname "$gen")/retransmit.pcap}
RULES='a#4:drop,a#7:hold=40,a#11:drop,a#12:drop,a#16:hold=150,a#22:drop,b#2:drop'
NS_C=amfrec-c NS_S=amfrec-s
tmp=$(mktemp -d)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$NS_C" 2>/dev/null || true
  ip netns del "$NS_S" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$NS_C"
ip netns add "$NS_S"
python3 "$gen/netimpair.py" "$NS_C" amfc "$NS_S" amfs "$RULES" >"$tmp/impair.out" 2>"$tmp/impair.log" &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$tmp/impair.out" && break; sleep 0.1; done
grep -q ready "$tmp/impair.out" || { cat "$tmp/impair.log" >&2; exit 1; }

setup() { # namespace tap address mac
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" address "$4" mtu 1500
  ip -n "$1" addr add "$3/24" dev "$2"
  ip -n "$1" link set "$2" up
}
setup "$NS_C" amfc 10.77.0.1 02:00:0a:4d:00:01
setup "$NS_S" amfs 10.77.0.2 02:00:0a:4d:00:02

ip netns exec "$NS_S" dumpcap -q -i amfs -f 'tcp port 20180' -w "$tmp/cap.pcapng" 2>"$tmp/dumpcap.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "Capturing on" "$tmp/dumpcap.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5

ip netns exec "$NS_S" node "$gen/retransmit.js" server >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q listening "$tmp/server.log" && break; sleep 0.1; done
ip netns exec "$NS_C" node "$gen/retransmit.js" client
wait "$server" || { cat "$tmp/server.log" >&2; exit 1; }
sleep 0.5
kill -INT "${pids[1]}"
wait "${pids[1]}" || true
editcap -F pcap "$tmp/cap.pcapng" "$out"
cat "$tmp/impair.log"
echo "wrote $out: $(capinfos -c -M "$out" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}') packets"
