#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Wireshark (Qt) GUI with amftcp, headless: Xvfb on a free display, the
# GUI as an unprivileged user (as root Wireshark loads no personal plugins)
# with the plugin in that user's personal plugin folder, on
# sample-captures/amf3-types.pcap with the display filter
# amf.type == "object", going to frame 64 and expanding its AMF tree.
#
# What is asserted, from the GUI itself:
#   - the GUI process maps amftcp.so from the personal plugin folder;
#   - a probe Lua script run by the GUI finds the amftcp dissector and the
#     amf.type field registered, and the frames the filter matches while
#     the GUI dissects the file are exactly tshark's;
#   - the filter is accepted: the window title becomes the file's name and
#     no dialog opens, while with an unknown type label (the control case)
#     Wireshark opens an error dialog and never opens the file;
#   - expanding the AMF tree changes the details pane, and the screenshots
#     are not blank.
# Screenshots go to AMFTCP_GUI_OUT (default: a folder beside the scratch
# home that is removed); AMFTCP_SCREENSHOT=PATH also saves a README-sized
# crop there.  Another capture, filter, frame and tree depth can be given
# (tests/gui/screenshots.sh does, for each transport):
#   AMFTCP_GUI_CAPTURE  the capture (default sample-captures/amf3-types.pcap)
#   AMFTCP_GUI_FILTER   the display filter (default amf.type == "object")
#   AMFTCP_GUI_FRAME    the frame to go to and expand (default 64)
#   AMFTCP_GUI_DEPTH    top-level items above "AMF over TCP" in its details
#                       (default 4: Frame, Ethernet, IPv4, TCP)
#   AMFTCP_GUI_KEYLOG   a TLS key log, given to tshark and the GUI as
#                       -o tls.keylog_file:... (copied where the user reads it)
#   AMFTCP_GUI_SIZE     the screen and window size (default 1200x900)
#   AMFTCP_GUI_UPPER    the packet list's height in pixels (default 230)
# Bounded: every wait has a deadline, and everything started
# here is killed on exit.  Exit 77 (skipped) without Xvfb, wireshark,
# xdotool or ImageMagick.
#
#   AMFTCP_PLUGIN=build/amftcp.so tests/gui/test-gui.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=${AMFTCP_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
plugin=${AMFTCP_PLUGIN:?set AMFTCP_PLUGIN to the amftcp.so to load}
capture=${AMFTCP_GUI_CAPTURE:-$source_dir/sample-captures/amf3-types.pcap}
filter=${AMFTCP_GUI_FILTER:-'amf.type == "object"'}
bad_filter='amf.type == "no such type"'
goto_frame=${AMFTCP_GUI_FRAME:-64}
depth=${AMFTCP_GUI_DEPTH:-4}
keylog=${AMFTCP_GUI_KEYLOG:-}
size=${AMFTCP_GUI_SIZE:-1200x900}
width=${size%x*}
height=${size#*x}
upper_pane=${AMFTCP_GUI_UPPER:-230}

for tool in Xvfb wireshark tshark xdotool import compare; do
    if ! command -v "$tool" >/dev/null; then
        echo "skipped: $tool is not installed (scripts/packages.txt, GUI test)"
        exit 77
    fi
done
convert=convert
[ -x /usr/bin/convert ] && convert=/usr/bin/convert
identify=identify
[ -x /usr/bin/identify ] && identify=/usr/bin/identify

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/amftcp-gui.XXXXXX")
out=${AMFTCP_GUI_OUT:-$work/out}
mkdir -p "$out"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        # bounded: a process that ignores TERM for 3 s gets KILL
        for _ in 1 2 3 4 5 6; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "not ok - interrupted or over the time limit"; exit 1' INT TERM
# Watchdog: the whole test stays under a minute whatever hangs.
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep 55 &
    sleeper=$!
    wait "$sleeper" && kill -TERM $$
) >/dev/null 2>&1 &
pids+=($!)

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds, false on timeout.
wait_for() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# --- X server on a free display (Xvfb picks it and writes its number) -----
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
pids+=($!)
exec 3>&-
if ! wait_for 10 test -s "$work/display"; then
    cat "$work/xvfb.log"
    echo "not ok - Xvfb did not start"
    exit 1
fi
DISPLAY=":$(tr -dc 0-9 <"$work/display")"
export DISPLAY
echo "# Xvfb on $DISPLAY"

