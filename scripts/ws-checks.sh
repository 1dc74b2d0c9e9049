#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Wireshark's own dissector checks on plugin/*.c, failing on any finding that
# scripts/ws-checks.allow does not explain.
#
#   scripts/ws-checks.sh
#
# The checking scripts come from Debian's source package of the installed
# tshark (the same version, so the checks are those of the API we build
# against), fetched with `apt-get source --download-only` through a private
# apt setup under build/ws-src/ (a deb-src list there, its own package lists
# and cache; the system's apt configuration is not touched), and only the
# tools/ directory of its orig tarball is unpacked.  A second run reuses the
# download; set AMFTCP_WS_REFRESH=1 to fetch again.  Run:
#
#   checkAPIs.pl                prohibited and deprecated APIs, plus the
#                               groups a dissector must not call (abort,
#                               g_assert, printf, ...), hf and value_string
#                               definitions
#   checkhf.pl                  hf_/ei_ ids declared, registered and used
#   fix-encoding-args.pl        encoding arguments that should be ENC_*: it
#                               lists the fixes it would make and rewrites
#                               nothing (no --write)
#   check_typed_item_calls.py   proto_tree_add_* calls against their
#                               fields' types, masks, labels
#   cppcheck                    style, warning, performance, portability, with
#                               GLib's and Wireshark's include paths and the
#                               build's definitions, so each file is analysed
#                               as it is compiled
#
# The Perl and Python tools read one file at a time and only see ids
# registered in that file.  Our fields are registered in packet-amftcp.c and
# used in other files too (extern in packet-amftcp.h), so besides every file
# alone they also run on one "unit": packet-amftcp.c followed by each file
# that uses those ids, in which `c->tvb` (the tree code's context) reads
# `tvb`, as check_typed_item_calls.py only recognises plain identifiers as
# arguments.  Findings in the unit name it as plugin/packet-amftcp+users.c.
#
# A finding is one output line of a tool, printed as "tool: text" with the
# source paths made relative and line numbers dropped; an allow-list entry
# is that line exactly, then " # " and why it stays.  Entries that match no
# finding fail too, so the list never outlives its findings.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

cache=${AMFTCP_WS_SRC_CACHE:-build/ws-src}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
allow=scripts/ws-checks.allow

