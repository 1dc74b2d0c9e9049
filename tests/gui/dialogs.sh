#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's screenshots of two amftcp dialogs on
# sample-captures/flex-messages.pcap, made through the GUI's menus (same
# headless setup as tests/gui/test-gui.sh: Xvfb, the GUI as an unprivileged
# user with the plugin in its personal plugin folder):
#   Statistics > Service Response Time > AMFTCP  -> OUTDIR/screenshot-srt.png
#   File > Export Objects > AMFTCP...            -> OUTDIR/screenshot-export.png
# Each dialog is found by its window title; each PNG is 8-bit and checked
# to stay under 120 KB.  Exit 77 (skipped) without Xvfb, wireshark, xdotool
# or ImageMagick.
#
#   AMFTCP_PLUGIN=build/amftcp.so tests/gui/dialogs.sh [OUTDIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
plugin=$(realpath "${AMFTCP_PLUGIN:?set AMFTCP_PLUGIN to the amftcp.so to load}")
outdir=$(realpath "${1:-$source_dir/docs}")
capture=$source_dir/sample-captures/flex-messages.pcap
max=122880

for tool in Xvfb wireshark xdotool import; do
    if ! command -v "$tool" >/dev/null; then
        echo "skipped: $tool is not installed (scripts/packages.txt, GUI test)"
        exit 77
    fi
done
convert=convert
[ -x /usr/bin/convert ] && convert=/usr/bin/convert

failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-dialogs.XXXXXX")
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in 1 2 3 4 5 6; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "not ok - interrupted or over the time limit"; exit 1' INT TERM
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep 80 &
    sleeper=$!
    wait "$sleeper" && kill -TERM $$
) >/dev/null 2>&1 &
pids+=($!)

wait_for() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1200x900x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
pids+=($!)
exec 3>&-
wait_for 10 test -s "$work/display" || { cat "$work/xvfb.log"; echo "not ok - Xvfb did not start"; exit 1; }
DISPLAY=":$(tr -dc 0-9 <"$work/display")"
export DISPLAY

version=$(wireshark -v 2>/dev/null | sed -n '1s/^Wireshark \([0-9]*\.[0-9]*\)\..*/\1/p')
home=$work/home
mkdir -p "$home/.local/lib/wireshark/plugins/$version/epan" "$home/.config/wireshark" "$home/run" "$work/in"
cp "$plugin" "$home/.local/lib/wireshark/plugins/$version/epan/amftcp.so"
cp "$capture" "$work/in/"
pcap=$work/in/$(basename "$capture")
cat >"$home/.config/wireshark/recent_common" <<EOT
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1200
gui.geometry_main_height: 900
gui.geometry_main_maximized: FALSE
EOT
chmod 700 "$home/run"
chmod 755 "$work"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534:65534 "$home"
    chmod -R a+rX "$work/in"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
"${as_user[@]}" env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" \
    XDG_RUNTIME_DIR="$home/run" DISPLAY="$DISPLAY" LANG=C.UTF-8 \
    wireshark -r "$pcap" >"$work/wireshark.log" 2>&1 &
gui_pid=$!
pids+=("$gui_pid")

window_named() { # window_named TITLE: the GUI's visible window with that exact title
    local w
    for w in $(xdotool search --onlyvisible --pid "$gui_pid" --class . 2>/dev/null || true); do
        if [ "$(xdotool getwindowname "$w" 2>/dev/null)" = "$1" ]; then
            echo "$w"
            return 0
        fi
    done
    return 1
}
name=$(basename "$pcap")
if ! wait_for 25 window_named "$name" >/dev/null; then
    sed 's/^/# /' "$work/wireshark.log"
    echo "not ok - the main window did not open $name"
    exit 1
fi
main=$(window_named "$name")
sleep 1

# dialog NAME TITLE WxH KEYS...: open a dialog from the main window's menus
# by keys, wait for the window TITLE, size it, screenshot it, close it.
dialog() {
    local shot=$1 title=$2 geometry=$3 png w size
    shift 3
    png=$outdir/screenshot-$shot.png
    xdotool windowfocus "$main" 2>/dev/null || true
    for key in "$@"; do
        xdotool key --clearmodifiers "$key"
        sleep 0.4
    done
    if ! wait_for 15 window_named "$title" >/dev/null; then
        echo "not ok - $shot: no window \"$title\""
        failed=$((failed + 1))
        return
    fi
    w=$(window_named "$title")
    xdotool windowmove "$w" 0 0 windowsize "$w" "${geometry%x*}" "${geometry#*x}"
    sleep 2
    timeout 15 import -window "$w" "$work/$shot.png"
    "$convert" "$work/$shot.png" -colors 128 -define png:compression-level=9 "PNG8:$png"
    xdotool windowclose "$w" 2>/dev/null || true
    sleep 1
    size=$(stat -c %s "$png")
    if [ "$size" -lt "$max" ]; then
        echo "ok - $png ($size bytes)"
    else
        echo "not ok - $png is $size bytes, over $max"
        failed=$((failed + 1))
    fi
}

# Statistics (Alt+S) > Service Response Time (R) > AMFTCP (second, after AFP).
dialog srt "Wireshark · AMFTCP Service Response Time Statistics · $name" 820x440 \
    alt+s r Down Return
# File (Alt+F) > Export Objects (third from the bottom, wrapping up from
# Open) > AMFTCP... (first).
dialog export "Wireshark · Export · AMFTCP object list" 820x460 \
    alt+f Up Up Up Right Return

[ "$failed" -eq 0 ]
