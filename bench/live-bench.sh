#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live capture: can tshark with amftcp keep up with AMF3 traffic as it
# happens?  tshark -i lo captures a real client sending AMF3 messages to a
# real server over loopback TCP at a target rate, decoding every message
# into amf.json; the output is counted, not stored.
#
#   bench/live-bench.sh                           # 20 MB/s of AMF for 10 s
#   bench/live-bench.sh --rate 5 --seconds 20
#   bench/live-bench.sh --baseline                # also with amftcp disabled
#
# What it does (details in bench/README.md):
#   1. builds the plugin (release options, as run-bench.sh) unless
#      --no-build, and installs bytearray-node (npm ci in sample-captures/)
#      if it is missing;
#   2. starts tshark -i lo -f 'tcp port PORT' -l -T fields -e amf.json
#      -E aggregator=US with only the freshly built plugin, its output piped
#      to a counter (bench/live-amf.js count);
#   3. starts a server (accepts, reads, checks the u32be framing) and a
#      client (--connections connections) that sends --rate x --seconds of
#      AMF3 value bytes, each value behind a 4-byte big-endian length,
#      encoded by bytearray-node 3.3.5 (bench/live-amf.js);
#   4. waits until tshark has printed a value for every message sent, or
#      its output has been quiet for --quiet seconds, or --tail-timeout has
#      passed since the traffic stopped; then stops tshark with SIGINT
#      (SIGKILL 10 s later if it is still running) and reads its capture
#      statistics;
#   5. prints a Markdown table: messages sent and decoded, packets captured
#      and dropped, achieved send rate, tshark's CPU seconds, and the tail
#      (seconds from the last byte the server read to tshark's last output).
#      Keeps up = every message decoded, 0 dropped, tail < 2 s.
#
# Unprivileged capture: tshark, dumpcap, the client and the server run as
# an unprivileged user (nobody, when started as root) in a network and user
# namespace of their own (unshare --user --net --map-current-user
# --keep-caps): its loopback is the kernel's real loopback, other traffic
# on the machine cannot reach it, and dumpcap's CAP_NET_RAW holds only in
# that namespace.  Where user namespaces are not allowed, --capture-as caps
# runs them as nobody on the machine's lo with CAP_NET_RAW and CAP_NET_ADMIN
# as ambient capabilities (root only; nothing is installed or changed).
#
# --wireshark 4.4: tshark (and its dumpcap) of the chroot of
# scripts/chroot-test.sh 4.4, with the plugin built there (as run-bench.sh
# --wireshark); the client, the server, the counter and /usr/bin/time are
# the host's.  Root only.  The capture namespace is entered first, then
# tshark is started as `chroot ROOT tshark` in it: the chroot shares the
# namespace's loopback, and chroot(2) is allowed there (CAP_SYS_CHROOT in
# the user namespace; with --capture-as caps it is one more ambient
# capability).  The home is bound into the chroot at the same path.
#
# Options:
#   --rate MB_PER_S      AMF3 value bytes per second, all connections  [20]
#   --seconds S          planned length of the burst (rate x S bytes)  [10]
#   --connections N      client connections                            [4]
#   --port P             server port                                   [19339]
#   --baseline           also run with --disable-protocol amftcp
#   --disabled           only the run with --disable-protocol amftcp
#   --quiet S            output quiet this long after the traffic = done [3]
#   --tail-timeout S     give up waiting this long after the traffic    [60]
#   --capture-as MODE    auto, userns or caps (see above)              [auto]
#   --seed N             values seed                                   [1]
#   --build-dir DIR      as run-bench.sh                               [build-bench]
#   --no-build           use the plugin already in --build-dir
#   --results FILE       also write the figures as KEY=VALUE lines (run-bench.sh)
#   --wireshark VERSION  host, or 4.4, 4.6: tshark of that chroot (above)  [host]
set -euo pipefail

