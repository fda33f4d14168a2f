#!/bin/bash
# Usage: Benchmarks/store-startup.sh [--count N] [--idle-seconds S] [--tracker URL] [--keep] [-- SWARM FLAGS]
# Start-up and idle cost of an engine holding many torrents: fills a fresh state directory with N
# torrents (default 10,000; most seeding 1 GiB each, from sparse files the store marks verified), starts
# `swarm daemon` on it (loopback only: no trackers unless --tracker names one, such as
# http://127.0.0.1:9/announce where nothing listens; flags after -- go to swarm daemon, e.g. -- --no-dht),
# starts `swarm attach-bench` (a UI without a terminal: it subscribes as the UI does) at the same moment,
# and reports, all from the daemon's exec:
#   restored_s     the daemon's log: every saved torrent back (the clock starts once the session listens)
#   list_first_s   `swarm list` first answers (while restoring it answers with what is listed so far)
#   list_full_s    `swarm list` answers with all N torrents and the restore over
#   ui_first_s     the attached UI's first view (rows listed so far, maybe none); ui_listed_s the first
#                  with all N rows (some may still show Checking); ui_full_s the first with the restore over
#   start_cpu_s    the daemon's CPU time until list_full (steadier than the wall clock on a busy machine)
#   cpu_sub_pct    CPU over the next S seconds (default 30) with the UI attached, in % of one core
#   cpu_pct        CPU over S more seconds with nothing attached
#   rss_mib        resident memory at the end
# Targets: list_full_s and ui_full_s < 1, cpu_pct and cpu_sub_pct < 2, rss_mib < 300. SWARM_BIN=PATH uses
# that binary instead of building .build/release/swarm.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
COUNT=10000 IDLE=30 KEEP=0 TRACKER=()
while [ $# -gt 0 ]; do
    case $1 in
        --count) COUNT=$2; shift 2 ;;
        --idle-seconds) IDLE=$2; shift 2 ;;
        --tracker) TRACKER=(--tracker "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        --) shift; break ;;
        *) echo "store-startup.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -n "${SWARM_BIN:-}" ]; then
    SWARM=$SWARM_BIN
else
    (cd "$REPO" && swift build -c release --product swarm)
    SWARM=$REPO/.build/release/swarm
fi
WORK=$(mktemp -d /tmp/swarm-store-bench.XXXXXX)
[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
python3 "$REPO/Benchmarks/make-store.py" "$WORK/state" "$WORK/data" --count "$COUNT" "${TRACKER[@]}"
: > "$WORK/config.toml"
TICKS=$(getconf CLK_TCK)

now() { date +%s.%N; }
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
count() { grep -o '"infoHash"' "$1" | wc -l; }

start=$(now)
SWARM_LOG_LEVEL=info "$SWARM" daemon --state-dir "$WORK/state" --config "$WORK/config.toml" \
    --dir "$WORK/data" --bind 127.0.0.1 --port 0 "$@" 2> "$WORK/log" &
PID=$!
"$SWARM" attach-bench --state-dir "$WORK/state" --expect "$COUNT" --hold "$IDLE" > "$WORK/attach" 2>&1 &
ATTACH=$!
first="" full=""
for _ in $(seq 1 3000); do
    if "$SWARM" list --json --state-dir "$WORK/state" > "$WORK/list" 2> "$WORK/list.err"; then
        [ -n "$first" ] || { first=$(now); echo "first swarm list: $(count "$WORK/list") torrents $(cat "$WORK/list.err")"; }
        if [ "$(count "$WORK/list")" -ge "$COUNT" ] && ! grep -q "still loading" "$WORK/list.err"; then full=$(now); break; fi
    fi
    kill -0 $PID 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
    sleep 0.01
done
cs=$(cpu)
grep -E "loaded|listed|restored" "$WORK/log"
echo "swarm list: $(count "$WORK/list") torrents"
for _ in $(seq 1 3000); do grep -q full_view_at "$WORK/attach" && break; sleep 0.01; done
grep -E "first_view|listed_view|full_view" "$WORK/attach" || { echo "attach-bench:"; cat "$WORK/attach"; }
# With the UI attached (attach-bench holds on for S seconds after its complete list).
c0=$(cpu); t0=$(now)
wait $ATTACH || true
c1=$(cpu); t1=$(now)
grep pushes "$WORK/attach" || true
# Nothing attached.
sleep "$IDLE"
c2=$(cpu); t2=$(now)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
kill -TERM $PID; wait $PID || true
restored=$(grep -o 'restored [0-9]* torrents in [0-9.]*' "$WORK/log" | awk '{print $5}' || true)
ui_first=$(grep -o 'first_view_at=[0-9.]*' "$WORK/attach" | cut -d= -f2 || true)
ui_full=$(grep -o 'full_view_at=[0-9.]*' "$WORK/attach" | cut -d= -f2 || true)
ui_listed=$(grep -o 'listed_view_at=[0-9.]*' "$WORK/attach" | cut -d= -f2 || true)
awk -v s="$start" -v f="$first" -v r="$full" -v uf="${ui_first:-0}" -v ul="${ui_listed:-0}" -v ur="${ui_full:-0}" -v rs="${restored:-0}" -v cs="$cs" \
    -v c0="$c0" -v c1="$c1" -v c2="$c2" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v hz="$TICKS" -v rss="$rss" -v n="$COUNT" 'BEGIN {
    printf "torrents=%d restored_s=%.2f list_first_s=%.2f list_full_s=%.2f ui_first_s=%.2f ui_listed_s=%.2f ui_full_s=%.2f start_cpu_s=%.2f\n",
        n, rs, f - s, r - s, (uf > 0 ? uf - s : -1), (ul > 0 ? ul - s : -1), (ur > 0 ? ur - s : -1), cs / hz
    printf "cpu_sub_pct=%.2f cpu_pct=%.2f rss_mib=%.0f\n",
        100 * (c1 - c0) / hz / (t1 - t0), 100 * (c2 - c1) / hz / (t2 - t1), rss / 1024 }'
