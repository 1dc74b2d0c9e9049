#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: build it with cpack from a configured and built tree,
# then check, against what this machine's tshark says rather than against
# the build's own variables, that
#   - the file is amftcp_<version>_<arch>.deb with the right control fields,
#     and Depends pins the libwireshark package that tshark runs on, to its
#     major.minor (and the installed one satisfies it);
#   - it holds exactly one plugin, at <tshark's "Global Plugins">/epan;
#   - unpacked (dpkg -x) into a scratch root, tshark pointed at that root's
#     plugin folder lists and uses it;
#   - dpkg installs it into a scratch root (dpkg --root) only when a
#     matching libwireshark is there, and refuses a libwireshark of another
#     release (as root only: dpkg --root needs it).
#
#   AMFTCP_BUILD_DIR=build AMFTCP_VERSION=0.1.0 tests/package/test-deb.sh
set -euo pipefail
trap 'echo "not ok - test-deb.sh stopped at line $LINENO: $BASH_COMMAND (exit $?)"' ERR

build=${AMFTCP_BUILD_DIR:?set AMFTCP_BUILD_DIR to the configured build tree}
version=${AMFTCP_VERSION:?set AMFTCP_VERSION to the project version}
source_dir=${AMFTCP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tshark=${AMFTCP_TSHARK:-tshark}

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# What this machine's Wireshark says.
global=$("$tshark" -G folders 2>/dev/null | sed -n 's/^Global Plugins:[[:space:]]*//p')
ws_version=$("$tshark" -v 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\)\.\([0-9]*\)\..*/\1.\2/p')
ws_major=${ws_version%.*}
ws_minor=${ws_version#*.}
# awk reads all of ldd's output: leaving early would make ldd die of SIGPIPE,
# and pipefail would end the script without a word.
libws=$(ldd "$(command -v "$tshark")" | awk '/libwireshark\.so/ && !found {print $3; found = 1}')
libws_pkg=$(dpkg-query -S "$(readlink -f "$libws")" | sed -n '1s/^\([^:,]*\).*/\1/p')
libws_version=$(dpkg-query -W -f='${Version}' "$libws_pkg")
arch=$(dpkg --print-architecture)
echo "# tshark $ws_version, global plugins in $global, $libws_pkg $libws_version ($arch)"
if [ -z "$global" ] || [ -z "$ws_version" ] || [ -z "$libws_pkg" ]; then
    echo "not ok - cannot read tshark's folders, version or library package"
    exit 1
fi

# Build the package into the scratch folder.
if ! (cd "$build" && cpack -G DEB --config CPackConfig.cmake -B "$work/out") >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    echo "not ok - cpack failed"
    exit 1
fi
deb=$work/out/amftcp_${version}_${arch}.deb
check "cpack made $(basename "$deb")" test -f "$deb"
[ -f "$deb" ] || { ls -l "$work/out"; exit 1; }

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
expected_depends="$libws_pkg (>= $ws_major.$ws_minor), $libws_pkg (<< $ws_major.$((ws_minor + 1)))"
check "Package: amftcp" test "$(field Package)" = amftcp
check "Version: $version" test "$(field Version)" = "$version"
check "Architecture: $arch" test "$(field Architecture)" = "$arch"
check "Depends: $expected_depends (got: $(field Depends))" test "$(field Depends)" = "$expected_depends"
check "Section: net" test "$(field Section)" = net
check "Maintainer set" test -n "$(field Maintainer)"
check "Description mentions AMF and TCP" bash -c '[[ "$1" == *AMF*TCP* ]]' _ "$(field Description)"
check "installed $libws_pkg $libws_version satisfies >= $ws_major.$ws_minor" \
    dpkg --compare-versions "$libws_version" ge "$ws_major.$ws_minor"
check "installed $libws_pkg $libws_version satisfies << $ws_major.$((ws_minor + 1))" \
    dpkg --compare-versions "$libws_version" lt "$ws_major.$((ws_minor + 1))"

# Contents: one plugin, exactly where tshark looks for global plugins.
dpkg-deb -c "$deb" >"$work/contents"
plugins=$(awk '$6 ~ /\.so$/ {sub(/^\./, "", $6); print $6}' "$work/contents")
check "exactly one .so in the package (got: $plugins)" test "$(printf '%s\n' "$plugins" | grep -c .)" -eq 1
check "plugin at $global/epan/amftcp.so" test "$plugins" = "$global/epan/amftcp.so"
check "plugin is root:root, mode 0644" \
    grep -q "^-rw-r--r-- root/root .* \./${global#/}/epan/amftcp\.so$" "$work/contents"
check "nothing outside /usr" bash -c '! awk "{print \$6}" "$1" | grep -v "^\./$" | grep -qv "^\./usr/"' _ "$work/contents"

# dpkg -x: the unpacked plugin is a stripped ELF module with the entry points.
root_x=$work/x
dpkg -x "$deb" "$root_x"
so=$root_x$global/epan/amftcp.so
check "dpkg -x puts it at \$root$global/epan/amftcp.so" test -f "$so"
check "ELF shared object" bash -c 'readelf -h "$1" | grep -q "Type:[[:space:]]*DYN"' _ "$so"
check "stripped (no symbol table, no debug info)" \
    bash -c '! readelf -S -W "$1" | grep -qE "\.symtab|\.debug_"' _ "$so"
for sym in plugin_version plugin_want_major plugin_want_minor plugin_register; do
    check "exports $sym" bash -c 'nm -D --defined-only "$1" | grep -qw "$2"' _ "$so" "$sym"
done

# tshark, told that the scratch root's plugin folder is the global one,
# lists the plugin there and decodes a sample with it.  Unprivileged: as
# root, Wireshark ignores WIRESHARK_PLUGIN_DIR.
chmod -R a+rX "$root_x"
home=$work/home
mkdir -p "$home/.config/wireshark"
cp "$source_dir/sample-captures/amf3-types.pcap" "$work/"
chmod a+r "$work/amf3-types.pcap"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534:65534 "$home"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
run_tshark() {
    "${as_user[@]}" env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$root_x$(dirname "$global")" "$tshark" "$@" 2>/dev/null
}
check "tshark's Global Plugins is then \$root$global" \
    test "$(run_tshark -G folders | sed -n 's/^Global Plugins:[[:space:]]*//p')" = "$root_x$global"
listed=$(run_tshark -G plugins | awk -F'\t' -v v="$version" -v so="$so" \
    '$1 ~ /^amftcp\.so *$/ && $2 == v && $3 == "dissector" && $4 == so' | grep -c . || true)
check "tshark -G plugins lists amftcp.so $version from the unpacked package" test "$listed" -eq 1
decoded=$(run_tshark -r "$work/amf3-types.pcap" -2 -Y amftcp | grep -c . || true)
check "tshark with the packaged plugin decodes amf3-types.pcap ($decoded frames match amftcp)" test "$decoded" -gt 0

# dpkg --root: refused without libwireshark, refused next to a libwireshark
# of another release, installed next to the host's.
if [ "$(id -u)" -eq 0 ]; then
    fake_status() { # fake_status ROOT VERSION: a root whose dpkg knows only libwireshark at VERSION
        mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" "$1/var/log"
        : >"$1/var/lib/dpkg/available"
        : >"$1/var/lib/dpkg/info/$libws_pkg:$arch.list"
        if [ -n "$2" ]; then
            cat >"$1/var/lib/dpkg/status" <<EOF
Package: $libws_pkg
Status: install ok installed
Priority: optional
Section: libs
Architecture: $arch
Multi-Arch: same
Version: $2
Maintainer: stand-in <stand-in@invalid>
Description: stand-in for the test

EOF
        else
            : >"$1/var/lib/dpkg/status"
        fi
    }
    dpkg_root() { dpkg --root="$1" --log="$1/var/log/dpkg.log" "${@:2}"; }

    fake_status "$work/r-none" ""
    check "dpkg --root -i refuses without $libws_pkg" \
        bash -c '! dpkg --root="$1" --log=/dev/null -i "$2" >"$1/out" 2>&1 && grep -q "$3" "$1/out"' _ \
        "$work/r-none" "$deb" "$libws_pkg"

    other="$ws_major.$((ws_minor + 2)).0-1"
    fake_status "$work/r-other" "$other"
    check "dpkg --root -i refuses next to $libws_pkg $other" \
        bash -c '! dpkg --root="$1" --log=/dev/null -i "$2" >"$1/out" 2>&1' _ "$work/r-other" "$deb"

    fake_status "$work/r-host" "$libws_version"
    if dpkg_root "$work/r-host" -i "$deb" >"$work/dpkg-i.log" 2>&1; then
        ok "dpkg --root -i installs next to $libws_pkg $libws_version"
    else
        sed 's/^/# /' "$work/dpkg-i.log"
        not_ok "dpkg --root -i installs next to $libws_pkg $libws_version"
    fi
    check "dpkg -s: install ok installed, version $version" \
        bash -c 'dpkg --root="$1" -s amftcp | grep -q "^Status: install ok installed" &&
                 dpkg --root="$1" -s amftcp | grep -q "^Version: $2$"' _ "$work/r-host" "$version"
    check "dpkg -L lists $global/epan/amftcp.so" \
        bash -c 'dpkg --root="$1" -L amftcp | grep -qx "$2"' _ "$work/r-host" "$global/epan/amftcp.so"
    check "the file is in the root" test -f "$work/r-host$global/epan/amftcp.so"
    check "dpkg -S finds its owner" \
        bash -c 'dpkg --root="$1" -S "$2" | grep -q "^amftcp: "' _ "$work/r-host" "$global/epan/amftcp.so"
    check "dpkg -r removes it again" \
        bash -c 'dpkg --root="$1" --log=/dev/null -r amftcp >/dev/null 2>&1 && ! test -e "$1$2"' _ \
        "$work/r-host" "$global/epan/amftcp.so"
else
    echo "# skipped the dpkg --root checks: they need root"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
