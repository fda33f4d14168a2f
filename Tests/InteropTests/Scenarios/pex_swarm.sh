#!/bin/bash
# Usage: netns bash pex_swarm.sh
# Peer exchange (BEP 11) in a six-peer swarm of Swarm and libtorrent peers (ut_pex on) whose tracker
# (chain_tracker.py) tells each peer of only the one that announced before it:
#   P0 libtorrent seed 127.0.0.1 <- P1 swarm .2 <- P2 libtorrent .3 <- P3 swarm .4 <- P4 libtorrent .5 <- P5 swarm .6
# Passes when every peer completes with the right data and every peer but the seed came to know more
# peers than the tracker and incoming connections account for (2): each Swarm peer knows at least 3
# peers (incoming ones do not count) and each libtorrent leecher had at least 3 in its peer list and
# marks one as learned through PEX (its first contacts are Swarm peers: the tracker's and an incoming one).
. "$(dirname "$0")/lib.sh"

make_payload 6
"$I/maketorrent" "$SRC" "$T/t.torrent" --public --tracker http://127.0.0.1:6969/announce > /dev/null
"$PY" "$SCENARIOS/chain_tracker.py" 6969 "$T/announces" > "$T/tracker.log" 2>&1 < /dev/null &
PIDS+=($!)
wait_until 10 listening 127.0.0.1 6969 || fail "chain tracker not listening"
: > "$T/announces"

# lt_start N IP DIR [ARGS]: a libtorrent peer with PEX on, reporting to $T/lt-N.json
lt_start() {
    local n=$1 ip=$2 dir=$3; shift 3
    mkdir -p "$dir"
    "$PY" "$SCENARIOS/lt_peer.py" "$T/t.torrent" "$dir" --ip "$ip" --port 6881 --report "$T/lt-$n.json" --pex "$@" \
        > "$T/lt-$n.log" 2>&1 < /dev/null &
    PIDS+=($!)
}
announced() { [ "$(wc -l < "$T/announces")" -ge "$1" ]; }

# The seed is capped so that the leechers trade for a while (PEX only names peers we are connected to,
# and seeds drop each other).
lt_start 0 127.0.0.1 "$(dirname "$SRC")" --upload-kib 96
wait_until 60 announced 1 || fail "the libtorrent seed did not announce: $(tail -n 5 "$T/lt-0.log")"
names=()
for n in 1 2 3 4 5; do
    ip=127.0.0.$(( n + 1 ))
    if (( n % 2 == 1 )); then
        swarm_bg "swarm-$n" download "$T/t.torrent" --dir "$T/out-$n" --bind "$ip" --port 6881 --seed-ratio 1000 --no-dht
        names+=("swarm-$n")
    else
        lt_start "$n" "$ip" "$T/out-$n"
    fi
    wait_until 60 announced $(( n + 1 )) || fail "peer $n ($ip) did not announce"
done
note "six peers announced: $(tr '\n' ' ' < "$T/announces")"

swarm_ok() {  # NAME: complete and knows at least 3 peers (the tracker told it of 1)
    grep -q '"event":"complete"' "$T/$1.json" && [ "$(field "$1" known_peers)" -ge 3 ]
}
lt_ok() {  # N: complete, at least 3 peers in its list (the tracker told it of 1, 1 dialled it), and a
           # peer libtorrent marks as heard of through PEX
    "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
pex = any("pex" in sources for sources in r["peers"].values())
sys.exit(0 if r["complete"] and r["most_listed"] >= 3 and pex else 1)' "$T/lt-$1.json" 2>/dev/null
}
all_ok() {
    local n
    sleep 1
    for n in "${names[@]}"; do swarm_ok "$n" || return 1; done
    lt_ok 2 && lt_ok 4
}
on_fail() {
    local n
    for n in "${names[@]}"; do show "$n"; done
    for n in 0 2 4; do echo "---- libtorrent $n ----" >&2; cat "$T/lt-$n.json" >&2 2>/dev/null; tail -n 5 "$T/lt-$n.log" >&2; done
}
# libtorrent and Swarm send PEX about once a minute, so news takes up to a minute per hop.
wait_until 240 all_ok || fail "PEX did not spread the swarm within 240 s"
grep -q '"source":"pex"' "$T"/swarm-*.json || fail "no Swarm peer connected to a peer learned through PEX"
note "every peer complete and knows peers learned through PEX after $(elapsed "$T0" "$(date +%s.%N)") s"
for n in "${names[@]}"; do note "$n: known_peers=$(field "$n" known_peers) $(summary "$n")"; done
for n in 2 4; do note "libtorrent $n: $(cat "$T/lt-$n.json")"; done
for n in 1 2 3 4 5; do same_tree "$T/out-$n"; done
echo "PASS: PEX spread a six-peer chain swarm (3 Swarm, 3 libtorrent); all complete"
