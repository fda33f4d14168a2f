#!/bin/bash
# Usage: netns bash magnet_from_client.sh CLIENT
# Swarm downloads from a magnet link that carries only the info-hash and a tracker (tr=): it finds
# a real CLIENT seeder (libtorrent|transmission|aria2) through opentracker, fetches the metadata from it
# (ut_metadata, BEP 9), then downloads and checks every byte. The torrent is public: libtorrent and
# transmission do not serve the metadata of private torrents.
. "$(dirname "$0")/lib.sh"
client=${1:?client}

make_payload 16
hash=$("$I/maketorrent" "$SRC" "$T/t.torrent" --public --tracker http://127.0.0.1:6969/announce | awk '/^v1 /{print $2}')
[ ${#hash} -eq 40 ] || fail "maketorrent printed no v1 info-hash"
start_tracker "$T/t.torrent"
seed_client "$client" "$T/t.torrent" 127.0.0.1:6881

magnet="magnet:?xt=urn:btih:$hash&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
swarm_download leech 150 "$magnet" "$T/out" 127.0.0.2 6882
same_tree "$T/out"
[ "$(field leech hash_failures)" = 0 ] || fail "hash failures from an honest $client seeder"
echo "PASS: swarm fetched a magnet's metadata and data from $client: $(summary leech)"