# ---- the inside: runs in the capture namespace, as the unprivileged user --
if [ "${1:-}" = --inner ]; then
    # Environment from the outside: L_* settings, HOME, work dir W.
    cd "$W"
    [ "$L_USERNS" = 1 ] && ip link set lo up
    pids=()
    cleanup() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
    trap cleanup EXIT
    now_ms() { date +%s%3N; }
    for state in $L_STATES; do
        d="$W/$state"
        mkdir -p "$d"
        mkfifo "$d/fifo"
        node "$L_HELPER" count --progress "$d/progress" < "$d/fifo" &
        counter=$!
        pids+=("$counter")
        extra=()
        [ "$state" = off ] && extra=(--disable-protocol amftcp)
        # The chroot's tshark: the same paths (the home is bound there),
        # its own PATH, so that tshark starts its own dumpcap.
        in_chroot=()
        [ -z "$L_CHROOT" ] || in_chroot=("$L_CHROOT_BIN" "$L_CHROOT" env PATH=/usr/local/bin:/usr/bin:/bin)
        # /usr/bin/time counts tshark and the dumpcap it waits for; the
        # shell in between only writes the pid tshark then has (exec).
        /usr/bin/time -f '%e %U %S %M' -o "$d/time.txt" \
            sh -c 'echo $$ > "$0"; exec "$@"' "$d/tshark.pid" \
            "${in_chroot[@]}" tshark -i lo -f "tcp port $L_PORT" -l -T fields -e amf.json -E aggregator=$'\x1f' \
            "${extra[@]}" > "$d/fifo" 2> "$d/tshark.err" &
        timepid=$!
        pids+=("$timepid")
        for _ in $(seq 300); do
            grep -q "Capturing on" "$d/tshark.err" 2>/dev/null && break
            kill -0 "$timepid" 2>/dev/null || break
            sleep 0.1
        done
        grep -q "Capturing on" "$d/tshark.err" || { cat "$d/tshark.err" >&2; echo "live-bench: tshark did not start" >&2; exit 1; }
        tpid=$(cat "$d/tshark.pid")
        sleep 0.5
        node "$L_HELPER" server --port "$L_PORT" --connections "$L_CONNS" \
            --stats "$d/server.json" --ready "$d/server.ready" &
        spid=$!
        pids+=("$spid")
        for _ in $(seq 100); do [ -e "$d/server.ready" ] && break; sleep 0.1; done
        [ -e "$d/server.ready" ] || { echo "live-bench: server did not start" >&2; exit 1; }
        t_start=$(now_ms)
        node "$L_HELPER" client --port "$L_PORT" --connections "$L_CONNS" --rate "$L_RATE" \
            --seconds "$L_SECONDS" --seed "$L_SEED" --stats "$d/client.json"
        wait "$spid"
        sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$d/client.json")
        t_end=$(python3 -c 'import json,sys
c, s = (json.load(open(f)) for f in sys.argv[1:3])
print(max(c["end_ms"], s["last_data_ms"]))' "$d/client.json" "$d/server.json")
        # Until every message is decoded, the output is quiet, or time is up.
        how=timeout
        while :; do
            read -r values _ _ last < "$d/progress"
            t=$(now_ms)
            if [ "$state" = on ] && [ "$values" -ge "$sent" ]; then how=all; break; fi
            if [ $(( t - last )) -ge $(( L_QUIET * 1000 )) ] && [ $(( t - t_end )) -ge $(( L_QUIET * 1000 )) ]; then
                how=quiet; break
            fi
            [ $(( t - t_end )) -ge $(( L_TAIL_TIMEOUT * 1000 )) ] && break
            sleep 0.1
        done
        # dumpcap's share of the CPU time, just before it stops.
        dumpcap_cpu=0
        for c in $(cat /proc/"$tpid"/task/*/children 2>/dev/null); do
            if [ "$(cat /proc/"$c"/comm 2>/dev/null)" = dumpcap ]; then
                dumpcap_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' /proc/"$c"/stat)
            fi
        done
        kill -INT "$tpid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$timepid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$timepid" 2>/dev/null; then
            echo "live-bench: tshark still running 10 s after SIGINT: killed" >&2
            kill -KILL "$tpid" 2>/dev/null || true
        fi
        wait "$timepid" || true
        wait "$counter" || true
        read -r values lines bytes last < "$d/progress"
        tail_ms=$(( last - t_end ))
        [ "$tail_ms" -ge 0 ] || tail_ms=0
        {
            echo "state=$state"
            echo "stopped=$how"
            echo "sent=$sent"
            echo "values=$values"
            echo "lines=$lines"
            echo "output_bytes=$bytes"
            echo "traffic_ms=$(( t_end - t_start ))"
            echo "tail_ms=$tail_ms"
            echo "dumpcap_cpu=$dumpcap_cpu"
            read -r e u s m < <(tail -n 1 "$d/time.txt")
            echo "tshark_wall=$e"
            echo "tshark_cpu=$(python3 -c "print(f'{$u + $s:.2f}')")"
            echo "tshark_rss_kb=$m"
            echo "captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$d/tshark.err" | tail -n 1)"
            echo "dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped.*/\1/p' "$d/tshark.err" | awk '{ n += $1 } END { print n + 0 }')"
            echo "client=$(cat "$d/client.json")"
            echo "server=$(cat "$d/server.json")"
        } > "$d/result.txt"
        grep -i 'dropped\|captured\|error\|warn' "$d/tshark.err" | grep -v '^Capturing on' > "$d/tshark-notes.txt" || true
        pids=()
    done
    exit 0
fi

# ---- the outside ------------------------------------------------------------
cd "$(dirname "$0")/.."
root=$(pwd)
rate=20 seconds=10 conns=4 port=19339 states=on quiet=3 tail_timeout=60
capture_as=auto seed=1 build_dir=build-bench build=1 results= wireshark_opt=host
usage() { sed -n '3,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --baseline) states="on off"; shift ;;
    --disabled) states=off; shift ;;
    --quiet) quiet=$2; shift 2 ;;
    --tail-timeout) tail_timeout=$2; shift 2 ;;
    --capture-as) capture_as=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --results) results=$2; shift 2 ;;
    --wireshark) wireshark_opt=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "live-bench: unknown option $1" >&2; usage ;;
    esac
