#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test.  Run scripts/install.sh once first.  On 2 cores about 20-30 min:
#
#   1. the normal build (build/) and its ctest: the core's unit tests, the
#      dissection tests (tshark on the sample captures), the Debian package
#      and the GUI test;
#   2. the same core and dissection tests on an AddressSanitizer and
#      UndefinedBehaviorSanitizer build (build-asan/), tshark loading the
#      instrumented plugin, plus the capture reproducers the fuzzers found;
#   3. the short capture fuzz (4 minutes of mutated captures through tshark
#      with the instrumented plugin);
#   4. valgrind memcheck on tshark with the plugin of build/;
#   5. the libFuzzer targets (build-fuzz/, clang): every saved reproducer,
#      then one minute of fuzzing per target.
#
#   scripts/run-tests.sh           all of it
#   scripts/run-tests.sh --quick   step 1 only (a few minutes)
#
# The fuzzing steps use fixed seeds here, so a run is repeatable; fuzz by
# hand with the time as seed for new ground (tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
jobs=$(nproc)
step() { printf '\n=== run-tests: %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "normal build and ctest"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
[ $quick -eq 0 ] || exit 0

step "sanitizer build: ctest and capture reproducers"
tests/sanitize/run-asan-suite.sh build-asan -j"$jobs"

step "short capture fuzz"
tests/fuzz/capture-fuzz.sh --short --build build-asan --seed 1

step "valgrind memcheck"
tests/sanitize/run-valgrind.sh build/amftcp.so

step "libFuzzer: reproducers, then a minute per target"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAMFTCP_FUZZ=ON -DAMFTCP_BUILD_PLUGIN=OFF
cmake --build build-fuzz -j"$jobs"
ctest --test-dir build-fuzz --output-on-failure -L fuzz
for t in amf3 amf0 packet frame json; do
    tests/fuzz/run-fuzz.sh "$t" 1 -- -seed=1
done
step "all tests passed"
