#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The core's unit tests, the dissection suite and the Debian package on a
# newer Wireshark, in a Debian chroot (as root; needs debootstrap):
#
#   scripts/chroot-test.sh 4.4     # Debian trixie's Wireshark
#   scripts/chroot-test.sh 4.6     # Debian sid's Wireshark
#
#   1. debootstrap --variant=minbase that suite from the machine's own Debian
#      mirror into build/chroot-VERSION and install tshark, the Wireshark
#      -dev packages and the build tools (about 4 minutes; a complete chroot
#      from an earlier run is reused, AMFTCP_CHROOT_REFRESH=1 makes a new one);
#   2. copy the source in (the tracked and untracked files git knows, no
#      build directories), with ../shared/vectors bound read-only beside it
#      when it exists here;
#   3. build it there (a compiler warning fails the step) and run ctest -L
#      unit and -L dissection;
#   4. build the Debian package there, run the package test (-L package),
#      install the .deb with dpkg, check that tshark lists and uses the
#      plugin from Wireshark's global plugin folder, and remove it again.
# /proc (and the bind mounts) are unmounted on every exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$(pwd)

version=${1:?usage: $0 4.4|4.6}
case "$version" in
4.4) suite=trixie ;;
4.6) suite=sid ;;
*)
    echo "chroot-test: no Debian suite known to carry Wireshark $version" >&2
    exit 2
    ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    echo "chroot-test: needs root (debootstrap, chroot, mount)" >&2
    exit 2
fi
command -v debootstrap >/dev/null || {
    echo "chroot-test: debootstrap missing (apt-get install debootstrap)" >&2
    exit 2
}

root=${AMFTCP_CHROOT:-build/chroot-$version}
mkdir -p "$root"
root=$(cd "$root" && pwd)
jobs=$(nproc)
log() { printf '=== chroot-test %s: %s (%s)\n' "$version" "$1" "$(date +%H:%M:%S)"; }

# The Debian mirror the system already uses (as scripts/compile-check.sh).
mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -m1 '/debian/\?$' || true)
if [ -z "$mirror" ]; then
    mirror=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -m1 '/debian/\?$' || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

packages=(
    tshark libwireshark-dev libwsutil-dev libwiretap-dev wireshark-dev
    cmake build-essential pkg-config libglib2.0-dev python3 util-linux
    # the package test also needs dpkg-deb (dpkg), readelf and nm
    # (binutils, from build-essential) and ldd (libc-bin)
)

# Everything mounted below the root, unmounted in reverse order on exit.
mounts=()
cleanup() {
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
mount_proc() {
    if ! mountpoint -q "$root/proc"; then
        mount -t proc proc "$root/proc"
        mounts+=("$root/proc")
    fi
}
in_root() { chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive ${CI:+CI="$CI"} "$@"; }

# 1. The chroot.
if [ ! -f "$root/.amftcp-complete" ] || [ -n "${AMFTCP_CHROOT_REFRESH:-}" ]; then
    started=$(date +%s)
    # Never rm -rf through a live mount.
    for m in proc amftcp/shared/vectors; do
        if mountpoint -q "$root/$m" 2>/dev/null; then umount "$root/$m"; fi
    done
    rm -rf "$root"
    mkdir -p "$root"
    log "debootstrap $suite from $mirror into $root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
        tail -n 30 "$root.debootstrap.log" >&2
        exit 1
    }
    cat >"$root/etc/apt/apt.conf.d/90amftcp" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
    if [ "$suite" = sid ]; then
        # sid's Release file on the mirror may be past its Valid-Until date.
        echo 'Acquire::Check-Valid-Until "false";' >>"$root/etc/apt/apt.conf.d/90amftcp"
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    mount_proc
    log "apt-get install ${packages[*]}"
    in_root apt-get -q -o Acquire::Check-Valid-Until=false update >"$root.apt.log" 2>&1 &&
        in_root apt-get -q -y install "${packages[@]}" >>"$root.apt.log" 2>&1 || {
        tail -n 30 "$root.apt.log" >&2
        exit 1
    }
    in_root apt-get clean
    touch "$root/.amftcp-complete"
    log "chroot made in $(($(date +%s) - started)) s"
fi
mount_proc
ws=$(in_root tshark -v | sed -n 1p)
log "$ws"
case "$ws" in
*"(Wireshark) $version."*) ;;
*)
    echo "chroot-test: $suite now carries another Wireshark than $version: $ws" >&2
    exit 1
    ;;
