#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions tshark executes with amftcp enabled and disabled, counted by
# valgrind (callgrind): exact and repeatable, where CPU time on a busy
# machine varies by 10-40% between runs and cannot resolve a 2% target.
#
#   bench/count-instructions.sh FILE [MODE...]     # modes: fields plain filter verbose json
#
# Prints, per mode, the instructions of the whole run with amftcp enabled
# and disabled, their ratio, and the shares spent inside amftcp's heuristic
# and its dissector (inclusive; a claiming heuristic calls the dissector, so
# they overlap there).  Needs valgrind; about 50 times slower than tshark
# alone, so use a capture of 5-20 MB.
set -euo pipefail
cd "$(dirname "$0")/.."

file=${1:?usage: bench/count-instructions.sh FILE [MODE...]}
shift
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(plain fields)
build_dir=${AMFTCP_BUILD_DIR:-build-bench}
command -v valgrind >/dev/null || { echo "count-instructions: valgrind not found" >&2; exit 1; }

. bench/tshark-home.sh
bench_home "$build_dir/amftcp.so" count
mkdir -p "$home/in"
cp "$file" "$home/in/"
capture="$home/in/$(basename "$file")"
bench_home_ready

count() {   # OUT ARGS... -> total instructions
    local out=$1
    shift
    (cd "$home" && "${as_user[@]}" "${user_env[@]}" valgrind --tool=callgrind -q \
        --callgrind-out-file="$out" tshark -r "$capture" "$@" >/dev/null 2>&1)
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out"
}

# callgrind_annotate lists functions only down to --threshold percent of
# the total, cumulatively (99 by default, so everything past the top 99%:
# the plugin's functions of a run on non-AMF traffic were never listed and
# the share printed 0.00%); --threshold=100 lists them all.  A function may
# be listed twice, "FILE:NAME [OBJECT]" and "???:NAME" (from call sites),
# and a recursive one as NAME'2: the largest line is the function.
inside() {   # OUT FUNCTION -> its instructions, inclusive
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
        awk -v fn="$2" '$0 ~ (":" fn "('"'"'[0-9]+)?( |$)") { gsub(/,/, "", $1); if ($1 + 0 > n) n = $1 + 0 }
                        END { printf "%.0f\n", n }'
}
# The plugin must carry its symbols (the static functions are in .symtab,
# not the dynamic table): a stripped amftcp.so shows up as ???:0x... only.
# (grep reads all of nm's output: grep -q leaving early would kill nm with
# SIGPIPE, and pipefail would then report a missing symbol.)
nm "$build_dir/amftcp.so" 2>/dev/null | grep ' dissect_amftcp_heur$' >/dev/null ||
    echo "count-instructions: $build_dir/amftcp.so has no symbol dissect_amftcp_heur (stripped?): the shares will read 0" >&2

printf '%-8s %16s %16s %8s %10s %10s\n' mode enabled disabled ratio heuristic dissector
for mode in "${modes[@]}"; do
    case "$mode" in
    fields) args=(-T fields -e amf.type) ;;
    plain) args=() ;;
    filter) args=(-Y 'amf.type == "object"') ;;
    verbose) args=(-V) ;;
    json) args=(-T json) ;;
    *) echo "count-instructions: unknown mode $mode" >&2; exit 2 ;;
    esac
    on=$(count "$home/on.out" "${args[@]}")
    off=$(count "$home/off.out" "${args[@]}" --disable-protocol amftcp)
    heur=$(inside "$home/on.out" dissect_amftcp_heur)
    diss=$(inside "$home/on.out" dissect_amftcp)
    python3 -c "import sys
on, off, heur, diss = map(int, sys.argv[2:6])
print(f'{sys.argv[1]:<8} {on:16,} {off:16,} {on/off:8.4f} {heur/on*100:9.2f}% {diss/on*100:9.2f}%')" \
        "$mode" "$on" "$off" "$heur" "$diss"
done
