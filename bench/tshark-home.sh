# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the bench scripts: a private home for tshark holding only the
# plugin under test, and how to run tshark (or a tool in front of it) there.
# Run as root, tshark runs as nobody (Wireshark loads no personal plugins as
# root), so what it reads must be readable by nobody.
#
#   ws_chroot_open VERSION     optional, first (root only): tshark VERSION of
#                              the Debian chroot scripts/chroot-test.sh makes
#                              (build/chroot-VERSION, or $AMFTCP_CHROOT);
#                              sets ws_root, mounts its /proc
#   ws_chroot_build BUILD_DIR  builds the plugin in that chroot (release
#                              options, as the host bench build), into
#                              /amftcp/BUILD_DIR there; sets ws_plugin (the
#                              host path of the .so)
#   ws_chroot_bind DIR         DIR (host path) readable in the chroot at the
#                              same path (read-only bind mount)
#   bench_home PLUGIN NAME     sets home (removed at exit), ws_version; with
#                              a chroot the home is bound into it (read-write)
#                              at the same path, so every path is the same
#                              inside and outside
#   ...copy more files into $home here...
#   bench_home_ready           sets as_user and user_env: run
#                              "${as_user[@]}" "${user_env[@]}" tshark ...
#                              (with a chroot, as_user starts with chroot)
#   ws_tshark_version          the first line of tshark -v, as run
#
# Everything made or mounted is undone at exit (at_exit; also on SIGINT and
# SIGTERM), mounts in reverse order.

ws_root=
exit_hooks=()
at_exit() { exit_hooks+=("$1"); }
run_exit_hooks() {
    local i
    for ((i = ${#exit_hooks[@]} - 1; i >= 0; i--)); do eval "${exit_hooks[$i]}" || true; done
    exit_hooks=()
}
trap run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The chroot's own PATH, for commands run in it as root.
ws_in_root() {
    chroot "$ws_root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 "$@"
}

ws_mount() {   # mount ARGS... TARGET: records TARGET for the exit
    mount "$@"
    at_exit "umount '${*: -1}' 2>/dev/null || umount -l '${*: -1}' 2>/dev/null"
}

ws_chroot_open() {
    local version=$1 src
    [ "$(id -u)" -eq 0 ] || { echo "tshark $version in a chroot needs root (chroot, mount)" >&2; return 1; }
    ws_root=${AMFTCP_CHROOT:-build/chroot-$version}
    if [ ! -f "$ws_root/.amftcp-complete" ]; then
        echo "no complete chroot at $ws_root: run scripts/chroot-test.sh $version first" \
             "(or set AMFTCP_CHROOT)" >&2
        return 1
    fi
    ws_root=$(cd "$ws_root" && pwd)
    if ! mountpoint -q "$ws_root/proc"; then ws_mount -t proc proc "$ws_root/proc"; fi
    src=$(ws_in_root tshark -v 2>/dev/null | sed -n 1p)
    case "$src" in
    *"(Wireshark) $version."*) ;;
    *) echo "the chroot $ws_root has another tshark than $version: $src" >&2; return 1 ;;
    esac
}

ws_chroot_build() {
    local build_dir=$1 src="/amftcp/bench-src-$(basename "$1")" log
    # The tracked and untracked files git knows (as chroot-test.sh), their
    # times kept so that the build there stays incremental.
    rm -rf "${ws_root:?}$src"
    mkdir -p "$ws_root$src"
    git ls-files -z --cached --others --exclude-standard |
        xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
        tar --null -T - -cf - | tar -C "$ws_root$src" -xf -
    log="$ws_root/amftcp/$(basename "$build_dir").log"
    ws_in_root sh -c 'cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMFTCP_BUILD_PLUGIN=ON \
            -DAMFTCP_BENCH=OFF -DAMFTCP_SANITIZE=OFF -DAMFTCP_FUZZ=OFF &&
        cmake --build "$2" -j"$3" --target amftcp' _ "$src" "/amftcp/$(basename "$build_dir")" "$(nproc)" \
        >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
    ws_plugin="$ws_root/amftcp/$(basename "$build_dir")/amftcp.so"
}

# The project built for measuring in BUILD_DIR.  Every option that changes
# the measured code is set here: a build directory configured for
# sanitizers or without the plugin would otherwise be measured (or leave a
# stale plugin) without a word.
bench_build() {
    cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMFTCP_BUILD_PLUGIN=ON \
        -DAMFTCP_BENCH=ON -DAMFTCP_SANITIZE=OFF -DAMFTCP_FUZZ=OFF >/dev/null &&
        cmake --build "$1" -j"$(nproc)" >/dev/null
}

# The plugin to measure with the chroot's Wireshark VERSION: built from
# this source into /amftcp/<BUILD_DIR's name>-VERSION there when BUILD is 1
# (else the one built before); sets plugin.  Returns 1 if it does not build.
#   ws_chroot_plugin BUILD_DIR VERSION BUILD
ws_chroot_plugin() {
    local dir
    dir="$(basename "$1")-$2"
    if [ "$3" = 1 ]; then
        echo "[$(date +%T)] building the plugin in $ws_root (/amftcp/$dir)" >&2
        ws_chroot_build "$dir" || return 1
    fi
    plugin="$ws_root/amftcp/$dir/amftcp.so"
}

ws_chroot_bind() {
    local dir
    dir=$(cd "$1" && pwd)
    mkdir -p "$ws_root$dir"
    if ! mountpoint -q "$ws_root$dir"; then
        ws_mount --bind "$dir" "$ws_root$dir"
        mount -o remount,bind,ro "$ws_root$dir"
    fi
}

ws_tshark_version() {
    if [ -n "$ws_root" ]; then ws_in_root tshark -v 2>/dev/null | sed -n '1{s/\.$//;p}'
    else tshark -v 2>/dev/null | sed -n '1{s/\.$//;p}'; fi
}

bench_home() {
    local plugin=$1 name=$2
    ws_version=$(ws_tshark_version | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
    home=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-$name.XXXXXX")
    at_exit "rm -rf '$home'"
    if [ -n "$ws_root" ]; then
        mkdir -p "$ws_root$home"
        at_exit "rmdir '$ws_root$home'"
        ws_mount --bind "$home" "$ws_root$home"
    fi
    mkdir -p "$home/.local/lib/wireshark/plugins/$ws_version/epan" "$home/.config/wireshark"
    cp "$plugin" "$home/.local/lib/wireshark/plugins/$ws_version/epan/amftcp.so"
}

bench_home_ready() {
    as_user=()
    [ -z "$ws_root" ] || as_user=(chroot "$ws_root")
    if [ "$(id -u)" -eq 0 ]; then
        chmod 755 "$home"
        chown -R 65534:65534 "$home"
        as_user+=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    local path=$PATH
    [ -z "$ws_root" ] || path=/usr/local/bin:/usr/bin:/bin
    user_env=(env -i PATH="$path" HOME="$home" XDG_CONFIG_HOME="$home/.config" LANG=C.UTF-8)
}
