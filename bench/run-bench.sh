#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# amftcp performance benchmark: one command, one machine, one Markdown report.
#
#   bench/run-bench.sh --size 20M --linearity 200M   # ~25 min on 2 cores
#   bench/run-bench.sh                 # --size 100M, 3 runs, linearity at 1G: hours
#   bench/run-bench.sh --size 100M --linearity 1G --modes fields --kinds amf
#   bench/run-bench.sh --quick         # CI-sized: 5M, 1 run, linearity at 25M
#
# The report leads with the issue's table: per mode (-r, -Y 'amf.string ==
# "x"', -T fields -e amf.string, -T json, -V) the cost of amftcp and of
# Wireshark's built-in AMF decoder in ms per MiB of AMF3 values, and
# amftcp's enabled/disabled CPU ratio; then the targets (-T fields -e
# amf.type on/off, -Y/-r), the core, the live capture, the memory of one
# 16 MiB message, and the details.
#
# What it does (details in bench/README.md):
#   1. builds the project (plugin, core, bench tools) in --build-dir;
#   2. writes captures under --out-dir (default bench/out, gitignored):
#      amf (AMF3 over raw TCP), other (TCP that is not AMF), builtin (the
#      same AMF3 values in HTTP application/x-amf bodies, which Wireshark's
#      own AMF decoder reads), a capture ten times --size for linearity, and
#      single 16 MiB messages for the memory test;
#   3. times tshark on each capture in each mode (-r, -Y 'amf.string ==
#      "x"', -T fields -e amf.string, -T json, -V, -T fields -e amf.type),
#      with the decoder under test enabled and disabled (--disable-protocol amftcp, or amf
#      for the built-in decoder), runs alternating, medians of --runs; and
#      tshark's start-up alone, on a capture with no packets;
#   4. runs the core microbenchmark (build/bench/core-bench);
#   5. runs the live capture (bench/live-bench.sh: tshark -i lo on AMF3 sent
#      at --live-rate MB/s for --live-seconds), unless --no-live;
#   6. prints the report (and writes it to --out-dir/report-SIZE-wsX.Y.md,
#      X.Y the Wireshark that measured).
#
# --wireshark 4.4 measures with another tshark than the host's: the one in
# the Debian chroot of scripts/chroot-test.sh 4.4 (build/chroot-4.4, or
# $AMFTCP_CHROOT; run that script once first), with the plugin built in
# that chroot against its Wireshark (build-bench-4.4 there, release
# options).  Every tshark run (main table, memory, linearity, live) is
# `chroot ROOT setpriv ... tshark`; --out-dir is bound read-only into the
# chroot at the same path, /usr/bin/time is the host's in front of chroot.
# The captures, the core bench and the report are made on the host as
# without it.  Root only (chroot, mount); mounts are undone at exit.
#
# Time is CPU time (user + system) of the tshark process, which a busy
# machine disturbs much less than wall time; wall time is reported too.
# Peak memory is the maximum resident set size (/usr/bin/time %M).
#
# Options:
#   --size SIZE          capture size, decimal suffixes (100M = 10^8 bytes)  [100M]
#   --runs N             runs per measurement (median)                        [3]
#   --linearity SIZE|off size of the large capture for the linearity check   [10 x --size]
#   --linearity-runs N   runs of each large-capture measurement               [1]
#   --modes "LIST"       of: plain filter-string fields-string json verbose fields
#                        filter (-Y 'amf.type == "object"')    [all but filter]
#   --kinds "LIST"       of: amf other builtin                                [all]
#   --memory-modes "LIST" modes of the 16 MiB message test
#                        [plain filter-string fields-string json verbose]
#   --seed N             traffic seed                                         [1]
#   --out-dir DIR        captures and results                                 [bench/out]
#   --build-dir DIR      a build of its own, release options                  [build-bench]
#   --core-seconds S     per core-bench measurement                           [2]
#   --no-build           use the tools already in --build-dir
#   --keep-large         keep the linearity capture (deleted after use otherwise)
#   --live / --no-live   run the live capture, or not                       [--live]
#   --live-rate MB_PER_S AMF3 bytes per second of the live capture           [20]
#   --live-seconds S     length of the live burst                            [10]
#   --quick              --size 5M --runs 1 --linearity 25M --core-seconds 0.5
#                        --live-seconds 5
#   --wireshark VERSION  host (the host's tshark), or 4.4, 4.6: the tshark of
#                        the chroot scripts/chroot-test.sh VERSION makes  [host]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

