#!/bin/bash
# Usage: netns bash magnet_to_client.sh
# A libtorrent leecher given only a magnet link (info-hash and tracker) finds a Swarm seeder through
# opentracker, fetches the metadata from it (ut_metadata, BEP 9), then downloads every byte.
. "$(dirname "$0")/lib.sh"

make_payload 16
hash=$("$I/maketorrent" "$SRC" "$T/t.torrent" --public --tracker http://127.0.0.1:6969/announce | awk '/^v1 /{print $2}')
[ ${#hash} -eq 40 ] || fail "maketorrent printed no v1 info-hash"
start_tracker "$T/t.torrent"
swarm_seed seed "$T/t.torrent" 127.0.0.1 6881

magnet="magnet:?xt=urn:btih:$hash&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
"$PY" "$SCENARIOS/lt_magnet.py" "$magnet" "$T/out" --ip 127.0.0.2 --port 6882 --timeout 90 \
    2> "$T/lt-magnet.log" || { tail -n 20 "$T/lt-magnet.log" >&2; show seed; fail "libtorrent did not complete from the magnet"; }
grep -q 'metadata after' "$T/lt-magnet.log" || fail "libtorrent never reported the metadata"
note "$(grep 'metadata after' "$T/lt-magnet.log")"
same_tree "$T/out"
echo "PASS: libtorrent fetched a magnet's metadata and data from a swarm seeder: $(summary seed)"
