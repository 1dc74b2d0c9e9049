#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where does the time go?  perf profiles of tshark with amftcp and of the
# core alone, summarised as the share of all samples (inclusive, "children")
# spent in amftcp's functions and in the Wireshark work they cause.
#
#   bench/profile.sh                       # amf capture of 10M, all modes
#   bench/profile.sh --size 10M --modes "fields verbose" --kinds "amf other"
#
# Needs linux-perf (Debian: apt-get install linux-perf).  Stacks are
# unwound with DWARF (--call-graph dwarf): Wireshark's libraries have no
# frame pointers.  Reports go to --out-dir/profile-*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

size=10M
modes="fields json verbose filter plain"
kinds="amf other"
out_dir=bench/out
build_dir=build-bench
freq=200
seed=1

while [ $# -gt 0 ]; do
    case "$1" in
    --size) size=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    --out-dir) out_dir=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --freq) freq=$2; shift 2 ;;
    *) sed -n '3,12p' "$0"; exit 2 ;;
    esac
done

command -v perf >/dev/null || { echo "profile: perf not found (apt-get install linux-perf)" >&2; exit 1; }
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
gen="$build_dir/bench/gen-capture"
[ -x "$gen" ] || { echo "profile: build first (cmake --build $build_dir)" >&2; exit 1; }

. bench/tshark-home.sh
bench_home "$build_dir/amftcp.so" profile
bench_home_ready

# Functions whose inclusive share is reported.  amftcp's own first, then the
# Wireshark work that scales with the tree amftcp builds.
symbols=(
    dissect_amftcp dissect_amftcp_heur amf_frame_detect tcp_dissect_pdus get_length_pdu_len
    dissect_message amftcp_dissect_value amf_decode tree_event amf_json_event amf_json_finish
    on_scalar on_begin on_end on_traits on_reference add_value_item add_slot_items
    add_value_field add_string_field value_text slot_prefix container_detail amf_text
    summary_value amf_event_from_slot read_string amf_utf8_valid amf_format_number
    proto_tree_add_uint_format proto_tree_add_uint_format_value proto_tree_add_uint
    proto_tree_add_string proto_item_append_text format_text wmem_strdup_printf
    proto_tree_children_foreach epan_dissect_reset
)

# (Pipelines end in "|| true": one failed report must not stop the others.)
summarise() {   # PERF_DATA TITLE
    local data=$1 title=$2
    echo "== $title"
    perf report -f -i "$data" --children --sort symbol --stdio -g none 2>/dev/null |
        awk -v list="${symbols[*]}" '
            BEGIN { n = split(list, s, " "); for (i = 1; i <= n; i++) want[s[i]] = i }
            /^ +[0-9.]+%/ { sym = $4
                            if (sym in want && !(sym in seen)) { seen[sym] = 1; line[want[sym]] = sprintf("  %-34s inclusive %7s  self %7s", sym, $1, $2) } }
            END { for (i = 1; i <= n; i++) if (i in line) print line[i] }' || true
    echo "  -- top self time in amftcp.so:"
    perf report -f -i "$data" --no-children --dsos amftcp.so --sort symbol --stdio -g none 2>/dev/null |
        awk '/^ +[0-9.]+%/ && n++ < 15 { printf "  %-34s %s of all samples\n", $3, $1 }' || true
    echo "  -- top self time, all code:"
    perf report -f -i "$data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
        awk '/^ +[0-9.]+%/ && n++ < 15 { printf "  %7s  %-26s %s\n", $1, $2, $4 }' || true
}

for kind in $kinds; do
    file="$out_dir/$kind-$size.pcap"
    if [ ! -e "$file" ]; then
        if [ "$kind" = builtin ]; then
            "$gen" --kind amf --size "$size" --seed "$seed" --out "$out_dir/amf-$size.pcap" > "$out_dir/amf-$size.pcap.info"
            "$gen" --kind builtin --plan-size "$size" --size "$size" --seed "$seed" \
                --exchanges "$(sed -n 's/^exchanges=//p' "$out_dir/amf-$size.pcap.info")" --out "$file" > "$file.info"
        else
            "$gen" --kind "$kind" --size "$size" --seed "$seed" --out "$file" > "$file.info"
        fi
        chmod 644 "$file" "$file.info"
    fi
    for mode in $modes; do
        args=()
        case "$mode" in
        fields) args=(-T fields -e amf.type) ;;
        json) args=(-T json) ;;
        verbose) args=(-V) ;;
        filter) args=(-Y 'amf.type == "object"') ;;
        plain) args=() ;;
        esac
        report="$out_dir/profile-$kind-$size-$mode.txt"
        echo "profiling tshark: $kind $mode" >&2
        (cd "$home" && "${as_user[@]}" "${user_env[@]}" perf record -q -F "$freq" \
            --call-graph dwarf,32768 -o "$home/perf.data" \
            tshark -r "$file" "${args[@]}" >/dev/null 2>"$home/perf.err") || { cat "$home/perf.err" >&2; exit 1; }
        summarise "$home/perf.data" "tshark -r $kind-$size.pcap ${args[*]}" > "$report"
        rm -f "$home/perf.data"
        cat "$report"
    done
done

# The core alone.
for m in measure events json; do
    report="$out_dir/profile-core-$m.txt"
    echo "profiling core-bench: $m" >&2
    perf record -q -F 1999 --call-graph dwarf,8192 -o "$home/core.data" \
        "$build_dir/bench/core-bench" --seconds 3 --mb 8 --only "$m" --input traffic > "$home/core.txt"
    {
        grep mb_s "$home/core.txt"
        echo "  -- top self time:"
        perf report -f -i "$home/core.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
            awk '/^ +[0-9.]+%/ && n++ < 20 { printf "  %7s  %s\n", $1, $3 }' || true
    } > "$report"
    rm -f "$home/core.data"
    cat "$report"
done
