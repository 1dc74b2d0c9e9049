#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz one core entry point with libFuzzer for a while.
#
#   tests/fuzz/run-fuzz.sh TARGET MINUTES [--keep-going] [-- LIBFUZZER_ARGS...]
#
# TARGET: amf3, amf0, packet, frame or json (see tests/fuzz/CMakeLists.txt).
# Configures and builds a clang build dir with AMFTCP_FUZZ=ON (build-fuzz/,
# or $AMFTCP_FUZZ_BUILD), makes the seed corpus once (make-corpus.py: sample
# captures and RocketAMF fixtures, into tests/fuzz/corpus/seeds/), then runs
# the target for MINUTES with the dictionary amf.dict.  New inputs go to
# tests/fuzz/corpus/TARGET/ (kept between runs, not committed); a crash,
# leak or timeout is written to tests/fuzz/artifacts/TARGET/ and the script
# exits non-zero.  --keep-going: fork mode, note crashes and go on.
# To keep a finding: copy the artifact to tests/fuzz/regressions/TARGET/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() { sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 2 ] || usage
target=$1 minutes=$2
shift 2
keep_going=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --keep-going) keep_going=1 ;;
    --) shift; extra+=("$@"); break ;;
    *) usage ;;
    esac
    shift
done
case "$target" in amf3|amf0|packet|frame|json) ;; *) usage ;; esac
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || usage

build=${AMFTCP_FUZZ_BUILD:-$root/build-fuzz}
work=${AMFTCP_FUZZ_WORK:-$here}
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DAMFTCP_FUZZ=ON -DAMFTCP_BUILD_PLUGIN=OFF >/dev/null
fi
cmake --build "$build" --target "fuzz_$target" -j"$(nproc)" >/dev/null

seeds=$work/corpus/seeds
if [ ! -d "$seeds/$target" ]; then
    "$here/make-corpus.py" "$seeds"
fi
corpus=$work/corpus/$target
artifacts=$work/artifacts/$target
mkdir -p "$corpus" "$artifacts"

# Messages bigger than this add little but slow every mutation; the frame
# target gets room for a few messages of a stream.
max_len=16384
[ "$target" = frame ] && max_len=32768

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$here/ubsan-known.supp}

args=(-max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 -max_len=$max_len
      -dict="$here/amf.dict" -artifact_prefix="$artifacts/" -print_final_stats=1)
if [ $keep_going -eq 1 ]; then
    args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
log=$work/artifacts/$target.log
echo "run-fuzz: fuzz_$target for $minutes min, corpus $corpus, log $log"
status=0
"$build/tests/fuzz/fuzz_$target" "${args[@]}" "${extra[@]}" "$corpus" "$seeds/$target" \
    >"$log" 2>&1 || status=$?

execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
[ -n "$execs" ] || execs=$(grep -a -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 || true)
echo "run-fuzz: fuzz_$target: ${execs:-?} executions, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) files, exit $status"
if [ "$status" -ne 0 ] || grep -aqE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant broken' "$log"; then
    echo "run-fuzz: FINDING, see $log; reproducers:"
    ls -t "$artifacts" | head -20 | sed "s|^|  $artifacts/|"
    grep -a -m3 -E 'invariant broken|ERROR: |runtime error:|SUMMARY' "$log" | sed 's/^/  /'
    exit 1
fi
exit 0