size=100M
runs=3
linearity=auto
linearity_runs=1
modes="plain filter-string fields-string json verbose fields"
kinds="amf other builtin"
memory_modes="plain filter-string fields-string json verbose"
seed=1
out_dir=bench/out
build_dir=build-bench
core_seconds=2
build=1
keep_large=0
live=1
live_rate=20
live_seconds=10
wireshark_opt=host
command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }

usage() { sed -n '3,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --linearity) linearity=$2; shift 2 ;;
    --linearity-runs) linearity_runs=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    --memory-modes) memory_modes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --out-dir) out_dir=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --core-seconds) core_seconds=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep-large) keep_large=1; shift ;;
    --live) live=1; shift ;;
    --no-live) live=0; shift ;;
    --live-rate) live_rate=$2; shift 2 ;;
    --live-seconds) live_seconds=$2; shift 2 ;;
    --wireshark) wireshark_opt=$2; shift 2 ;;
    --quick) size=5M; runs=1; linearity=25M; core_seconds=0.5; live_seconds=5; shift ;;
    -h|--help) usage ;;
    *) echo "run-bench: unknown option $1" >&2; usage ;;
    esac
done

started=$(date +%s)
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "run-bench: $*" >&2; exit 1; }

# Decimal sizes, as gen-capture reads them.
bytes_of() {
    python3 -c 'import sys
s=sys.argv[1]; m={"K":10**3,"M":10**6,"G":10**9}
print(int(float(s[:-1])*m[s[-1].upper()]) if s[-1].upper() in m else int(s))' "$1"
}
size_bytes=$(bytes_of "$size")
if [ "$linearity" = auto ]; then
    linearity=$(python3 -c "print(f'{$size_bytes*10/1e6:g}M')")
fi

[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian: apt-get install time)"
# Sourced first: its exit hooks undo every mount and remove the homes.
. bench/tshark-home.sh
if [ "$wireshark_opt" = host ]; then
    command -v tshark >/dev/null || die "tshark not found"
else
    case "$wireshark_opt" in [0-9]*.[0-9]*) ;; *) die "--wireshark host or X.Y, not $wireshark_opt" ;; esac
    ws_chroot_open "$wireshark_opt" || die "no tshark $wireshark_opt"
fi

# ---- build --------------------------------------------------------------
if [ "$build" = 1 ]; then
    log "building in $build_dir"
    bench_build "$build_dir" || die "the build failed"
fi
gen="$build_dir/bench/gen-capture"
core_bench="$build_dir/bench/core-bench"
plugin="$build_dir/amftcp.so"
for f in "$gen" "$core_bench" "$plugin"; do [ -e "$f" ] || die "missing $f (build first)"; done
if [ -n "$ws_root" ]; then
    # The plugin against the chroot's Wireshark, from the same source.
    ws_chroot_plugin "$build_dir" "$wireshark_opt" "$build" ||
        die "the plugin does not build against Wireshark $wireshark_opt"
    [ -e "$plugin" ] || die "missing $plugin (build first)"
fi
plugin_md5=$(md5sum "$plugin" | cut -c1-12)

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
[ -z "$ws_root" ] || ws_chroot_bind "$out_dir"

# ---- tshark as an unprivileged user with only our plugin ----------------
# Wireshark run as root loads no personal plugins: as root, tshark runs as
# nobody with a fresh home holding the plugin and an empty configuration,
# reading the captures in place (they must be readable by nobody).
bench_home "$plugin" bench
bench_home_ready

# Every file of the run is named by the size and the Wireshark measuring,
# so that runs on two versions sit side by side (the captures are shared).
tag="$size-ws$ws_version"
results="$out_dir/results-$tag.tsv"
report="$out_dir/report-$tag.md"
: > "$results"

ts() { "${as_user[@]}" "${user_env[@]}" tshark "$@"; }

