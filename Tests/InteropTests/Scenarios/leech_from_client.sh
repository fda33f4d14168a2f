#!/bin/bash
# Usage: netns bash leech_from_client.sh CLIENT [http|udp]
# Swarm downloads a multi-file torrent (uneven files, one smaller than a piece, one empty, short
# last piece) from a real CLIENT seeder (libtorrent|transmission|aria2|rtorrent|qbittorrent),
# finding it through opentracker on 127.0.0.1:6969 over HTTP (default) or UDP.
# The torrent has only the tracker of the chosen scheme, except that aria2 speaks UDP-tracker only
# through its DHT (off here), so with udp an http tier is added after the udp one for it.
. "$(dirname "$0")/lib.sh"
client=${1:?client} scheme=${2:-http}
[ "$scheme" = http ] || [ "$scheme" = udp ] || fail "scheme must be http or udp"

make_payload 16
trackers=("$scheme://127.0.0.1:6969/announce")
[ "$scheme:$client" != udp:aria2 ] || trackers+=(http://127.0.0.1:6969/announce)
make_torrent "$T/t.torrent" "${trackers[@]}"
start_tracker "$T/t.torrent"
seed_client "$client" "$T/t.torrent" 127.0.0.1:6881

swarm_download leech 120 "$T/t.torrent" "$T/out" 127.0.0.2 6882 $(crutch 127.0.0.1:6881)
same_tree "$T/out"
[ "$(field leech hash_failures)" = 0 ] || fail "hash failures from an honest $client seeder"
echo "PASS: swarm downloaded from $client over $scheme tracker: $(summary leech)"