# --- the unprivileged user's home: plugin, probe, empty configuration ------
version=$(wireshark -v 2>/dev/null | sed -n '1s/^Wireshark \([0-9]*\.[0-9]*\)\..*/\1/p')
home=$work/home
personal=$home/.local/lib/wireshark/plugins
mkdir -p "$personal/$version/epan" "$home/.config/wireshark" "$home/run" "$work/in"
cp "$plugin" "$personal/$version/epan/amftcp.so"
cp "$here/probe.lua" "$personal/amftcp-gui-probe.lua"
cp "$capture" "$work/in/"
pcap=$work/in/$(basename "$capture")
# Options both tshark and the GUI get (the key log, when there is one).
dissect_opts=()
if [ -n "$keylog" ]; then
    cp "$keylog" "$work/in/"
    dissect_opts=(-o "tls.keylog_file:$work/in/$(basename "$keylog")")
fi
# Window placement and pane sizes, so the screenshot has room for the tree.
cat >"$home/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: FALSE
EOF
cat >"$home/.config/wireshark/recent" <<EOF
gui.geometry_main_upper_pane: $upper_pane
EOF
chmod 700 "$home/run"
chmod 755 "$work"
: >"$work/report"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534:65534 "$home" "$work/report"
    chmod -R a+rX "$work/in"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
user_env=(env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_RUNTIME_DIR="$home/run"
          DISPLAY="$DISPLAY" LANG=C.UTF-8 AMFTCP_GUI_REPORT="$work/report" AMFTCP_GUI_FILTER="$filter")

# start_gui LOG ARGS...: wireshark as the user, in the background; sets gui_pid.
start_gui() {
    local log=$1
    shift
    "${as_user[@]}" "${user_env[@]}" wireshark "$@" >"$log" 2>&1 &
    gui_pid=$!
    pids+=("$gui_pid")
}
# Visible top-level windows of the GUI process (main window and dialogs).
gui_windows() { xdotool search --onlyvisible --pid "$gui_pid" --class . 2>/dev/null || true; }
window_named() { # window_named TITLE: the GUI's visible window with that exact title
    local w
    for w in $(gui_windows); do
        if [ "$(xdotool getwindowname "$w" 2>/dev/null)" = "$1" ]; then
            echo "$w"
            return 0
        fi
    done
    return 1
}
stop_gui() {
    kill "$gui_pid" 2>/dev/null || true
    wait_for 5 bash -c '! kill -0 "$1" 2>/dev/null' _ "$gui_pid" || kill -KILL "$gui_pid" 2>/dev/null || true
    wait "$gui_pid" 2>/dev/null || true
}

# --- tshark's answer, as the same user with the same plugin ---------------
"${as_user[@]}" "${user_env[@]}" tshark -r "$pcap" -2 "${dissect_opts[@]}" -Y "$filter" -T fields -e frame.number \
    2>/dev/null | sort -n >"$work/tshark-frames"
echo "# tshark: $filter matches frames $(tr '\n' ' ' <"$work/tshark-frames")"
check "tshark matches frame $goto_frame with the filter" grep -qx "$goto_frame" "$work/tshark-frames"

# --- control case: a filter naming an unknown type is refused --------------
start_gui "$work/wireshark-bad.log" -r "$pcap" -Y "$bad_filter"
if wait_for 20 bash -c '[ "$(xdotool search --onlyvisible --pid "$1" --class . 2>/dev/null | wc -l)" -ge 2 ]' _ "$gui_pid"; then
    ok "control: an unknown type label opens an error dialog"
else
    not_ok "control: an unknown type label opens an error dialog"
fi
timeout 15 import -window root "$out/control-bad-filter.png"
if window_named "$(basename "$pcap")" >/dev/null; then
    not_ok "control: the file is not opened with the bad filter"
else
    ok "control: the file is not opened with the bad filter"
fi
stop_gui

# --- the real run -----------------------------------------------------------
: >"$work/report"
start_gui "$work/wireshark.log" -r "$pcap" "${dissect_opts[@]}" -Y "$filter" -g "$goto_frame" -o gui.layout_content_3:NONE
if wait_for 25 window_named "$(basename "$pcap")" >/dev/null; then
    main=$(window_named "$(basename "$pcap")")
    ok "the main window shows $(basename "$pcap") (file opened with the filter)"
