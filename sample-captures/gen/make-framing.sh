#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates the AMF0 / raw-TCP-framing / Flex messaging sample captures.
# Each capture is one node script in gen/ run under capture.sh (dumpcap on
# lo, needs root), writing ../<name>.pcap. Usage: gen/make-framing.sh [name...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")
cd "$here"

declare -A filter=(
  [amf0-types]='tcp port 20100'
  [framing-u16]='tcp port 20101'
  [framing-u32le]='tcp port 20102'
  [framing-u32incl]='tcp port 20103'
  [framing-amf0-u32]='tcp port 20104'
  [bare-amf3]='tcp port 20105'
  [bare-amf0]='tcp port 20106'
  [amf0-avmplus]='tcp port 20107'
  [envelope]='tcp port 20108'
  [flex-messages]='tcp port 20110'
  [policy-file]='tcp port 843 or tcp port 20150'
  [compressed]='tcp port 20160'
  [malformed]='tcp port 20160'
)
order=(amf0-types framing-u16 framing-u32le framing-u32incl framing-amf0-u32
       bare-amf3 bare-amf0 amf0-avmplus envelope policy-file flex-messages)

[ $# -gt 0 ] && order=("$@")
for name in "${order[@]}"; do
  [ -n "${filter[$name]:-}" ] || { echo "unknown capture: $name" >&2; exit 1; }
  "$here/capture.sh" "$out/$name.pcap" "${filter[$name]}" node "$here/$name.js" >"${TMPDIR:-/tmp}/make-framing-$name.log"
  tail -n 1 "${TMPDIR:-/tmp}/make-framing-$name.log"
done
