# lib.sh - shared helpers for the interop scenarios (sourced, not run).
#
# Every scenario runs as one bash script inside a fresh loopback-only namespace:
#     /work/shared/interop/netns bash Tests/InteropTests/Scenarios/NAME.sh [ARGS]
# InteropTests does exactly that. Environment:
#   SWARM_BIN          the swarm binary (default: <repo>/.build/debug/swarm)
#   SWARM_INTEROP_DIR  the interop harness (default: <repo>/../shared/interop)
#   SWARM_PEER_CRUTCH  0 (default): Swarm must find every peer through the trackers. 1: also hand
#                      Swarm its peers with --peer (and announce a Swarm seeder to the tracker on its
#                      behalf), to tell tracker problems from peer-protocol problems when debugging.
#   SWARM_KEEP_WORKDIR 1: keep the work dir even when the scenario passes.
# Exit status: 0 pass, 77 skip (a Swarm feature the scenario needs is missing), else fail.

set -euo pipefail

SCENARIOS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCENARIOS/../../.." && pwd)
SWARM=${SWARM_BIN:-$REPO/.build/debug/swarm}
I=${SWARM_INTEROP_DIR:-$REPO/../shared/interop}
CRUTCH=${SWARM_PEER_CRUTCH:-0}
[ -x "$SWARM" ] || { echo "no swarm binary at $SWARM (swift build first)" >&2; exit 1; }
[ -x "$I/netns" ] || { echo "no interop harness at $I" >&2; exit 1; }
. "$I/common.sh"                 # PY, log, die, wait_until, tcp_listening, stop_pid, elapsed
require_netns

SCENARIO=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/swarm-interop-$SCENARIO.XXXXXX")
T0=$(date +%s.%N)
PIDS=()

cleanup() {
    local rc=$? i
    for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do stop_pid "${PIDS[$i]}" 10; done
    if { [ $rc -eq 0 ] || [ $rc -eq 77 ]; } && [ "${SWARM_KEEP_WORKDIR:-0}" != 1 ]; then
        rm -rf "$T"
    else
        echo "work dir kept: $T" >&2
    fi
    echo "$SCENARIO: exit $rc after $(elapsed "$T0" "$(date +%s.%N)") s" >&2
}
trap cleanup EXIT
trap 'exit 143' INT TERM

skip() { echo "SKIP: $*"; exit 77; }
# fail MESSAGE: ends the scenario; runs the scenario's on_fail function first, if it has one.
fail() {
    if declare -F on_fail > /dev/null; then on_fail || true; fi
    echo "FAIL: $*" >&2
    exit 1
}
note() { echo "[$(date +%H:%M:%S)] $SCENARIO: $*" >&2; }

# crutch IP:PORT... : prints "--peer IP:PORT" for each, unless SWARM_PEER_CRUTCH=0.
crutch() {
    [ "$CRUTCH" = 1 ] || return 0
    local a
    for a in "$@"; do printf -- '--peer %s ' "$a"; done
}

# make_payload MIB: $T/src/payload, a folder of files of uneven sizes (pieces straddle files),
# plus one file smaller than a piece, one empty file, and an odd total (short last piece).
make_payload() {
    "$I/payload" "$T/src/payload" "$1" --files 3 --extra-bytes 12345
    "$I/payload" "$T/src/payload/tiny.bin" 0 --extra-bytes 5000
    : > "$T/src/payload/empty.dat"
    SRC=$T/src/payload
}

# make_torrent OUT TRACKER_URL...: a private v1 torrent of $SRC, 256 KiB pieces, one tier per URL.
make_torrent() {
    local out=$1 args=() u; shift
    for u in "$@"; do args+=(--tracker "$u"); done
    "$I/maketorrent" "$SRC" "$out" "${args[@]}" > /dev/null
}

# start_tracker TORRENT...: opentracker on 127.0.0.1:6969 (HTTP and UDP).
start_tracker() {
    PIDS+=("$(INTEROP_WORKDIR=$T/tracker "$I/tracker" "$@")")
}

# seed_client CLIENT TORRENT IP:PORT: a real client seeding $SRC's parent folder.
seed_client() {
    PIDS+=("$(INTEROP_WORKDIR=$T/seed-$1 "$I/seed" "$1" "$2" "$(dirname "$SRC")" "$3")")
    SEED_PID=${PIDS[-1]}
}

# swarm_bg NAME SUBCOMMAND ARGS...: starts swarm in the background with --json; stdout goes to
# $T/NAME.json, stderr to $T/NAME.log. Sets BG_PID.
swarm_bg() {
    local name=$1; shift
    "$SWARM" "$@" --json > "$T/$name.json" 2> "$T/$name.log" < /dev/null &
    BG_PID=$!
    PIDS+=("$BG_PID")
}