else
    not_ok "the main window shows $(basename "$pcap") (file opened with the filter)"
    sed 's/^/# /' "$work/wireshark.log"
    timeout 15 import -window root "$out/failed-start.png" || true
    echo "$passed passed, $failed failed"
    exit 1
fi
# Let the first pass, the filtering and the jump to the frame finish: the
# probe has reported every match by then.
wait_for 10 bash -c '[ "$(grep -c "^match " "$1")" -ge "$2" ]' _ "$work/report" "$(grep -c . "$work/tshark-frames")" || true
sleep 1
check "no dialog: one visible window" test "$(gui_windows | wc -l)" -eq 1
check "the GUI process maps amftcp.so from the personal plugin folder" \
    grep -q " $personal/$version/epan/amftcp.so$" "/proc/$gui_pid/maps"
check "the GUI runs the probe (Lua) with the GUI enabled" grep -qx "gui true" "$work/report"
check "amftcp dissector registered in the GUI" grep -qx "dissector amftcp found" "$work/report"
check "amf.type field registered in the GUI" grep -qx "field amf.type found" "$work/report"
check "the GUI compiles the filter" grep -qx "filter accepted" "$work/report"
sed -n 's/^match //p' "$work/report" | sort -nu >"$work/gui-frames"
echo "# GUI: $filter matches frames $(tr '\n' ' ' <"$work/gui-frames")"
check "the GUI's matches equal tshark's" cmp -s "$work/gui-frames" "$work/tshark-frames"

# Without a window manager the GUI may ignore the saved geometry: place it.
xdotool windowmove "$main" 0 0 windowsize "$main" "$width" "$height" 2>/dev/null || true
sleep 0.5
timeout 15 import -window root "$out/1-filtered.png"

# Expand the AMF message of frame $goto_frame: focus the details pane by a
# click on its empty lower part (this selects its first item, the Frame
# line), then walk down past Frame, Ethernet, IPv4 and TCP (and the
# transport's own item: HTTP, TLS, WebSocket) to "AMF over TCP" and expand
# all its subtrees (Shift+Right).
xdotool mousemove --window "$main" 300 $((height - 60)) click 1
sleep 0.3
downs=()
for _ in $(seq "$depth"); do downs+=(Down); done
xdotool key --clearmodifiers Home "${downs[@]}"
sleep 0.3
xdotool key --clearmodifiers shift+Right
xdotool mousemove 0 0

# The lower (details) half changes when the tree expands: take screenshots
# until it has (the GUI may be slow to repaint on a busy machine).
lower="${width}x$((height / 2))+0+$((height / 2))"
"$convert" "$out/1-filtered.png" -crop "$lower" +repage "$work/lower-1.png"
changed_pixels() {
    sleep 0.5
    timeout 15 import -window root "$out/2-expanded.png"
    "$convert" "$out/2-expanded.png" -crop "$lower" +repage "$work/lower-2.png"
    changed=$(compare -metric AE "$work/lower-1.png" "$work/lower-2.png" null: 2>&1 || true)
    changed=${changed%% *}
    changed=${changed%.*}
    [[ "$changed" =~ ^[0-9]+$ ]] || changed=0
    [ "$changed" -gt 5000 ]
}
changed=0
wait_for 10 changed_pixels || true
check "expanding changed the details pane ($changed pixels)" test "$changed" -gt 5000
check "still alive with one window after the keys" \
    bash -c 'kill -0 "$1" && [ "$(xdotool search --onlyvisible --pid "$1" --class . | wc -l)" -eq 1 ]' _ "$gui_pid"
colors=$("$identify" -format '%k' "$out/2-expanded.png")
check "the screenshot is not trivial ($colors colours)" test "$colors" -gt 50

if [ -n "${AMFTCP_SCREENSHOT:-}" ]; then
    # The window as an 8-bit PNG, small enough for the README.
    "$convert" "$out/2-expanded.png" -colors 128 \
        -define png:compression-level=9 "PNG8:$AMFTCP_SCREENSHOT"
    size=$(stat -c %s "$AMFTCP_SCREENSHOT")
    check "README screenshot $AMFTCP_SCREENSHOT is under 200 KB ($size bytes)" test "$size" -lt 204800
fi
stop_gui

echo "# screenshots in $out; $(($(date +%s) - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
