#!/bin/bash
# Usage: Benchmarks/store-startup.sh [--count N] [--idle-seconds S] [--tracker URL] [--keep] [-- SWARM FLAGS]
# Start-up and idle cost of an engine holding many torrents: fills a fresh state directory with N
# torrents (default 10,000; most seeding 1 GiB each, from sparse files the store marks verified), starts
# `swarm daemon` on it (loopback only: no trackers unless --tracker names one, such as
# http://127.0.0.1:9/announce where nothing listens; flags after -- go to swarm daemon, e.g. -- --no-dht),
# and reports
#   start_s   from exec to `swarm list` answering with every torrent (what the UI shows when it attaches);
#             start_cpu_s is the daemon's CPU time until then (steadier than the wall clock on a busy machine)
#   cpu_pct   CPU used over the next S seconds (default 30), in % of one core
#   rss_mib   resident memory at the end
# Targets: start_s < 1, cpu_pct < 2, rss_mib < 300. SWARM_BIN=PATH uses that binary instead of
# building .build/release/swarm.
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

start=$(date +%s.%N)
SWARM_LOG_LEVEL=info "$SWARM" daemon --state-dir "$WORK/state" --config "$WORK/config.toml" \
    --dir "$WORK/data" --bind 127.0.0.1 --port 0 "$@" 2> "$WORK/log" &
PID=$!
for _ in $(seq 1 1000); do
    "$SWARM" list --json --state-dir "$WORK/state" > "$WORK/list" 2>/dev/null && break
    kill -0 $PID 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
    sleep 0.01
done
ready=$(date +%s.%N)
grep -E "loaded|listed|restored" "$WORK/log"
echo "swarm list: $(grep -o '"infoHash"' "$WORK/list" | wc -l) torrents"
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
c0=$(cpu); t0=$(date +%s.%N)
cs=$c0
sleep "$IDLE"
c1=$(cpu); t1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
kill -TERM $PID; wait $PID || true
awk -v s="$start" -v r="$ready" -v cs="$cs" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$TICKS" -v rss="$rss" -v n="$COUNT" 'BEGIN {
    printf "torrents=%d start_s=%.2f start_cpu_s=%.2f cpu_pct=%.2f rss_mib=%.0f\n", n, r - s, cs / hz, 100 * (c1 - c0) / hz / (t1 - t0), rss / 1024 }'
