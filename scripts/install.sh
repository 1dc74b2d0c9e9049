#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fresh Debian 12 machine to a decoded sample capture:
#   1. install the packages the build and the tests need (scripts/packages.txt),
#   2. build amftcp,
#   3. install the plugin into the current user's personal plugin folder,
#   4. show a sample capture decoded by tshark.
# As root, step 4 runs tshark as an unprivileged user: Wireshark run as root
# loads no personal plugins.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
mapfile -t packages < <(grep -v '^#' scripts/packages.txt | grep .)

"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cmake --install build

plugin_dir=$(sed -n 's/^AMFTCP_PLUGIN_DIR:PATH=//p' build/CMakeCache.txt)
echo
echo "Installed: $plugin_dir/amftcp.so"
echo "Sample: sample-captures/amf3-types.pcap, decoded by tshark:"
echo
if [ "$(id -u)" -eq 0 ]; then
    AMFTCP_PLUGIN="$plugin_dir/amftcp.so" tests/tshark-as-user.sh -r sample-captures/amf3-types.pcap -2 -Y amftcp \
        -c 64 | tail -n 12
    AMFTCP_PLUGIN="$plugin_dir/amftcp.so" tests/tshark-as-user.sh -r sample-captures/amf3-types.pcap -2 \
        -Y 'frame.number == 64' -O amftcp -V | sed -n '/^AMF over TCP/,$p'
else
    tshark -r sample-captures/amf3-types.pcap -2 -Y amftcp -c 64 | tail -n 12
    tshark -r sample-captures/amf3-types.pcap -2 -Y 'frame.number == 64' -O amftcp -V | sed -n '/^AMF over TCP/,$p'
fi
