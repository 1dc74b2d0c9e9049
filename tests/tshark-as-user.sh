#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run tshark with a given amftcp plugin, isolated from the caller's own
# Wireshark settings, and as an unprivileged user when run as root
# (Wireshark run as root loads no personal plugins).
#
#   AMFTCP_PLUGIN=build/amftcp.so tests/tshark-as-user.sh -r capture.pcap -V
#
# The plugin, the file after -r and a key log given as
# `-o tls.keylog_file:FILE` are copied into a fresh home directory that the
# unprivileged user can read; the configuration directory there is
# empty, so no preference of the caller leaks in.  `--export-objects
# PROTO,DIR` writes into a directory in that home, copied to DIR after.  Extra environment for
# tshark (e.g. LD_PRELOAD for a sanitizer build) passes through
# AMFTCP_TSHARK_ENV ("NAME=value NAME2=value2").
set -euo pipefail

plugin=${AMFTCP_PLUGIN:?set AMFTCP_PLUGIN to the amftcp.so to load}
tshark=${AMFTCP_TSHARK:-tshark}
version=$("$tshark" -v 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$version" ] || version=$("$tshark" -v | sed -n '1{s/[^0-9]*\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p}')

home=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.local/lib/wireshark/plugins/$version/epan" "$home/.config/wireshark" "$home/in"
cp "$plugin" "$home/.local/lib/wireshark/plugins/$version/epan/amftcp.so"

args=()
export_dir=
while [ $# -gt 0 ]; do
    case "$1" in
    -r)
        cp "$2" "$home/in/"
        args+=(-r "$home/in/$(basename "$2")")
        shift 2
        ;;
    -o)
        # A TLS key log is read by tshark too: copied beside the capture.
        case "$2" in
        tls.keylog_file:*)
            keylog=${2#tls.keylog_file:}
            cp "$keylog" "$home/in/"
            args+=(-o "tls.keylog_file:$home/in/$(basename "$keylog")")
            ;;
        *)
            args+=(-o "$2")
            ;;
        esac
        shift 2
        ;;
    --export-objects)
        export_dir=${2#*,}
        mkdir -p "$home/out"
        args+=(--export-objects "${2%%,*},$home/out")
        shift 2
        ;;
    *)
        args+=("$1")
        shift
        ;;
    esac
done

extra_env=()
if [ -n "${AMFTCP_TSHARK_ENV:-}" ]; then
    read -r -a extra_env <<<"$AMFTCP_TSHARK_ENV"
fi

status=0
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$home"
    chown -R 65534:65534 "$home"
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=C.UTF-8 \
        "${extra_env[@]}" "$tshark" "${args[@]}" || status=$?
else
    env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=C.UTF-8 \
        "${extra_env[@]}" "$tshark" "${args[@]}" || status=$?
fi
if [ -n "$export_dir" ]; then
    mkdir -p "$export_dir"
    cp -R "$home/out/." "$export_dir/"
fi
exit $status
