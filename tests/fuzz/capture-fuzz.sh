#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture fuzzing: mutated copies of the sample captures' TCP connections
# (bytes, lengths, segmentation, retransmissions, gaps, splices of one
# capture into another, editcap -E byte errors, editcap -s truncation) read
# by tshark with the sanitizer-built plugin, -V, -T fields -e amf.json and
# -z amftcp,jsonl, with and without -2 (details: capture_fuzz.py).
#
#   tests/fuzz/capture-fuzz.sh [--short | --long | --minutes M | --count N]
#                              [--build DIR | --plugin SO] [--jobs J] [--seed S]
#
#   --short       4 minutes: for CI
#   --long        60 minutes: by hand
#   --minutes M   stop after M minutes;  --count N: after N mutated captures
#   --build DIR   build dir configured with -DAMFTCP_SANITIZE=ON (default
#                 build-asan/, configured and built if missing)
#   --plugin SO   use this amftcp.so as it is (sanitizer build or not)
#   --jobs J      tshark runs at a time (default: number of CPUs)
#   --seed S      random seed (default: the time; printed at the start)
#   --replay      only replay tests/fuzz/regressions/capture/*.pcap (-V and
#                 -T fields -e amf.json, with and without -2)
#
# Fails (exit 1) on any finding: tshark killed or failing, a sanitizer report,
# a dissector bug or exception in AMFTCP, invalid amf.json, or a run using
# more CPU than 10 s plus 50 ms per frame (a hang: three times that, or at
# least 2 min, of wall time).  Each finding's capture (the single mutated
# connection that shows it, when one does alone), tshark's arguments and
# output are kept in tests/fuzz/capture-work/findings/ (not committed; copy
# a small reproducer to tests/fuzz/regressions/capture/).  Prints the number
# of captures, frames, tshark runs, minutes and findings at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/sanitize/sanitizer-env.sh"

usage() { sed -n '9,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
minutes=0 count=0 build=$root/build-asan plugin="" jobs=$(nproc) seed="" replay=0
while [ $# -gt 0 ]; do
    case "$1" in
    --short) minutes=4 ;;
    --long) minutes=60 ;;
    --minutes) minutes=$2; shift ;;
    --count) count=$2; shift ;;
    --build) build=$2; shift ;;
    --plugin) plugin=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --seed) seed=$2; shift ;;
    --replay) replay=1 ;;
    *) usage ;;
    esac
    shift
done
[ "$minutes" != 0 ] || [ "$count" != 0 ] || minutes=4

if [ -z "$plugin" ]; then
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$root" -B "$build" -DAMFTCP_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    elif ! grep -q '^AMFTCP_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
        echo "capture-fuzz: $build is not configured with -DAMFTCP_SANITIZE=ON" >&2
        exit 2
    fi
    cmake --build "$build" --target amftcp -j"$(nproc)" >/dev/null
    plugin=$(find "$build" -maxdepth 2 -name amftcp.so -print -quit)
fi
plugin=$(readlink -f "$plugin")
[ -f "$plugin" ] || { echo "capture-fuzz: no plugin $plugin" >&2; exit 2; }

work=$here/capture-work
mkdir -p "$work"
chmod 755 "$work"
run=$(mktemp -d "$work/tmp.XXXXXX")
trap 'rm -rf "$run"' EXIT
chmod 1777 "$run"
if amftcp_sanitizer_runtime "$plugin" >/dev/null 2>&1; then
    # capture_fuzz.py gives each tshark run its own log directory.
    amftcp_sanitizer_env "$plugin" "$run"
    chmod 755 "$run/extcap"
else
    echo "capture-fuzz: $plugin has no sanitizers: crashes and timeouts only" >&2
    export AMFTCP_TSHARK_ENV="WIRESHARK_DEBUG_WMEM_OVERRIDE=simple"
fi

if [ $replay -eq 1 ]; then
    exec_status=0
    python3 "$here/capture_fuzz.py" --plugin "$plugin" --work "$run" \
        --replay "$here/regressions/capture" || exec_status=$?
    exit $exec_status
fi

args=(--plugin "$plugin" --work "$run" --jobs "$jobs")
[ "$minutes" != 0 ] && args+=(--minutes "$minutes")
[ "$count" != 0 ] && args+=(--count "$count")
[ -n "$seed" ] && args+=(--seed "$seed")
status=0
python3 "$here/capture_fuzz.py" "${args[@]}" || status=$?
if [ -d "$run/findings" ] && [ -n "$(ls -A "$run/findings")" ]; then
    dest=$work/findings/$(date +%Y%m%d-%H%M%S)
    mkdir -p "$dest"
    mv "$run/findings"/* "$dest/"
    echo "capture-fuzz: findings kept in $dest"
fi
exit $status
