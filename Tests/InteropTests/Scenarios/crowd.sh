#!/bin/bash
# Usage: netns bash crowd.sh
# A flash crowd: one libtorrent seeder capped at 2 MiB/s (alone it would need ~40 s to serve the
# 16 MiB payload five times) and five leechers starting together: four Swarm (127.0.0.2-5) and
# one libtorrent (127.0.0.6). All must complete with identical data, and the leechers must trade
# pieces among themselves: the seeder uploads well under 5x the payload, and the Swarm leechers
# upload to the others. The Swarm leechers keep seeding (--seed-ratio) until all are done.
. "$(dirname "$0")/lib.sh"
CAP_KIB=2048

make_payload 16
make_torrent "$T/t.torrent" http://127.0.0.1:6969/announce
start_tracker "$T/t.torrent"
size=$(find "$SRC" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

mkdir -p "$T/seed"
"$PY" "$I/lt.py" seed "$T/t.torrent" "$(dirname "$SRC")" --ip 127.0.0.1 --port 6881 \
    --ready-file "$T/seed/ready" --upload-kib $CAP_KIB --uploaded-file "$T/seed/uploaded" \
    > "$T/seed/client.log" 2>&1 < /dev/null &
PIDS+=($!)
seeder=$!
wait_until 60 test -e "$T/seed/ready" || fail "libtorrent seeder not ready: $(tail -n 5 "$T/seed/client.log")"
"$PY" "$I/lt.py" announce "$T/t.torrent" 127.0.0.1 6881 > /dev/null
note "libtorrent seeder capped at $CAP_KIB KiB/s on 127.0.0.1:6881 (pid $seeder)"

t0=$(date +%s.%N)
# the libtorrent leecher first, so that it listens when the Swarm leechers (given it by --peer) dial
INTEROP_WORKDIR=$T/leech-lt "$I/leech" libtorrent "$T/t.torrent" "$T/out-lt" --addr 127.0.0.6:6882 \
    --timeout 150 > /dev/null 2>&1 &
lt_pid=$!
PIDS+=("$lt_pid")
# it listens before it has added the torrent (and then drops peers): wait until it talks to the seeder
lt_ready() { ss -Htn state established "( src 127.0.0.6 and dst 127.0.0.1:6881 )" | grep -q .; }
wait_until 20 lt_ready || fail "libtorrent leecher not connected to the seeder within 20 s"

known=(127.0.0.1:6881 127.0.0.6:6882)
names=()
for n in 2 3 4 5; do
    name=leech$n
    swarm_bg "$name" download "$T/t.torrent" --dir "$T/out-$n" --bind 127.0.0.$n --port 6882 \
        --seed-ratio 1000 $(crutch "${known[@]}")
    eval "pid_$n=$BG_PID"
    names+=("$name")
    known+=("127.0.0.$n:6882")
    wait_until 20 listening 127.0.0.$n 6882 || { show "$name"; fail "$name not listening"; }
done
note "4 swarm leechers and 1 libtorrent leecher started"
( sleep 5; ss -tn > "$T/connections-5s.txt" ) &   # who talks to whom, for failure reports

all_complete() {
    local n
    for n in "${names[@]}"; do grep -q '"event":"complete"' "$T/$n.json" || return 1; done
}
any_bytes() {
    local n
    for n in "${names[@]}"; do tail -n 1 "$T/$n.json" | grep -q '"downloaded":[1-9]' && return 0; done
    return 1
}
on_fail() { local n; for n in "${names[@]}"; do show "$n"; done; }
# all done within 120 s; and give up early when no Swarm leecher got a single byte in 40 s
wait_until 40 any_bytes || fail "no swarm leecher received any payload within 40 s"
wait_until 120 all_complete || fail "not every swarm leecher completed within 120 s"
note "all swarm leechers complete after $(elapsed "$t0" "$(date +%s.%N)") s"
rc=0; wait "$lt_pid" || rc=$?
[ $rc -eq 0 ] || fail "libtorrent leecher failed (exit $rc; log $T/leech-lt/client.log)"
note "libtorrent leecher complete after $(elapsed "$t0" "$(date +%s.%N)") s"
sleep 1.5   # one more report from each Swarm leecher, with its final upload count
for n in 2 3 4 5; do
    pid=$(eval echo "\$pid_$n")
    kill -INT "$pid"
    rc=0; wait "$pid" || rc=$?
    [ $rc -eq 0 ] || fail "swarm leech$n exited $rc after SIGINT (complete, so 0 expected)"
done

for d in out-2 out-3 out-4 out-5 out-lt; do same_tree "$T/$d"; done
seeder_up=$(cat "$T/seed/uploaded")
swarm_up=0
for n in "${names[@]}"; do
    note "$n: $(summary "$n")"
    swarm_up=$(( swarm_up + $(field "$n" uploaded) ))
done
ratio=$(awk -v u="$seeder_up" -v s="$size" 'BEGIN {printf "%.2f", u / s}')
note "payload $size bytes; seeder uploaded $seeder_up (${ratio}x); swarm leechers uploaded $swarm_up"
awk -v r="$ratio" 'BEGIN {exit !(r < 3.0)}' || fail "seeder uploaded ${ratio}x the payload: leechers did not share"
[ "$swarm_up" -gt 0 ] || fail "the swarm leechers uploaded nothing"
echo "PASS: 5 leechers complete; seeder uploaded ${ratio}x the payload, swarm leechers uploaded $swarm_up bytes"
