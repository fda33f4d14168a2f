#!/bin/bash
# Usage: Benchmarks/claims.sh {claim1|claim2} [options]
# The seed's two claims with Swarm peers beside libtorrent's, in one run, on loopback only (re-runs
# itself inside the interop `netns`: a fresh network namespace with only `lo`; needs root).
#  claim1 (flash crowd): 1 seeder capped at --seed-kib, N leechers start together, for each N in --ns.
#  claim2 (tit-for-tat): 1 seeder capped at --seed-kib, --leechers L leechers capped at --leech-kib
#         upload, plus 1 free rider that never unchokes anyone.
# Configurations (--configs, in this order within every run; seeder / leechers / free rider):
#   lt           libtorrent / libtorrent / libtorrent   (the interop `claims` script as is: the baseline)
#   swarm        Swarm / Swarm / Swarm (`swarm download --free-ride`, an experiment knob)
#   swarm-super  Swarm with --super-seed / Swarm / Swarm
#   swarm-lt     Swarm / libtorrent / libtorrent        (Swarm seeding to libtorrent)
#   lt-swarm     libtorrent / Swarm / libtorrent        (`claims --leecher-cmd`: Swarm leechers)
# Options: --size MIB (48) --ns "1 4 16" --seed-kib K (claim1 8192, claim2 4096) --leechers L (6)
#   --leech-kib K (2048) --runs R (1) --timeout S (180) --configs "..." (all five)
#   --swarm PATH (default <repo>/.build/release/swarm) --keep (keep the work dir)
#   --launch-at-start: start each Swarm leecher's process at the common start line. By default its session
#   starts before the line and the torrent is added at it, as the interop harness does with libtorrent.
# The interop folder is $SWARM_INTEROP_DIR, or <repo>/../shared/interop. Prints one table per claim:
# claim1: last and mean completion (s) and seeder upload as x payload, per N and configuration;
# claim2: reciprocating leechers' median and slowest, the free rider, free rider / median, seeder x.
set -euo pipefail
B=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$B")
I=${SWARM_INTEROP_DIR:-$ROOT/../shared/interop}
[ -x "$I/claims" ] || { echo "claims.sh: interop scripts not found in $I (set SWARM_INTEROP_DIR)" >&2; exit 2; }
I=$(cd "$I" && pwd)
usage() { sed -n '2,23s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
if [ -z "${SWARM_CLAIMS_IN_NETNS:-}" ]; then
  SWARM_CLAIMS_IN_NETNS=1 exec "$I/netns" bash "$0" "$@"
fi
. "$I/common.sh"
require_netns

claim=$1; shift
case $claim in claim1|claim2) ;; *) usage;; esac
size=48 ns="1 4 16" seed_kib= leechers=6 leech_kib=2048 runs=1 timeout=180 keep= launch=
configs="lt swarm swarm-super swarm-lt lt-swarm"
swarm=$ROOT/.build/release/swarm
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift 2;;         --ns) ns=$2; shift 2;;
    --seed-kib) seed_kib=$2; shift 2;; --leechers) leechers=$2; shift 2;;
    --leech-kib) leech_kib=$2; shift 2;; --runs) runs=$2; shift 2;;
    --timeout) timeout=$2; shift 2;;   --configs) configs=$2; shift 2;;
    --swarm) swarm=$2; shift 2;;       --keep) keep=1; shift;;
    --launch-at-start) launch=--launch-at-start; shift;;
    *) usage;;
  esac
done
[ -n "$seed_kib" ] || { [ $claim = claim1 ] && seed_kib=8192 || seed_kib=4096; }
[ -x "$swarm" ] || die "no swarm binary at $swarm (swift build -c release --product swarm)"
swarm=$(cd "$(dirname "$swarm")" && pwd)/$(basename "$swarm")

W=$(mktemp -d /tmp/swarm-bench-claims.XXXXXX)
PIDS=()
cleanup() {  # SIGTERM to all first, so that they shut down in parallel; then stop_pid each by PID
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do stop_pid "$p" 5; done
  PIDS=()
}
trap 'cleanup; [ -n "$keep" ] || rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/tsv"
log "work dir $W; swarm $swarm; interop $I"

PEER="$PY $B/claims-peer.py $swarm"
LT="$PY $I/claims.py"
# A Swarm leecher as the interop harness's --leecher-cmd.
SWARM_LEECHER="$PEER leech {torrent} {outdir} --ip {ip} --port {port} --stats {stats} --done {done} --upload-kib {upload_kib} --start-at {start_at} $launch"

"$I/payload" "$W/src/data.bin" "$size" >/dev/null
"$I/maketorrent" "$W/src/data.bin" "$W/t.torrent" --tracker http://127.0.0.1:6969/announce >/dev/null