# swarm_seed NAME TORRENT IP PORT [ARGS...]: starts a Swarm seeder of $SRC and waits until it is
# ready (verified, listening). Sets BG_PID.
swarm_seed() {
    local name=$1 torrent=$2 ip=$3 port=$4; shift 4
    swarm_bg "$name" seed "$torrent" --dir "$(dirname "$SRC")" --bind "$ip" --port "$port" "$@"
    local pid=$BG_PID
    ready() { grep -q '"event":"ready"' "$T/$name.json" || ! kill -0 "$pid" 2>/dev/null; }
    wait_until 120 ready || fail "swarm seeder $name not ready within 120 s"
    kill -0 "$pid" 2>/dev/null || { show "$name"; fail "swarm seeder $name died"; }
    BG_PID=$pid
    note "swarm seeding on $ip:$port (pid $pid)"
}

# swarm_download NAME TIMEOUT TORRENT OUTDIR IP PORT [ARGS...]: downloads, and fails (showing its
# log) unless swarm exits 0 within TIMEOUT s. Also fails early when the download stalls: no new
# payload byte for $SWARM_STALL_S s (default 40).
swarm_download() {
    local name=$1 limit=$2 torrent=$3 out=$4 ip=$5 port=$6; shift 6
    local t0 rc=0 pid last= now mark stall=${SWARM_STALL_S:-40}
    t0=$(date +%s)
    mark=$t0
    "$SWARM" download "$torrent" --dir "$out" --bind "$ip" --port "$port" "$@" \
        --json > "$T/$name.json" 2> "$T/$name.log" < /dev/null &
    pid=$!
    PIDS+=("$pid")
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.5
        now=$(date +%s)
        local seen
        seen=$(tail -n 1 "$T/$name.json" 2>/dev/null | grep -o '"downloaded":[0-9]*' || true)
        if [ "$seen" != "$last" ]; then last=$seen mark=$now; fi
        if [ $(( now - mark )) -ge "$stall" ] || [ $(( now - t0 )) -ge "$limit" ]; then
            kill -INT "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            show "$name"
            if [ $(( now - t0 )) -ge "$limit" ]; then fail "swarm download $name not done after $limit s"; fi
            fail "swarm download $name stalled: no payload byte for $stall s (${last:-no progress line})"
        fi
    done
    wait "$pid" || rc=$?
    if [ $rc -ne 0 ]; then
        show "$name"
        fail "swarm download $name exited $rc"
    fi
    note "swarm download $name done in $(( $(date +%s) - t0 )) s: $(summary "$name")"
}

# last_json NAME [EVENT]: the last JSON line swarm wrote (of EVENT, if given).
last_json() {
    if [ $# -ge 2 ]; then grep "\"event\":\"$2\"" "$T/$1.json" | tail -n 1; else tail -n 1 "$T/$1.json"; fi
}

# field NAME KEY [EVENT]: one top-level field of last_json.
field() {
    last_json "$1" ${3:+"$3"} | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

summary() {
    last_json "$1" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
print("state=%s pieces=%s/%s downloaded=%s uploaded=%s wasted=%s hash_failures=%s banned=%s peers=%s" % (
    j["state"], j["pieces"], j["piece_count"], j["downloaded"], j["uploaded"], j["wasted"],
    j["hash_failures"], j["banned_peers"], ",".join(p["address"] + "(" + p["client"] + ")" for p in j["peers"])))'
}

# show NAME: the tail of a swarm process's stderr and JSON output, for failure reports.
show() {
    echo "---- $1: stderr (tail) ----" >&2
    tail -n 40 "$T/$1.log" >&2 2>/dev/null || true
    echo "---- $1: last JSON line ----" >&2
    tail -n 1 "$T/$1.json" >&2 2>/dev/null || true
}

# same_tree OUT [--missing-empty-ok]: the downloaded payload folder must match $SRC byte for byte,
# empty file included. --missing-empty-ok tolerates (and reports) missing empty files, for real
# clients that never create them (transmission 3.00).
same_tree() {
    if [ "${2:-}" = --missing-empty-ok ]; then
        local f
        while IFS= read -r f; do
            [ -e "$1/payload/$f" ] && continue
            note "tolerated: the client did not create the empty file $f"
            : > "$1/payload/$f"
        done < <(cd "$SRC" && find . -type f -empty -printf '%P\n')
    fi
    diff -r "$SRC" "$1/payload" >&2 || fail "downloaded data in $1/payload differs from $SRC"
    note "data matches byte for byte: $1/payload"
}

# listening IP PORT: true once something listens on IP:PORT (TCP).
listening() { ss -Hltn "src $1:$2" 2>/dev/null | grep -q .; }
