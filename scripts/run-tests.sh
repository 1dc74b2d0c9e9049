#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test: the core's unit tests, the dissection tests (tshark on the
# sample captures), and the same again on an AddressSanitizer and
# UndefinedBehaviorSanitizer build.  Run scripts/install.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