# One timed tshark run; appends a result line.  Output goes to /dev/null.
# A failed run is retried once (and reported) before giving up.
#   timed KIND MODE STATE RUN FILE ARGS...
timed() {
    local kind=$1 mode=$2 state=$3 run=$4 file=$5
    shift 5
    local t0 t1 status attempt
    for attempt in 1 2; do
        status=0
        t0=$(date +%s%N)
        # time in front: with a chroot it is the host's, and setpriv, env
        # and chroot exec, so it measures tshark (and only tshark) either way.
        /usr/bin/time -f '%e %U %S %M' -o "$home/time.txt" "${as_user[@]}" "${user_env[@]}" \
            tshark -r "$file" "$@" >/dev/null 2>"$home/stderr.txt" || status=$?
        t1=$(date +%s%N)
        [ "$status" -eq 0 ] && break
        log "tshark exited with $status (attempt $attempt): tshark -r $file $*"
        cat "$home/stderr.txt" "$home/time.txt" >&2 || true
    done
    [ "$status" -eq 0 ] || die "tshark failed ($status): tshark -r $file $*"
    local e u s m
    read -r e u s m < <(tail -n 1 "$home/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$mode" "$state" "$run" \
        "$(( (t1 - t0) / 1000000 ))" "$u" "$s" "$m" >> "$results"
}

mode_args() {   # KIND MODE -> tshark arguments, one per line
    local kind=$1 mode=$2
    case "$mode" in
    fields)
        if [ "$kind" = builtin ]; then printf '%s\n' -T fields -e amf.amf3_type
        else printf '%s\n' -T fields -e amf.type; fi ;;
    # The issue's modes: amf.string is a field of the built-in decoder that
    # amftcp fills too, so both decoders get exactly the same arguments.
    fields-string) printf '%s\n' -T fields -e amf.string ;;
    filter-string) printf '%s\n' -Y 'amf.string == "x"' ;;
    json) printf '%s\n' -T json ;;
    verbose) printf '%s\n' -V ;;
    filter)
        if [ "$kind" = builtin ]; then printf '%s\n' -Y 'amf.amf3_type == 0x0a'
        else printf '%s\n' -Y 'amf.type == "object"'; fi ;;
    plain) ;;
    *) die "unknown mode $mode" ;;
    esac
}

# amftcp decodes HTTP application/x-amf bodies itself by default (its
# preference amftcp.http holds the media_type entry, even while amftcp is
# disabled, and then nothing decodes them): on the builtin capture, both
# runs give the entry back to Wireshark's own decoder, so "enabled" is the
# built-in decoder and "disabled" is --disable-protocol amf.
builtin_args=(-o amftcp.http:FALSE)

disable_arg() {  # KIND -> the decoder under test, for --disable-protocol
    if [ "$1" = builtin ] || [ "$1" = builtin-big ]; then echo amf; else echo amftcp; fi
}

# Measure one capture in one mode: runs alternate enabled/disabled.
measure() {
    local kind=$1 mode=$2 file=$3 n=$4 base=${5:-$1}
    local args=()
    mapfile -t args < <(mode_args "$base" "$mode")
    case "$base" in builtin*) args+=("${builtin_args[@]}") ;; esac
    local off
    off=$(disable_arg "$base")
    for ((r = 1; r <= n; r++)); do
        timed "$kind" "$mode" on "$r" "$file" "${args[@]}"
        timed "$kind" "$mode" off "$r" "$file" "${args[@]}" --disable-protocol "$off"
    done
}

# ---- captures -------------------------------------------------------------
declare -A info
generate() {   # NAME FILE gen-capture-args...
    local name=$1 file=$2
    shift 2
    log "generating $name: $(basename "$file")"
    "$gen" --out "$file" --seed "$seed" "$@" > "$file.info"
    chmod 644 "$file" "$file.info"
    info[$name]="$file.info"
}
info_get() { sed -n "s/^$2=//p" "${info[$1]}"; }

check_disk() {   # BYTES needed
    local avail
    avail=$(df -B1 --output=avail "$out_dir" | tail -n 1)
    [ "$avail" -gt $(( $1 + 2000000000 )) ]
}

amf_file="$out_dir/amf-$size.pcap"
other_file="$out_dir/other-$size.pcap"
builtin_file="$out_dir/builtin-$size.pcap"
check_disk $(( size_bytes * 4 )) || die "not enough disk in $out_dir for $size captures"
generate amf "$amf_file" --kind amf --size "$size"
generate other "$other_file" --kind other --size "$size"
generate builtin "$builtin_file" --kind builtin --plan-size "$size" \
    --exchanges "$(info_get amf exchanges)" --size "$size"
generate large-records "$out_dir/large-records-16MiB.pcap" --kind large-records --size 16Mi
generate large-bytes "$out_dir/large-bytes-16MiB.pcap" --kind large-bytes --size 16Mi
"${as_user[@]}" test -r "$amf_file" || die "$out_dir is not readable by the unprivileged user; use --out-dir under /tmp"

# ---- machine --------------------------------------------------------------
cpu=$(lscpu | sed -n "s/^Model name: *//p" | sed -n 1p)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
kernel=$(uname -r)
wireshark=$(ws_tshark_version)
if [ -n "$ws_root" ]; then
    wireshark="$wireshark, in the chroot $ws_root ($(. "$ws_root/etc/os-release" && echo "$PRETTY_NAME")), plugin built there against it"
