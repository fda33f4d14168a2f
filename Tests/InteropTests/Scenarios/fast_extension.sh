#!/bin/bash
# Usage: netns bash fast_extension.sh
# The fast extension (BEP 6) both ways with libtorrent, each side a seed that never unchokes:
# 1. Swarm seeds with --free-ride: a libtorrent leecher gets exactly the 10 pieces of its BEP 6
#    allowed-fast set (Swarm sends allowed_fast and serves those pieces while choking, and rejects the
#    rest), and nothing else.
# 2. libtorrent seeds with unchoke_slots_limit 0: a Swarm leecher gets some pieces all the same, at most
#    libtorrent's allowed-fast set size (5), by asking for allowed-fast pieces while choked.
. "$(dirname "$0")/lib.sh"

make_payload 8
"$I/maketorrent" "$SRC" "$T/t.torrent" > /dev/null
pieces=$("$PY" -c 'import libtorrent as lt, sys; print(lt.torrent_info(sys.argv[1]).num_pieces())' "$T/t.torrent")
hash=$("$PY" "$I/lt.py" info "$T/t.torrent" | awk '$1 == "v1" {print $2}')

# The BEP 6 allowed-fast set of an IPv4 address, computed here independently of Swarm.
allowed_fast() {  # IP COUNT
    "$PY" -c '
import hashlib, sys
ip, k, n, ih = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), bytes.fromhex(sys.argv[4])
x = bytes(int(p) for p in ip.split(".")[:3]) + b"\0" + ih
out = []
while len(out) < k:
    x = hashlib.sha1(x).digest()
    for i in range(5):
        if len(out) < k:
            j = int.from_bytes(x[4 * i:4 * i + 4], "big") % n
            if j not in out: out.append(j)
print(" ".join(map(str, sorted(out))))' "$1" "$2" "$pieces" "$hash"
}
lt_pieces() { "$PY" -c 'import json, sys; print(" ".join(map(str, json.load(open(sys.argv[1]))["pieces"])))' "$1" 2>/dev/null; }

# 1. Swarm seed that never unchokes, libtorrent leecher.
swarm_seed seed "$T/t.torrent" 127.0.0.1 6881 --free-ride --no-dht
expected=$(allowed_fast 127.0.0.2 10)
mkdir -p "$T/out-lt"
"$PY" "$SCENARIOS/lt_peer.py" "$T/t.torrent" "$T/out-lt" --ip 127.0.0.2 --port 6882 --report "$T/lt.json" \
    --peer 127.0.0.1:6881 > "$T/lt.log" 2>&1 < /dev/null &
PIDS+=($!)
got_all() { [ "$(lt_pieces "$T/lt.json")" = "$expected" ]; }
on_fail() { show seed; echo "libtorrent has: $(lt_pieces "$T/lt.json"); expected $expected" >&2; tail -n 5 "$T/lt.log" >&2; }
wait_until 60 got_all || fail "libtorrent did not get its allowed-fast pieces ($expected) from a choking Swarm seed"
sleep 5
got_all || fail "libtorrent got more than its allowed-fast pieces from a choking Swarm seed"
note "libtorrent leecher got exactly its allowed-fast set from a choking Swarm seed: $expected"

# 2. libtorrent seed that never unchokes, Swarm leecher.
mkdir -p "$T/seed-lt"
"$PY" "$SCENARIOS/lt_peer.py" "$T/t.torrent" "$(dirname "$SRC")" --ip 127.0.0.5 --port 6891 \
    --report "$T/seed-lt.json" --no-unchoke > "$T/seed-lt.log" 2>&1 < /dev/null &
PIDS+=($!)
seeding() { "$PY" -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["complete"] else 1)' "$T/seed-lt.json" 2>/dev/null; }
wait_until 60 seeding || fail "libtorrent seed not ready: $(tail -n 5 "$T/seed-lt.log")"
swarm_bg leech download "$T/t.torrent" --dir "$T/out-swarm" --bind 127.0.0.6 --port 6881 --peer 127.0.0.5:6891 --no-dht
some_pieces() { [ "$(field leech pieces 2>/dev/null || echo 0)" -ge 1 ]; }
on_fail() { show leech; tail -n 5 "$T/seed-lt.log" >&2; }
wait_until 60 some_pieces || fail "Swarm got no allowed-fast piece from a choking libtorrent seed"
sleep 5
have=$(field leech pieces)
[ "$have" -le 5 ] || fail "Swarm got $have pieces from a seed that never unchokes (allowed fast is 5)"
note "Swarm leecher got $have allowed-fast pieces from a choking libtorrent seed"
echo "PASS: allowed_fast both ways with libtorrent (libtorrent got its 10, Swarm got $have)"