esac

# 2. The source, at /amftcp/src; the fixtures at /amftcp/shared/vectors.
rm -rf "$root/amftcp/src"
mkdir -p "$root/amftcp/src" "$root/amftcp/shared/vectors"
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$source_dir" ls-files -z --cached --others --exclude-standard |
        (cd "$source_dir" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _) |
        tar -C "$source_dir" --null -T - -cf - | tar -C "$root/amftcp/src" -xf -
else
    tar -C "$source_dir" --exclude='./build*' -cf - . | tar -C "$root/amftcp/src" -xf -
fi
vectors=$(cd "$source_dir/.." && pwd)/shared/vectors
if [ -d "$vectors" ]; then
    mount --bind "$vectors" "$root/amftcp/shared/vectors"
    mounts+=("$root/amftcp/shared/vectors")
    mount -o remount,bind,ro "$root/amftcp/shared/vectors"
    log "fixtures: $vectors, bound read-only"
else
    rmdir "$root/amftcp/shared/vectors" "$root/amftcp/shared"
    log "fixtures: none at $vectors"
fi

# 3. Build and test.
status=0
run() { # run DESCRIPTION COMMAND...: record a failure, keep going
    local what=$1
    shift
    log "$what"
    if in_root "$@"; then
        results+=("ok      $what")
    else
        results+=("FAILED  $what")
        status=1
    fi
}
results=()
run "configure and build, no compiler warning" sh -c 'cd /amftcp/src &&
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMFTCP_BENCH=OFF >build.log 2>&1 &&
    cmake --build build -j'"$jobs"' >>build.log 2>&1 || { tail -n 40 build.log; exit 1; }
    if grep -q "warning:" build.log; then grep -A3 "warning:" build.log; exit 1; fi'
if [ $status -eq 0 ]; then
    # ctest, with the tests' own totals (checks, test cases, skips) after it.
    ctest_label() {
        run "ctest -L $1" sh -c 'log=/amftcp/src/build/ctest-$1.log
            ctest --test-dir /amftcp/src/build -V -L "$1" >"$log" 2>&1; status=$?
            # on failure, everything but the passing test cases
            [ $status -eq 0 ] || grep -v " \.\.\. ok\$" "$log"
            sed "s/^[0-9]*: //" "$log" |
                grep -E "^total: |^Ran [0-9]+ tests|^(OK|FAILED)( \(.*\))?$|^[0-9]+ passed, [0-9]+ failed|SKIPPED" |
                sed "s/^/  $1: /"
            exit $status' _ "$1"
    }
    ctest_label unit
    ctest_label dissection
    # 4. The package: the package test, then a real install with dpkg.
    ctest_label package
    run "cpack -G DEB" sh -c 'cd /amftcp/src/build && rm -rf package && cpack -G DEB >cpack.log 2>&1 ||
        { cat cpack.log; exit 1; }'
    run "dpkg -i the package, tshark loads it from the global plugin folder, dpkg -r" sh -c '
        set -e
        deb=$(ls /amftcp/src/build/package/amftcp_*.deb)
        echo "$deb: $(dpkg-deb -f "$deb" Depends)"
        dpkg -i "$deb"
        global=$(tshark -G folders | sed -n "s/^Global Plugins:[[:space:]]*//p")
        so=$global/epan/amftcp.so
        test -f "$so"
        dpkg -S "$so" | grep -q "^amftcp: "
        # Unprivileged (root loads no personal plugins; the global ones do
        # load, but test as a user would run it), with an empty home.
        home=$(mktemp -d); chmod 755 "$home"; chown 65534:65534 "$home"
        cp /amftcp/src/sample-captures/amf3-types.pcap "$home/"; chmod a+r "$home/amf3-types.pcap"
        as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH="$PATH" HOME="$home" LANG=C.UTF-8 "$@"; }
        as_user tshark -G plugins | awk -F"\t" -v so="$so" "\$1 ~ /^amftcp\\.so/ && \$4 == so" | grep -q .
        n=$(as_user tshark -r "$home/amf3-types.pcap" -2 -Y amftcp | grep -c .)
        echo "installed plugin: $so, $n frames match amftcp in amf3-types.pcap"
        test "$n" -gt 0
        rm -rf "$home"
        dpkg -r amftcp
        test ! -e "$so"'
fi

log "results"
printf '  %s\n' "${results[@]}"
exit $status
