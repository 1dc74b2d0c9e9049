#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fresh Debian 12 (bookworm, Wireshark 4.0) or Debian 13 (trixie, Wireshark
# 4.4) machine to a decoded sample capture:
#   1. install the packages the build and the tests need (scripts/packages.txt,
#      with this release's names),
#   2. build amftcp,
#   3. install the plugin into the current user's personal plugin folder
#      for the installed Wireshark's major.minor,
#   4. show a sample capture decoded by tshark.
# As root, step 4 runs tshark as an unprivileged user: Wireshark run as root
# loads no personal plugins.  On any other system it says what to do by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

os_id=unknown os_version=unknown os_name="an unknown system"
if [ -r /etc/os-release ]; then
    os_id=$(. /etc/os-release && echo "${ID:-unknown}")
    os_version=$(. /etc/os-release && echo "${VERSION_ID:-unknown}")
    os_name=$(. /etc/os-release && echo "${PRETTY_NAME:-$os_id}")
fi
if [ "$os_id" != debian ] || { [ "$os_version" != 12 ] && [ "$os_version" != 13 ]; }; then
    cat >&2 <<END
install.sh: this is $os_name.  The script knows the package names of
Debian 12 (bookworm) and Debian 13 (trixie) only; it has installed nothing.
Elsewhere, by hand:
  1. install a C compiler, CMake 3.16 or newer, pkg-config, the GLib 2
     headers, tshark and python3, and Wireshark 4.0, 4.4 or 4.6 with its
     development files (its CMake package: Debian's libwireshark-dev and
     wireshark-dev); scripts/packages.txt says what each package is for;
  2. cmake -S . -B build && cmake --build build -j && cmake --install build
     puts amftcp.so into ~/.local/lib/wireshark/plugins/MAJOR.MINOR/epan/,
     MAJOR.MINOR being the Wireshark it was built against (a plugin loads
     only into that major.minor);
  3. tshark -G plugins | grep amftcp    (as yourself, not as root)
END
    exit 1
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
# Every untagged line, and those tagged [<this release>].
mapfile -t packages < <(awk -v tag="[$os_version]" '
    /^#/ || NF == 0 { next }
    NF == 1 || $2 == tag { print $1 }' scripts/packages.txt)
echo "install.sh: $os_name; packages: ${packages[*]}"

"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cmake --install build

plugin_dir=$(sed -n 's/^AMFTCP_PLUGIN_DIR:PATH=//p' build/CMakeCache.txt)
ws_version=$(basename "$(dirname "$plugin_dir")")
echo
echo "Installed for Wireshark $ws_version: $plugin_dir/amftcp.so"
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
