#!/bin/bash
# Usage: netns bash corrupt_peer.sh
# Swarm downloads while two peers offer the whole torrent: an honest libtorrent seeder (127.0.0.1,
# capped at 1 MiB/s so that the other peer gets plenty of requests) and evil_peer.py (127.0.0.66),
# which answers every request with random bytes. Both are announced to the tracker. The download
# must still match byte for byte, and Swarm must report hash_failures > 0 and ban the evil peer.
. "$(dirname "$0")/lib.sh"

make_payload 8
make_torrent "$T/t.torrent" http://127.0.0.1:6969/announce
start_tracker "$T/t.torrent"

"$PY" "$SCENARIOS/evil_peer.py" "$T/t.torrent" --ip 127.0.0.66 --port 6881 > "$T/evil.log" 2>&1 < /dev/null &
evil=$!
PIDS+=("$evil")
wait_until 10 listening 127.0.0.66 6881 || fail "evil peer not listening: $(cat "$T/evil.log")"
"$PY" "$I/lt.py" announce "$T/t.torrent" 127.0.0.66 6881 > /dev/null

mkdir -p "$T/seed"
"$PY" "$I/lt.py" seed "$T/t.torrent" "$(dirname "$SRC")" --ip 127.0.0.1 --port 6881 \
    --ready-file "$T/seed/ready" --upload-kib 1024 > "$T/seed/client.log" 2>&1 < /dev/null &
PIDS+=($!)
wait_until 60 test -e "$T/seed/ready" || fail "libtorrent seeder not ready: $(tail -n 5 "$T/seed/client.log")"
"$PY" "$I/lt.py" announce "$T/t.torrent" 127.0.0.1 6881 > /dev/null
note "evil peer on 127.0.0.66:6881, honest libtorrent seeder (1 MiB/s) on 127.0.0.1:6881"

on_fail() { echo "---- evil peer log ----" >&2; cat "$T/evil.log" >&2; }
swarm_download leech 120 "$T/t.torrent" "$T/out" 127.0.0.2 6882 $(crutch 127.0.0.66:6881 127.0.0.1:6881)
same_tree "$T/out"
failures=$(field leech hash_failures) banned=$(field leech banned_peers)
grep -q 'handshake done' "$T/evil.log" || fail "swarm never connected to the evil peer, so the test proves nothing"
[ "$failures" -gt 0 ] || fail "hash_failures=$failures: no corrupt piece detected"
[ "$banned" -ge 1 ] || fail "banned_peers=$banned: the evil peer was not banned"
note "evil peer: $(tail -n 1 "$T/evil.log")"
echo "PASS: corrupt peer detected and banned: $(summary leech)"
