#!/bin/bash
# Usage: netns bash swarm_tracker.sh
# Swarm's own tracker (`swarm tracker`, HTTP + UDP on 127.0.0.1:6969) brings peers together:
# a libtorrent seeder announces over HTTP; one Swarm leecher finds it over HTTP, another over UDP
# (same info dict, so the same info hash, in a torrent whose only tracker is udp://); then a
# libtorrent leecher downloads from a Swarm seeder that announced itself over HTTP. No --peer
# anywhere: peers come from the tracker only. Skipped (exit 77) while `swarm tracker` is missing.
. "$(dirname "$0")/lib.sh"
# `swarm help NAME` exits 0 and prints the top-level help for an unknown NAME (ArgumentParser), so
# look for the subcommand's own usage line instead of the exit status.
"$SWARM" help tracker 2>&1 | grep -q 'USAGE: swarm tracker' \
    || skip "'swarm tracker' does not exist yet (swarm help tracker shows no 'USAGE: swarm tracker')"

make_payload 8
make_torrent "$T/http.torrent" http://127.0.0.1:6969/announce
make_torrent "$T/udp.torrent" udp://127.0.0.1:6969/announce
"$SWARM" tracker --port 6969 --bind 127.0.0.1 > "$T/tracker.log" 2>&1 < /dev/null &
PIDS+=($!)
wait_until 20 listening 127.0.0.1 6969 || fail "swarm tracker not listening: $(tail -n 20 "$T/tracker.log")"
ss -Hlun "src 127.0.0.1:6969" | grep -q . || fail "swarm tracker does not listen on UDP 127.0.0.1:6969"
note "swarm tracker on 127.0.0.1:6969"

seed_client libtorrent "$T/http.torrent" 127.0.0.1:6881
swarm_download http 120 "$T/http.torrent" "$T/out-http" 127.0.0.2 6882
same_tree "$T/out-http"
swarm_download udp 120 "$T/udp.torrent" "$T/out-udp" 127.0.0.3 6882
same_tree "$T/out-udp"

# the other way round: a Swarm seeder announces itself; libtorrent finds it through the tracker
stop_pid "$SEED_PID"
swarm_seed seed "$T/http.torrent" 127.0.0.4 6881
INTEROP_WORKDIR=$T/leech-lt "$I/leech" libtorrent "$T/http.torrent" "$T/out-lt" --addr 127.0.0.5:6882 \
    --timeout 90 || { show seed; fail "libtorrent did not download from the swarm seeder via the swarm tracker"; }
same_tree "$T/out-lt"
echo "PASS: swarm tracker served HTTP and UDP announces; downloads matched"
