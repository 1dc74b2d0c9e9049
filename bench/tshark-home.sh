# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the bench scripts: a private home for tshark holding only the
# plugin under test, and how to run tshark (or a tool in front of it) there.
# Run as root, tshark runs as nobody (Wireshark loads no personal plugins as
# root), so what it reads must be readable by nobody.
#
#   bench_home PLUGIN NAME     sets home (removed at exit), ws_version
#   ...copy more files into $home here...
#   bench_home_ready           sets as_user and user_env: run
#                              "${as_user[@]}" "${user_env[@]}" tshark ...

bench_home() {
    local plugin=$1 name=$2
    ws_version=$(tshark -v 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
    home=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-$name.XXXXXX")
    trap 'rm -rf "$home"' EXIT
    mkdir -p "$home/.local/lib/wireshark/plugins/$ws_version/epan" "$home/.config/wireshark"
    cp "$plugin" "$home/.local/lib/wireshark/plugins/$ws_version/epan/amftcp.so"
}

bench_home_ready() {
    as_user=()
    if [ "$(id -u)" -eq 0 ]; then
        chmod 755 "$home"
        chown -R 65534:65534 "$home"
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    user_env=(env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=C.UTF-8)
}
