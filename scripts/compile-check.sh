#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Compile-only check of amftcp against another Wireshark release's headers.
#
#   scripts/compile-check.sh 4.4     # Debian trixie's Wireshark
#   scripts/compile-check.sh 4.6     # Debian sid's Wireshark
#   scripts/compile-check.sh 4.0     # Debian bookworm's (the build machine's)
#
# Downloads that release's libwireshark-dev, libwsutil-dev and libwiretap-dev
# from the machine's own Debian mirror without touching the system's apt
# configuration (a private sources file, package lists and cache), unpacks
# them under build/ws-VERSION/root, and compiles every plugin/*.c and src/*.c
# with -Wall -Wextra -Werror against those headers and the system's GLib.
# Nothing is linked or run: the runtime libraries of newer releases do not
# install on Debian 12.  A second run reuses the download; set
# AMFTCP_WS_REFRESH=1 to fetch the package lists again.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: $0 4.0|4.4|4.6}
case "$version" in
4.0) suite=bookworm ;;
4.4) suite=trixie ;;
4.6) suite=sid ;;
*)
    echo "compile-check: no Debian suite known to carry Wireshark $version" >&2
    exit 2
    ;;
esac

cache=${AMFTCP_WS_CACHE:-build/ws-$version}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
root=$cache/root
packages=(libwireshark-dev libwsutil-dev libwiretap-dev)

# The Debian mirror the system already uses (first "URIs:" of a deb822
# source, else the first "deb" line of sources.list).
mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -m1 '/debian/\?$' || true)
if [ -z "$mirror" ]; then
    mirror=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -m1 '/debian/\?$' || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

apt_opts=(
    -o Dir::Etc::SourceList=/dev/null
    -o Dir::Etc::SourceParts="$cache/sources"
    -o Dir::State::Lists="$cache/lists"
    -o Dir::Cache="$cache/cache"
    -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts=/dev/null
    -o Acquire::Languages=none
    -o APT::Architecture=amd64
    -o APT::Architectures=amd64
    -o APT::Sandbox::User=root
    -o Debug::NoLocking=true
)

if [ ! -f "$root/.complete" ] || [ -n "${AMFTCP_WS_REFRESH:-}" ]; then
    started=$(date +%s)
    rm -rf "$root" "$cache/debs"
    mkdir -p "$cache/sources" "$cache/lists/partial" "$cache/cache/archives/partial" "$cache/debs" "$root"
    cat >"$cache/sources/ws-$suite.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    echo "compile-check: package lists of $suite from $mirror"
    apt-get "${apt_opts[@]}" -q update >"$cache/apt-update.log" 2>&1 || {
        cat "$cache/apt-update.log" >&2
        exit 1
    }
    (cd "$cache/debs" && apt-get "${apt_opts[@]}" -q download "${packages[@]}") >"$cache/apt-download.log" 2>&1 || {
        cat "$cache/apt-download.log" >&2
        exit 1
    }
    for deb in "$cache"/debs/*.deb; do
        dpkg-deb -x "$deb" "$root"
    done
    touch "$root/.complete"
    echo "compile-check: downloaded and unpacked in $(($(date +%s) - started)) s:"
    for deb in "$cache"/debs/*.deb; do echo "  $(basename "$deb")"; done
fi

include=$root/usr/include/wireshark
ws_version_h=$include/ws_version.h
if [ ! -f "$ws_version_h" ]; then
    echo "compile-check: $ws_version_h missing from the unpacked packages" >&2
    exit 1
fi
major=$(sed -n 's/^#define WIRESHARK_VERSION_MAJOR \([0-9]*\).*/\1/p' "$ws_version_h")
minor=$(sed -n 's/^#define WIRESHARK_VERSION_MINOR \([0-9]*\).*/\1/p' "$ws_version_h")
micro=$(sed -n 's/^#define WIRESHARK_VERSION_MICRO \([0-9]*\).*/\1/p' "$ws_version_h")
if [ "$major.$minor" != "$version" ]; then
    echo "compile-check: $suite now carries Wireshark $major.$minor.$micro, not $version" >&2
    exit 1
fi

# Same language and optimisation as the CMake build (C11 without extensions;
# -O2, so warnings that need the optimiser show up), compiled but not linked.
# The Wireshark and GLib headers are system headers there too, so their own
# warnings do not count, while deprecations our calls hit do.
read -r -a glib_cflags <<<"$(pkg-config --cflags glib-2.0 | sed 's/-I/-isystem /g')"
cc=${CC:-cc}
cflags=(-std=c11 -O2 -fPIC -Wall -Wextra -Werror -c -o /dev/null
        -DAMFTCP_VERSION='"0.0.0"' -Isrc -Iplugin
        -isystem "$include" "${glib_cflags[@]}")

echo "compile-check: Wireshark $major.$minor.$micro headers, $($cc --version | head -1)"
failed=0
for file in plugin/*.c src/*.c; do
    if "$cc" "${cflags[@]}" "$file" 2>"$cache/cc.log"; then
        echo "  ok    $file"
    else
        echo "  FAIL  $file"
        sed 's/^/        /' "$cache/cc.log"
        failed=$((failed + 1))
    fi
done
if [ "$failed" -ne 0 ]; then
    echo "compile-check: $failed file(s) do not compile cleanly against Wireshark $major.$minor" >&2
    exit 1
fi
echo "compile-check: every file compiles cleanly against Wireshark $major.$minor"
