# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the sanitizer scripts: how tshark (not built with sanitizers)
# loads an amftcp.so built with AMFTCP_SANITIZE=ON.
#
#   amftcp_sanitizer_env PLUGIN LOGDIR
#
# sets AMFTCP_TSHARK_ENV (read by tests/tshark-as-user.sh) to:
#   LD_PRELOAD       the sanitizer runtime the plugin was linked against
#                    (gcc: the libasan.so.N it needs; clang: the clang_rt
#                    ASan runtime, which holds UBSan too), so it comes first;
#   ASAN_OPTIONS     detect_leaks=0 (Wireshark itself is not instrumented and
#                    keeps memory until exit), halt_on_error=1, reports to
#                    LOGDIR/asan.PID;
#   UBSAN_OPTIONS    halt_on_error=1, print_stacktrace=1, reports to
#                    LOGDIR/ubsan.PID;
#   WIRESHARK_DEBUG_WMEM_OVERRIDE=simple  every wmem allocation its own
#                    malloc, so ASan sees overflows of packet-scope memory
#                    (the core's tables and JSON live there);
#   G_SLICE=always-malloc  the same for GLib's slices;
#   WIRESHARK_EXTCAP_DIR  LOGDIR/extcap: one wrapper per installed extcap
#                    that drops the sanitizer variables before running the
#                    real one (androiddump deadlocks at start with libasan
#                    preloaded, and tshark waits for it forever, e.g. in
#                    tshark -G plugins).
# LOGDIR must be writable by the user tshark runs as (65534 when root).

amftcp_sanitizer_runtime() {
    local plugin=$1 lib
    lib=$(readelf -d "$plugin" 2>/dev/null | sed -n 's/.*NEEDED.*\[\(libasan\.so[.0-9]*\)\].*/\1/p' | head -1)
    if [ -n "$lib" ]; then
        # gcc: the exact soname the plugin needs.
        local path
        path=$(gcc -print-file-name="$lib" 2>/dev/null)
        if [ ! -e "$path" ]; then
            path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
        fi
        [ -e "$path" ] && { readlink -f "$path"; return 0; }
        echo "no $lib on this machine" >&2
        return 1
    fi
    if nm -D "$plugin" 2>/dev/null | grep -q ' U __asan_init'; then
        # clang links its runtime into executables only: preload the shared one.
        local arch path
        arch=$(uname -m)
        path=$(clang -print-file-name="libclang_rt.asan-$arch.so" 2>/dev/null)
        [ -e "$path" ] && { readlink -f "$path"; return 0; }
        echo "no libclang_rt.asan-$arch.so (Debian: apt-get install libclang-rt-N-dev, N the major version of clang: 14 on Debian 12, 19 on Debian 13)" >&2
        return 1
    fi
    echo "$plugin is not built with AddressSanitizer (configure with -DAMFTCP_SANITIZE=ON)" >&2
    return 1
}

# Wrappers for the installed extcap programs, without the sanitizer runtime.
amftcp_extcap_wrappers() {
    local dir=$1 real prog
    real=$(tshark -G folders 2>/dev/null | awk -F'\t' '/^Extcap path:/ && !found { print $2; found = 1 }')
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ -d "$real" ] || return 0
    for prog in "$real"/*; do
        [ -x "$prog" ] && [ -f "$prog" ] || continue
        printf '#!/bin/sh\nunset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS\nexec "%s" "$@"\n' "$prog" \
            >"$dir/$(basename "$prog")"
        chmod 755 "$dir/$(basename "$prog")"
    done
}

amftcp_sanitizer_env() {
    local plugin=$1 logdir=$2 runtime
    runtime=$(amftcp_sanitizer_runtime "$plugin") || return 1
    amftcp_extcap_wrappers "$logdir/extcap"
    AMFTCP_TSHARK_ENV="LD_PRELOAD=$runtime"
    AMFTCP_TSHARK_ENV+=" ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=0:detect_odr_violation=0:log_path=$logdir/asan"
    AMFTCP_TSHARK_ENV+=" UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$logdir/ubsan"
    AMFTCP_TSHARK_ENV+=" WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc"
    AMFTCP_TSHARK_ENV+=" WIRESHARK_EXTCAP_DIR=$logdir/extcap"
    export AMFTCP_TSHARK_ENV
}

# Print every report in LOGDIR; return 1 if there is any.
amftcp_sanitizer_reports() {
    local logdir=$1 found=0 f
    for f in "$logdir"/asan.* "$logdir"/ubsan.*; do
        [ -s "$f" ] || continue
        found=1
        echo "=== sanitizer report $f"
        cat "$f"
    done
    return $found
}