done
die() { echo "live-bench: $*" >&2; exit 1; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# Sourced first: its exit hooks undo every mount and remove the home.
. bench/tshark-home.sh
if [ "$wireshark_opt" = host ]; then
    command -v tshark >/dev/null || die "tshark not found"
else
    case "$wireshark_opt" in [0-9]*.[0-9]*) ;; *) die "--wireshark host or X.Y, not $wireshark_opt" ;; esac
    ws_chroot_open "$wireshark_opt" || die "no tshark $wireshark_opt"
fi
command -v node >/dev/null || die "node not found (Debian: apt-get install nodejs npm)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian: apt-get install time)"

if [ "$build" = 1 ]; then
    log "building in $build_dir"
    bench_build "$build_dir" || die "the build failed"
fi
plugin="$build_dir/amftcp.so"
if [ -n "$ws_root" ]; then
    # The plugin against the chroot's Wireshark, from the same source.
    ws_chroot_plugin "$build_dir" "$wireshark_opt" "$build" ||
        die "the plugin does not build against Wireshark $wireshark_opt"
fi
[ -e "$plugin" ] || die "missing $plugin (build first)"
if [ ! -d sample-captures/node_modules/bytearray-node ]; then
    log "npm ci in sample-captures/ (bytearray-node)"
    (cd sample-captures && npm ci --no-audit --no-fund >/dev/null)
fi

bench_home "$plugin" live
W="$home/work"
mkdir -p "$W" "$home/tmp"
# The helper and the encoder it loads, where the unprivileged user can read
# them (the checkout may not be).
mkdir -p "$home/src/bench" "$home/src/sample-captures/gen"
cp bench/live-amf.js "$home/src/bench/"
cp sample-captures/gen/lib-framing.js sample-captures/gen/lib.js "$home/src/sample-captures/gen/"
cp -R sample-captures/node_modules "$home/src/sample-captures/"
bench_home_ready
# The outer helpers run on the host: as_user without the chroot.
[ -z "$ws_root" ] || as_user=("${as_user[@]:2}")

# How to capture unprivileged.
userns_ok() {
    "${as_user[@]}" unshare --user --net --map-current-user --keep-caps \
        sh -c 'ip link set lo up' >/dev/null 2>&1
}
case "$capture_as" in
auto) if userns_ok; then capture_as=userns
      elif [ "$(id -u)" -eq 0 ]; then capture_as=caps
      else die "user namespaces are not allowed here; run as root for --capture-as caps"; fi ;;
userns) userns_ok || die "unshare --user --net failed: user namespaces not allowed?" ;;
caps) [ "$(id -u)" -eq 0 ] || die "--capture-as caps needs root (to hand nobody the capabilities)" ;;
*) die "unknown --capture-as $capture_as" ;;
esac
inner_env=("${user_env[@]}" TMPDIR="$home/tmp" W="$W" L_HELPER="$home/src/bench/live-amf.js"
    L_STATES="$states" L_PORT="$port" L_CONNS="$conns" L_RATE="$rate" L_SECONDS="$seconds"
    L_SEED="$seed" L_QUIET="$quiet" L_TAIL_TIMEOUT="$tail_timeout" L_CHROOT="$ws_root"
    L_CHROOT_BIN="$(command -v chroot)")
caps=+net_raw,+net_admin
[ -z "$ws_root" ] || caps=$caps,+sys_chroot
cp "$0" "$home/src/bench/live-bench.sh"
if [ "$capture_as" = userns ]; then
    runner=("${as_user[@]}" unshare --user --net --map-current-user --keep-caps)
    how="unprivileged (uid $([ "$(id -u)" -eq 0 ] && echo 65534 || id -u)), own user + network namespace (unshare --user --net --keep-caps)"
    inner_env+=(L_USERNS=1)