read -r src_package src_version < <(dpkg-query -W -f '${source:Package} ${source:Version}\n' tshark)
upstream=${src_version#*:}
upstream=${upstream%%-*}
tools=$cache/$upstream/tools
# shellcheck disable=SC1091
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")

# The Debian mirrors the system already uses (deb822 "URIs:" lines, else
# sources.list "deb" lines): the main archive, and the security archive
# that carries point updates such as Wireshark's.
system_uris=$( { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
                 grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } || true)
mirror=$(grep -m1 '/debian/\?$' <<<"$system_uris" || echo http://deb.debian.org/debian)
security=$(grep -m1 '/debian-security/\?$' <<<"$system_uris" || echo http://deb.debian.org/debian-security)

apt_opts=(
    -o Dir::Etc::SourceList=/dev/null
    -o Dir::Etc::SourceParts="$cache/sources"
    -o Dir::State::Lists="$cache/lists"
    -o Dir::Cache="$cache/cache"
    -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts=/dev/null
    -o Acquire::Languages=none
    -o APT::Sandbox::User=root
    -o Debug::NoLocking=true
)

if [ ! -f "$tools/.complete" ] || [ -n "${AMFTCP_WS_REFRESH:-}" ]; then
    started=$(date +%s)
    rm -rf "${cache:?}/${upstream:?}" "$cache/download"
    mkdir -p "$cache/sources" "$cache/lists/partial" "$cache/cache/archives/partial" \
        "$cache/download" "$cache/$upstream"
    cat >"$cache/sources/ws-src.sources" <<EOF
Types: deb-src
URIs: $mirror
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: $security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    echo "ws-checks: source lists of $codename from $mirror and $security"
    apt-get "${apt_opts[@]}" -q update >"$cache/apt-update.log" 2>&1 || {
        cat "$cache/apt-update.log" >&2
        exit 1
    }
    (cd "$cache/download" &&
        apt-get "${apt_opts[@]}" -q source --download-only "$src_package=$src_version") \
        >"$cache/apt-source.log" 2>&1 || {
        cat "$cache/apt-source.log" >&2
        exit 1
    }
    orig=$(ls "$cache/download/${src_package}_$upstream.orig.tar."*)
    # Only tools/, whatever the tarball's top directory is called.
    tar -xf "$orig" -C "$cache/$upstream" --strip-components=1 --wildcards '*/tools/*'
    touch "$tools/.complete"
    echo "ws-checks: $(basename "$orig") fetched, tools/ unpacked in $(($(date +%s) - started)) s"
fi

for tool in checkAPIs.pl checkhf.pl fix-encoding-args.pl check_typed_item_calls.py; do
    [ -f "$tools/$tool" ] || { echo "ws-checks: $tools/$tool missing" >&2; exit 1; }
done
command -v cppcheck >/dev/null || { echo "ws-checks: cppcheck is not installed" >&2; exit 1; }

files=(plugin/*.c)
work=$cache/run
rm -rf "$work"
mkdir -p "$work/unit/plugin"
unit=$work/unit/plugin/packet-amftcp+users.c
unit_parts=(plugin/packet-amftcp.c)
for f in "${files[@]}"; do
    [ "$f" != plugin/packet-amftcp.c ] && grep -q '\bhf_amftcp_' "$f" && unit_parts+=("$f")
done
sed 's/\bc->tvb\b/tvb/g' "${unit_parts[@]}" >"$unit"
echo "ws-checks: Wireshark $upstream's tools on ${files[*]}"
echo "ws-checks: unit plugin/packet-amftcp+users.c = ${unit_parts[*]}"

findings=$work/findings
: >"$findings"
# tool name, then the command; every line it prints is a finding.
record() {
    local name=$1
    shift
    "$@" 2>&1 | sed "s|^|$name: |" >>"$findings" || true
}
for f in "${files[@]}" "$unit"; do
    record checkAPIs perl "$tools/checkAPIs.pl" -g dissectors-prohibited -g dissectors-restricted "$f"
    record checkhf perl "$tools/checkhf.pl" "$f"
    record fix-encoding-args perl "$tools/fix-encoding-args.pl" "$f"
done
typed_args=()
for f in "${files[@]}" "$unit"; do typed_args+=(--file "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
# Its own framing (the files examined, the counts) is not a finding.  A
# fixed hash seed keeps the order of the sets it prints.
PYTHONHASHSEED=0 python3 "$tools/check_typed_item_calls.py" --mask --label --consecutive --missing-items \
    "${typed_args[@]}" >"$work/typed.log" 2>&1 || true
# An indented line continues the finding before it.
awk 'NR > 2 && !/^[0-9]+ (warnings|errors)$/ && !/^[ \t]*$/ {
         if (/^[ \t]/ && n) { sub(/^[ \t]+/, ""); line[n] = line[n] " " $0 } else line[++n] = $0
     }
     END { for (i = 1; i <= n; i++) print "check_typed_item_calls: " line[i] }' \
    "$work/typed.log" >>"$findings"
grep -q -E '^[0-9]+ warnings$' "$work/typed.log" ||
    echo "check_typed_item_calls: did not finish: $(tail -1 "$work/typed.log")" >>"$findings"

# cppcheck: one configuration, the build's (-D as CMake passes it), with
# the include paths the build uses; findings inside GLib's and Wireshark's
# own headers are theirs, not ours.
read -r -a ws_includes <<<"$(pkg-config --cflags-only-I glib-2.0 wireshark)"
for header in glib.h epan/packet.h; do
    found=0
    for dir in "${ws_includes[@]}"; do [ -f "${dir#-I}/$header" ] && found=1; done
    [ $found -eq 1 ] || { echo "ws-checks: $header not in pkg-config's include paths" >&2; exit 1; }
done
cppcheck --enable=style,warning,performance,portability --std=c11 --library=gtk \
    --inline-suppr -Isrc -Iplugin "${ws_includes[@]}" -DAMFTCP_VERSION='"0.0.0"' \
    --suppress='*:/usr/include/*' --template='{file}:{line}: {severity}: {id}: {message}' \
    "${files[@]}" >"$work/cppcheck.log" 2>&1 || echo "cppcheck: exit status $?" >>"$findings"
# Each file must have been analysed, not skipped.
for f in "${files[@]}"; do
    grep -q -F "Checking $f: AMFTCP_VERSION=" "$work/cppcheck.log" ||
        echo "cppcheck: $f was not analysed" >>"$findings"
done
grep -v -E '^Checking |^[0-9]+/[0-9]+ files checked ' "$work/cppcheck.log" |
    sed 's/^/cppcheck: /' >>"$findings" || true

# Relative paths, no line numbers: entries survive unrelated edits.
sed -i -e "s|$work/unit/||g" -e "s|$top/||g" \
    -e 's/\(\.[ch]\):[0-9]\+\(:[0-9]\+\)\?/\1/g' -e 's/\(line\|previous at\) [0-9]\+/\1 N/g' \
    -e 's/ \+$//' "$findings"

# The allow-list: "finding # reason", comments and blank lines aside.
allowed=$work/allowed
: >"$allowed"
bad_entry=0
while IFS= read -r line; do
    case "$line" in '#'* | '') continue ;; esac
    entry=${line%% # *}
    reason=${line#* # }
    if [ "$entry" = "$line" ] || [ -z "${reason// /}" ]; then
        echo "ws-checks: $allow: an entry without its reason: $line" >&2
        bad_entry=1
    fi
    printf '%s\n' "$entry" >>"$allowed"
done <"$allow"

unexplained=$(grep -v -x -F -f "$allowed" "$findings" || true)
stale=$(grep -v -x -F -f "$findings" "$allowed" || true)
total=$(wc -l <"$findings")
echo "ws-checks: $total finding(s), $((total - $(printf '%s' "$unexplained" | grep -c '^' || true))) explained in $allow"
status=$bad_entry
if [ -n "$unexplained" ]; then
    echo "ws-checks: findings not in $allow (fix them, or add them with the reason):" >&2
    printf '%s\n' "$unexplained" | sed 's/^/  /' >&2
    echo "ws-checks: full outputs in $work/" >&2
    status=1
fi
if [ -n "$stale" ]; then
    echo "ws-checks: $allow entries that match no finding any more (remove them):" >&2
    printf '%s\n' "$stale" | sed 's/^/  /' >&2
    status=1
fi
[ $status -eq 0 ] && echo "ws-checks: no unexplained finding"
exit $status
