#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one fuzz target over every saved reproducer of tests/fuzz/regressions/T/
# (a ctest test of the AMFTCP_FUZZ build).  No reproducer: nothing to do.
#   replay-regressions.sh build/tests/fuzz/fuzz_T tests/fuzz/regressions/T
set -euo pipefail
target=$1 dir=$2
files=()
if [ -d "$dir" ]; then
    while IFS= read -r -d '' f; do files+=("$f"); done \
        < <(find "$dir" -type f ! -name '*.md' ! -name '.*' -print0 | sort -z)
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "no reproducers in $dir"
    exit 0
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
# No suppressions here: a reproducer passes only once its bug is fixed.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec "$target" -runs=1 -timeout=20 "${files[@]}"