# swarm_run CONFIG RUN N FREE_RIDER(0|1) LEECH_KIB: one run with a Swarm seeder, written to the same
# TSV columns as the interop `claims` script (claim run n role ip done_s uploaded downloaded ok).
swarm_run() {
  local config=$1 run=$2 n=$3 fr=$4 lk=$5 i tsv=$W/tsv/$config.$2.tsv
  local R=$W/run.$config.$run.$n
  mkdir -p "$R"
  [ -s "$tsv" ] || printf 'claim\trun\tn\trole\tip\tdone_s\tuploaded\tdownloaded\tok\n' > "$tsv"
  PIDS=()
  local trk; trk=$(INTEROP_WORKDIR=$R/trk "$I/tracker" "$W/t.torrent" 2>/dev/null); PIDS+=("$trk")
  local extra=; [ "$config" = swarm-super ] && extra="--swarm-arg=--super-seed"
  $PEER seed "$W/t.torrent" "$W/src" --ip 127.0.0.1 --port 6881 --stats "$R/stats.0.json" \
    --upload-kib "$seed_kib" $extra > "$R/log.0" 2>&1 &
  PIDS+=($!)
  wait_until 60 grep -qs '"done": [0-9]' "$R/stats.0.json" || die "swarm seeder not ready (log: $R/log.0)"
  local total=$n; [ "$fr" = 1 ] && total=$((n + 1))
  local T0; T0=$(awk -v n="$(date +%s.%N)" -v k="$total" 'BEGIN{printf "%.3f", n + 1.5 + 0.3*k}')
  echo "$T0" > "$R/t0"
  for i in $(seq 1 "$total"); do
    local ip=127.0.0.$((i+1)) role=leech k=$lk
    [ "$i" -gt "$n" ] && { role=free-ride; k=0; }
    if [ "$config" = swarm-lt ]; then
      local flag=; [ $role = free-ride ] && flag=--free-rider
      $LT leech "$W/t.torrent" "$R/out.$i" --ip "$ip" --port 6881 --stats "$R/stats.$i.json" \
        --start-at "$T0" --upload-kib "$k" --reannounce 2 --timeout "$timeout" $flag > "$R/log.$i" 2>&1 &
    else
      $PEER $role "$W/t.torrent" "$R/out.$i" --ip "$ip" --port 6881 --stats "$R/stats.$i.json" \
        --done "$R/done.$i" --upload-kib "$k" --start-at "$T0" $launch > "$R/log.$i" 2>&1 &
    fi
    PIDS+=($!)
  done
  local end=$(( $(date +%s) + timeout + 5 )) left
  while :; do
    left=0
    for i in $(seq 1 "$total"); do
      grep -q '"done": [0-9]' "$R/stats.$i.json" 2>/dev/null || left=$((left + 1))
    done
    [ $left -eq 0 ] && break
    [ "$(date +%s)" -lt $end ] || { log "$config run $run n=$n: timeout, $left not complete"; break; }
    sleep 0.1
  done
  sleep 0.5
  cleanup
  for i in $(seq 1 "$total"); do
    ok=0; cmp -s "$W/src/data.bin" "$R/out.$i/data.bin" 2>/dev/null && ok=1
    echo "$ok" > "$R/ok.$i"
  done
  "$PY" - "$R" "$claim" "$run" "$n" "$total" "$tsv" <<'EOF'
import json, sys
R, claim, run, n, total, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
def stats(i):
    try: return json.load(open('%s/stats.%d.json' % (R, i)))
    except Exception: return {}
t0 = float(open(R + '/t0').read())
seed = stats(0)
with open(out, 'a') as f:
    f.write('%s\t%s\t%d\tseeder\t127.0.0.1\t-\t%d\t%d\t1\n' % (claim, run, n, seed.get('uploaded', 0), seed.get('downloaded', 0)))
    for i in range(1, total + 1):
        s = stats(i)
        d = s.get('done')
        role = 'free_rider' if s.get('free_rider') else 'leecher'
        ok = open('%s/ok.%d' % (R, i)).read().strip()
        f.write('%s\t%s\t%d\t%s\t127.0.0.%d\t%s\t%s\t%s\t%s\n' % (claim, run, n, role, i + 1,
                '%.2f' % (d - t0) if d else 'DNF', s.get('uploaded', '-'), s.get('downloaded', '-'), ok))
EOF
  rm -rf "$R"/out.*
}

# one CONFIG RUN: every N of claim1, or the claim2 run, for one configuration.
one() {
  local config=$1 run=$2 n
  case $config in
    lt|lt-swarm)
      local cmd=(); [ "$config" = lt-swarm ] && cmd=(--leecher-cmd "$SWARM_LEECHER")
      local args=(--size "$size" --seed-kib "$seed_kib" --runs 1 --timeout "$timeout" --out "$W/tsv/$config.$run.tsv")
      [ $claim = claim1 ] && args+=(--ns "$ns") || args+=(--leechers "$leechers" --leech-kib "$leech_kib")
      bash "$I/claims" "$claim" "${args[@]}" "${cmd[@]}" > "$W/$config.$run.log" 2>&1 \
        || log "$config run $run: claims exited $? (log $W/$config.$run.log)"
      ;;
    swarm|swarm-super|swarm-lt)
      if [ $claim = claim1 ]; then
        for n in $ns; do swarm_run "$config" "$run" "$n" 0 0; done
      else
        swarm_run "$config" "$run" "$leechers" 1 "$leech_kib"
      fi
      ;;
    *) die "unknown configuration $config";;
  esac
}

for run in $(seq 1 "$runs"); do
  for config in $configs; do
    log "$claim run $run: $config"
    one "$config" "$run"
  done
done

"$PY" "$B/claims-table.py" "$claim" "$size" "$W/tsv" $configs
[ -n "$keep" ] && log "kept $W"
exit 0
