#!/bin/bash
# Usage: Benchmarks/command-latency.sh [--count N] [--rounds R] [--queue-limit Q] [-- SWARM FLAGS]
# How long a change takes with many torrents: fills a fresh state directory with N torrents (default
# 10,000, as store-startup.sh does), starts `swarm daemon` on it (loopback only, no trackers), waits for
# the restore to end and 5 s more, then
#   - command-latency.py: R rounds (default 40) over one connection of pause, resume, a session limit, a
#     torrent option and an overview; then of a queue size and pause and resume under that queue limit;
#     median and 90th percentile of each, in ms;
#   - the command line: `swarm pause`, `swarm resume` and `swarm set --max-active-seeds`, 10 times each
#     (a new process each time: its start-up is most of it); median wall time.
# --queue-limit Q starts the daemon with at most Q active downloads and Q active seeds (the config file's
# [limits]): all but Q torrents wait Queued, and every change of one has the queue planned again.
# SWARM_BIN=PATH uses that binary instead of building .build/release/swarm.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
COUNT=10000 ROUNDS=40 QUEUE_LIMIT=
while [ $# -gt 0 ]; do
    case $1 in
        --count) COUNT=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --queue-limit) QUEUE_LIMIT=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "command-latency.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -n "${SWARM_BIN:-}" ]; then
    SWARM=$SWARM_BIN
else
    (cd "$REPO" && swift build -c release --product swarm)
    SWARM=$REPO/.build/release/swarm
fi
WORK=$(mktemp -d /tmp/swarm-latency.XXXXXX)
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
python3 "$REPO/Benchmarks/make-store.py" "$WORK/state" "$WORK/data" --count "$COUNT"
: > "$WORK/config.toml"
if [ -n "$QUEUE_LIMIT" ]; then
    printf '[limits]\nmax_active_downloads = %d\nmax_active_seeds = %d\n' "$QUEUE_LIMIT" "$QUEUE_LIMIT" > "$WORK/config.toml"
fi
"$SWARM" daemon --state-dir "$WORK/state" --config "$WORK/config.toml" --dir "$WORK/data" \
    --bind 127.0.0.1 --port 0 --no-dht "$@" 2> "$WORK/log" &
PID=$!
for _ in $(seq 1 3000); do
    if "$SWARM" list --json --state-dir "$WORK/state" > "$WORK/list" 2> "$WORK/list.err" \
        && [ "$(grep -o '"infoHash"' "$WORK/list" | wc -l)" -ge "$COUNT" ] && ! grep -q "still loading" "$WORK/list.err"; then
        break
    fi
    kill -0 $PID 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
    sleep 0.05
done
# The first seconds after a restore are busy (every torrent's first tick): time an idle daemon.
sleep 5
# A seeding torrent in the middle of the list, named by its info-hash.
HASH=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t[len(t)//2+1]["infoHash"])' "$WORK/list")
echo "torrents=$COUNT torrent=$HASH queue_limit=${QUEUE_LIMIT:-none}"
python3 "$REPO/Benchmarks/command-latency.py" "$WORK/state/run/control.sock" "$HASH" --rounds "$ROUNDS"
cli() {
    local name=$1; shift
    local times=()
    for i in $(seq 1 10); do
        local began ended
        began=$(date +%s%N)
        "$SWARM" "$@" --state-dir "$WORK/state" > /dev/null
        ended=$(date +%s%N)
        times+=($(( (ended - began) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" '{ v[NR] = $1 } END { printf "cli %-22s median_ms=%7.2f\n", n, v[int((NR + 1) / 2)] / 1000 }'
}
cli "pause" pause "$HASH"
cli "resume" resume "$HASH"
cli "set --max-active-seeds" set --max-active-seeds 30000
