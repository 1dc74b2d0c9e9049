#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite (ctest) on an AddressSanitizer + UndefinedBehavior-
# Sanitizer build: the core's tests run instrumented, and every tshark the
# dissection tests start loads the instrumented plugin.
#
#   tests/sanitize/run-asan-suite.sh BUILD_DIR [CTEST_ARGS...]
#
# BUILD_DIR is configured with -DAMFTCP_SANITIZE=ON if it does not exist yet
# (a build dir configured without it is refused, not changed), then built.
# The tests labelled package and gui are left out (AMFTCP_ASAN_ALL=1 keeps
# them): they start tshark/wireshark with an environment of their own, so
# the instrumented plugin cannot get its runtime there and aborts at load.
# Then the captures of tests/fuzz/regressions/capture go through tshark
# (capture-fuzz.sh --replay).  Any sanitizer report fails the run, even one a
# test did not notice: ASan reports go to files (see sanitizer-env.sh) that
# are checked and printed at the end; UBSan's come on tshark's stderr and
# stop it (exit 1), which fails its test.  Exit status: non-zero on any
# failure or report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/sanitizer-env.sh"

[ $# -ge 1 ] || { sed -n '6,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
build=$1
shift

if [ -f "$build/CMakeCache.txt" ]; then
    if ! grep -q '^AMFTCP_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
        echo "run-asan-suite: $build is not configured with -DAMFTCP_SANITIZE=ON" >&2
        exit 2
    fi
else
    cmake -S "$root" -B "$build" -DAMFTCP_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j"$(nproc)"

plugin=$(find "$build" -maxdepth 2 -name amftcp.so -print -quit)
[ -n "$plugin" ] || { echo "run-asan-suite: no amftcp.so in $build" >&2; exit 2; }

logs=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-asan.XXXXXX")
trap 'rm -rf "$logs"' EXIT
chmod 1777 "$logs"
amftcp_sanitizer_env "$plugin" "$logs"
echo "run-asan-suite: tshark environment: $AMFTCP_TSHARK_ENV"

# Instrumented test programs of the build (the core's unit tests) run with
# leak checking on; their reports go to the same place.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"

# The runtime must load and the plugin register under it, or every later
# failure would be a setup problem.
if ! AMFTCP_PLUGIN=$plugin "$root/tests/tshark-as-user.sh" -G protocols 2>"$logs/setup.err" \
        | grep -q $'\tamftcp$'; then
    echo "run-asan-suite: tshark does not load $plugin with the sanitizer runtime:" >&2
    cat "$logs/setup.err" >&2
    amftcp_sanitizer_reports "$logs" || true
    exit 1
fi

exclude=()
[ "${AMFTCP_ASAN_ALL:-0}" = 1 ] || exclude=(-LE '^(package|gui)$')
status=0
ctest --test-dir "$build" --output-on-failure "${exclude[@]}" "$@" || status=$?

# The captures that once made the plugin fail (tests/fuzz/regressions/capture).
if [ -d "$root/tests/fuzz/regressions/capture" ]; then
    python3 "$root/tests/fuzz/capture_fuzz.py" --plugin "$plugin" --work "$logs" \
        --replay "$root/tests/fuzz/regressions/capture" || status=$?
fi

if ! amftcp_sanitizer_reports "$logs"; then
    echo "run-asan-suite: FAILED: sanitizer reports above" >&2
    exit 1
fi
if [ $status -ne 0 ]; then
    echo "run-asan-suite: FAILED: ctest exit $status" >&2
    exit $status
fi
echo "run-asan-suite: passed, no sanitizer report"