else
    runner=(setpriv --reuid=65534 --regid=65534 --clear-groups
        --inh-caps="$caps" --ambient-caps="$caps")
    how="nobody with ambient CAP_NET_RAW, CAP_NET_ADMIN${ws_root:+, CAP_SYS_CHROOT}, on the machine's lo"
    inner_env+=(L_USERNS=0)
fi
chown -R "$(stat -c %u "$home")" "$home/src" "$home/work" "$home/tmp"
log "live capture: $rate MB/s of AMF3 for $seconds s over $conns connections, states: $states; $how"
"${runner[@]}" "${inner_env[@]}" bash "$home/src/bench/live-bench.sh" --inner ||
    die "the live run failed"

# ---- the table ----------------------------------------------------------------
wireshark=$(ws_tshark_version)
[ -z "$ws_root" ] || wireshark="$wireshark (chroot $ws_root)"
export how rate seconds conns wireshark
python3 - "$W" $states "$results" <<'EOF'
import json, os, sys
w, *states, results = sys.argv[1:]
env = os.environ
rows = []
for st in states:
    r = {}
    for line in open(os.path.join(w, st, "result.txt")):
        k, v = line.rstrip("\n").split("=", 1)
        r[k] = v
    r["client"] = json.loads(r["client"])
    r["server"] = json.loads(r["server"])
    rows.append(r)
print(f"### Live capture: tshark -i lo, {env['rate']} MB/s of AMF3 for {env['seconds']} s")
print()
print(f"{env['wireshark']}; capture: {env['how']}.  Client: {env['conns']} connections, "
      f"u32 big-endian length + AMF3 value (bytearray-node 3.3.5, game/chat typed objects, "
      f"mean {rows[0]['client']['mean_message']} bytes); `tshark -i lo -f 'tcp port P' -l "
      f"-T fields -e amf.json -E aggregator=US`, output counted.  Tail: seconds from the "
      f"last byte the server read to tshark's last output line.  CPU: tshark and its "
      f"dumpcap (dumpcap alone in brackets).")
print()
print("| amftcp | Messages sent | Decoded (amf.json values) | Packets captured | Dropped | "
      "Send rate MB/s | tshark CPU s | Tail s | Stopped | Keeps up |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
out = []
for r in rows:
    sent, vals = int(r["sent"]), int(r["values"])
    dropped = int(r["dropped"] or 0)
    tail = int(r["tail_ms"]) / 1000
    on = r["state"] == "on"
    stopped = {"all": "all decoded", "quiet": "output quiet", "timeout": "timeout"}[r["stopped"]]
    if r["stopped"] == "timeout":
        tail_s = f"> {tail:.1f}"
    else:
        tail_s = f"{tail:.2f}"
    keeps = ("yes" if vals >= sent and dropped == 0 and tail < 2 else "**no**") if on else \
            ("yes" if dropped == 0 and tail < 2 else "**no**") + " (baseline)"
    print(f"| {'enabled' if on else 'disabled'} | {sent:,} | {vals:,} ({vals / sent * 100:.1f}%) | "
          f"{r['captured'] or '?'} | {dropped} | {r['client']['amf_mb_s']:.2f} | "
          f"{r['tshark_cpu']} [{r['dumpcap_cpu']}] | {tail_s} | {stopped} | {keeps} |")
    for k in ["sent", "values", "captured", "dropped", "tail_ms", "stopped", "tshark_cpu",
              "dumpcap_cpu", "tshark_wall", "tshark_rss_kb", "traffic_ms"]:
        out.append(f"live.{r['state']}.{k}={r[k]}")
    out.append(f"live.{r['state']}.send_mb_s={r['client']['amf_mb_s']:.2f}")
    out.append(f"live.{r['state']}.keeps_up={'yes' if keeps.startswith('yes') else 'no'}")
print()
if results:
    out += [f"live.rate={env['rate']}", f"live.seconds={env['seconds']}",
            f"live.connections={env['conns']}", f"live.capture={env['how']}",
            f"live.mean_message={rows[0]['client']['mean_message']}"]
    open(results, "w").write("\n".join(out) + "\n")
EOF
for st in $states; do
    if [ -s "$W/$st/tshark-notes.txt" ]; then
        echo "tshark's report ($st):" >&2
        cat "$W/$st/tshark-notes.txt" >&2
    fi
done