fi
amftcp_version=$(ts -G plugins 2>/dev/null | awk -F'\t' '$1 ~ /^amftcp/ { gsub(/ /, "", $2); print $2 }')
git_rev=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
ts -G plugins 2>/dev/null | grep -q '^amftcp' || die "tshark does not load $plugin"

# ---- tshark's start-up ----------------------------------------------------
# Registration of every dissector and loading the plugin, on a capture with
# no packets: the linearity check also shows the times without it.
empty_file="$out_dir/empty.pcap"
python3 -c 'import struct, sys
open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' "$empty_file"
chmod 644 "$empty_file"
for mode in fields plain; do
    log "tshark: start-up (no packets), $mode ($runs x on/off)"
    measure empty "$mode" "$empty_file" "$runs" amf
done

# ---- tshark runs ----------------------------------------------------------
for kind in $kinds; do
    case "$kind" in
    amf) file=$amf_file ;;
    other) file=$other_file ;;
    builtin) file=$builtin_file ;;
    *) die "unknown kind $kind" ;;
    esac
    for mode in $modes; do
        log "tshark: $kind, $mode ($runs x on/off)"
        measure "$kind" "$mode" "$file" "$runs"
    done
done

# Values each decoder put in the tree (one item per value shown: amftcp's
# amf.type, the built-in decoder's amf.amf3_type) and frames it marked
# malformed, on the same AMF3 values.
count_values() {   # NAME FILE FIELD [ARGS...]
    local name=$1 file=$2 field=$3
    shift 3
    ts -r "$file" "$@" -T fields -e _ws.malformed -e "$field" -E occurrence=a 2>/dev/null |
        awk -F'\t' -v name="$name" '$1 != "" { m++ } { n += split($2, a, ",") }
            END { printf "%s\t%d\t%d\n", name, n, m }' >> "$out_dir/values-$tag.tsv"
}
: > "$out_dir/values-$tag.tsv"
case " $kinds " in *" amf "*) log "counting values: amf"; count_values amf "$amf_file" amf.type ;; esac
case " $kinds " in *" builtin "*) log "counting values: builtin"; count_values builtin "$builtin_file" amf.amf3_type "${builtin_args[@]}" ;; esac

# ---- one 16 MiB message ---------------------------------------------------
for shape in large-records large-bytes; do
    for mode in $memory_modes; do
        log "tshark: one 16 MiB message ($shape), $mode ($runs x on/off)"
        measure "$shape" "$mode" "$out_dir/$shape-16MiB.pcap" "$runs" amf
    done
done

# ---- linearity ------------------------------------------------------------
if [ "$linearity" != off ]; then
    big_bytes=$(bytes_of "$linearity")
    big_file="$out_dir/amf-$linearity.pcap"
    if check_disk "$big_bytes" || [ -e "$big_file" ]; then
        generate amf-big "$big_file" --kind amf --size "$linearity"
        log "tshark: linearity, $linearity fields ($linearity_runs x on/off)"
        measure amf-big fields "$big_file" "$linearity_runs" amf
        log "tshark: linearity, $linearity plain ($linearity_runs x on/off)"
        measure amf-big plain "$big_file" "$linearity_runs" amf
        [ "$keep_large" = 1 ] || rm -f "$big_file"
    else
        log "not enough disk for the $linearity capture: linearity skipped"
        linearity=off
    fi
fi

# ---- core alone -------------------------------------------------------------
log "core-bench"
"$core_bench" --seconds "$core_seconds" --seed "$seed" > "$out_dir/core-$tag.txt"

# ---- live capture -------------------------------------------------------------
live_file="$out_dir/live-$tag.txt"
rm -f "$live_file"
if [ "$live" = 1 ]; then
    log "live capture: $live_rate MB/s for $live_seconds s, amftcp enabled and disabled"
    bench/live-bench.sh --no-build --build-dir "$build_dir" --rate "$live_rate" \
        --seconds "$live_seconds" --seed "$seed" --baseline --results "$live_file" \
        --wireshark "$wireshark_opt" > "$out_dir/live-$tag.md" || log "live capture failed (report without it)"
fi

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - started ))

# ---- report ---------------------------------------------------------------
cores=$(nproc)
export cpu cores os kernel wireshark ws_version amftcp_version git_rev plugin_md5 load_start load_end elapsed \
       size runs linearity linearity_runs command_line
python3 "$root/bench/report.py" "$results" "$out_dir/values-$tag.tsv" "$out_dir/core-$tag.txt" \
    "$out_dir" "$size" "$linearity" "$live_file" | tee "$report"
log "report written to $report"
