#!/bin/bash
# Usage: netns bash dht_libtorrent.sh
# A loopback DHT of libtorrent nodes (lt.py dht-node: no public router, dht_restrict_routing_ips and
# dht_restrict_search_ips off so that 127.0.0.0/8 counts as many nodes) and Swarm, for torrents with no
# tracker at all:
#   1. a libtorrent node seeds torrent A and announces it to the DHT; Swarm, told only one DHT node to
#      bootstrap from, finds the seeder with get_peers and downloads A; then again from a magnet link
#      that names only A's info-hash (metadata from the seeder too);
#   2. Swarm seeds torrent B and announces it (announce_peer); a libtorrent node that is given only B's
#      .torrent and, as its one bootstrap node, Swarm's DHT node (so it joins through Swarm's find_node
#      and get_peers answers) finds Swarm through the DHT and downloads B.
. "$(dirname "$0")/lib.sh"
LT="$PY $I/lt.py"

"$I/payload" "$T/a/data-a.bin" 6 --extra-bytes 4321 --seed 11
"$I/payload" "$T/b/data-b.bin" 6 --extra-bytes 1234 --seed 22
IH_A=$("$I/maketorrent" "$T/a/data-a.bin" "$T/a.torrent" --public | awk '$1 == "v1" {print $2}')
"$I/maketorrent" "$T/b/data-b.bin" "$T/b.torrent" --public > /dev/null

dht_node() {  # dht_node NAME ARGS...: a libtorrent DHT node in the background
    local name=$1; shift
    $LT dht-node --block-ratelimit 50 "$@" > "$T/$name.log" 2>&1 &
    PIDS+=($!)
}
on_fail() { for f in "$T"/lt-*.log; do echo "---- $f (tail) ----" >&2; tail -n 15 "$f" >&2; done; }

dht_node lt-0 --ip 127.0.0.1 --port 7000
dht_node lt-1 --ip 127.0.0.2 --port 7001 --bootstrap 127.0.0.1:7000
dht_node lt-2 --ip 127.0.0.3 --port 7002 --bootstrap 127.0.0.2:7001
dht_node lt-seed-a --ip 127.0.0.4 --port 7003 --bootstrap 127.0.0.1:7000 \
    --seed "$T/a.torrent" "$T/a" --ready-file "$T/seed-a.ready"
wait_until 90 test -e "$T/seed-a.ready" || fail "libtorrent seeder of A not ready (verified and announced)"
note "libtorrent seeds A and announced it to the DHT"

# 1. Swarm finds the libtorrent seeder through the DHT only.
swarm_download leech-a 150 "$T/a.torrent" "$T/out-a" 127.0.0.10 6890 --dht-bootstrap 127.0.0.2:7001
cmp "$T/a/data-a.bin" "$T/out-a/data-a.bin" || fail "A differs from the source"
note "direction 1 passed: Swarm downloaded A from a libtorrent seeder it found in the DHT"

# 1b. The same from a magnet link that names only the info-hash: metadata and data via the DHT.
swarm_download magnet-a 150 "magnet:?xt=urn:btih:$IH_A" "$T/out-a2" 127.0.0.13 6893 --dht-bootstrap 127.0.0.3:7002
cmp "$T/a/data-a.bin" "$T/out-a2/data-a.bin" || fail "A (from the magnet) differs from the source"
note "direction 1b passed: Swarm fetched a bare magnet's metadata and data from libtorrent through the DHT"

# 2. Swarm seeds B and announces it; libtorrent finds Swarm through the DHT.
SRC=$T/b/data-b.bin  # swarm_seed seeds from $(dirname "$SRC")
swarm_seed seed-b "$T/b.torrent" 127.0.0.11 6891 --dht-bootstrap 127.0.0.1:7000
$LT dht-node --block-ratelimit 50 --ip 127.0.0.12 --port 7012 --bootstrap 127.0.0.11:6891 \
    --get "$T/b.torrent" "$T/out-b" --timeout 150 > "$T/lt-get-b.log" 2>&1 \
    || { show seed-b; fail "libtorrent did not download B from the Swarm seeder through the DHT"; }
cmp "$T/b/data-b.bin" "$T/out-b/data-b.bin" || fail "B differs from the source"
note "direction 2 passed: libtorrent downloaded B from a Swarm seeder it found in the DHT"
echo "PASS: Swarm and libtorrent found each other through a loopback DHT, both directions"
