#!/bin/bash
# Usage: Benchmarks/bench.sh [BENCH OPTIONS...]
# Builds swarm in release mode, then runs the interop harness's `bench` with swarm as one more
# leecher (row "swarm") beside libtorrent, aria2 and transmission. Every argument is passed on to
# `bench`, e.g. --size 256 --runs 3, --files 8, --piece-kib 1024, --udp, --drop-caches, --keep;
# a --clients given here replaces the default real-client list. Needs root (bench enters a fresh
# loopback-only network namespace by itself). The harness is found at $SWARM_INTEROP_DIR, else
# at <repo>/../shared/interop (or beside an ancestor of the repository). SWARM_BIN=PATH benches
# that binary instead of building .build/release/swarm.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${SWARM_INTEROP_DIR:-}" ]; then
    I=$SWARM_INTEROP_DIR
else
    I= d=$(dirname "$REPO")
    while :; do
        [ -x "$d/shared/interop/bench" ] && { I=$d/shared/interop; break; }
        [ "$d" = / ] && break
        d=$(dirname "$d")
    done
fi
[ -n "$I" ] && [ -x "$I/bench" ] || { echo "bench.sh: no interop harness (set SWARM_INTEROP_DIR)" >&2; exit 1; }

if [ -n "${SWARM_BIN:-}" ]; then   # a given binary (e.g. another build): no build step
    SWARM=$SWARM_BIN
else
    (cd "$REPO" && swift build -c release --product swarm)
    SWARM=$REPO/.build/release/swarm
fi

# The harness runs the command as `bash -c "CMD && hook"` and, on timeout, kills that bash only:
# setpriv --pdeathsig makes swarm get SIGTERM too, so a failed run leaves no swarm behind.
cmd="setpriv --pdeathsig TERM $(printf %q "$SWARM") download {torrent} --dir {outdir} --bind {ip} --port {port}"

clients="libtorrent aria2 transmission"
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --clients) clients=$2; shift 2;;
        *) args+=("$1"); shift;;
    esac
done
exec "$I/bench" --clients "$clients" --leecher-cmd "$cmd" --name swarm "${args[@]}"
