#!/bin/bash
# Usage: netns bash seed_to_client.sh CLIENT
# A real CLIENT leecher (libtorrent|aria2|transmission|rtorrent|qbittorrent) downloads a
# multi-file torrent (uneven files, one smaller than a piece, one empty, short last piece) from a
# Swarm seeder, finding it through opentracker on 127.0.0.1:6969 (HTTP).
# transmission never dials 127.x peers, so the Swarm seeder must dial it: the seeder is started
# once transmission listens, and is handed its address with --peer (crutch) or, without the
# crutch, is sent SIGUSR1 (re-announce, dial new peers) until the connection is up.
. "$(dirname "$0")/lib.sh"
client=${1:?client}

make_payload 16
make_torrent "$T/t.torrent" http://127.0.0.1:6969/announce
start_tracker "$T/t.torrent"

leech_client() {
    INTEROP_WORKDIR=$T/leech-$client "$I/leech" "$client" "$T/t.torrent" "$T/out" \
        --addr 127.0.0.2:6882 --timeout 60
}

if [ "$client" = transmission ]; then
    leech_client & lp=$!
    PIDS+=("$lp")
    wait_until 30 listening 127.0.0.2 6882 || fail "transmission leecher not listening on 127.0.0.2:6882"
    swarm_seed seed "$T/t.torrent" 127.0.0.1 6881 $(crutch 127.0.0.2:6882)
    sp=$BG_PID
    if [ "$CRUTCH" != 1 ]; then
        for _ in $(seq 120); do
            ss -Htn state established "( src 127.0.0.2 )" | grep -q . && break
            kill -0 "$lp" 2>/dev/null || break
            kill -USR1 "$sp"; sleep 0.25
        done
    fi
    rc=0; wait "$lp" || rc=$?
    [ $rc -eq 0 ] || { show seed; fail "transmission leecher failed (exit $rc)"; }
else
    swarm_seed seed "$T/t.torrent" 127.0.0.1 6881
    # Crutch: announce the Swarm seeder to the tracker on its behalf (as `seed` does for every
    # real client), until Swarm announces by itself.
    [ "$CRUTCH" != 1 ] || "$PY" "$I/lt.py" announce "$T/t.torrent" 127.0.0.1 6881 > /dev/null
    leech_client || { show seed; fail "$client leecher did not complete"; }
fi
# transmission 3.00 never creates empty files (it is the leecher here: not Swarm's doing)
if [ "$client" = transmission ]; then same_tree "$T/out" --missing-empty-ok; else same_tree "$T/out"; fi
# the seeder reports once a second: give it time to count the last blocks
uploaded_some() { [ "$(field seed uploaded)" -gt 0 ]; }
wait_until 5 uploaded_some || fail "swarm seeder reports uploaded=$(field seed uploaded)"
echo "PASS: $client downloaded from a swarm seeder: $(summary seed)"
