#!/usr/bin/python3
"""Usage: claims-peer.py SWARM {seed|leech|free-ride} TORRENT DIR --ip A --port P --stats F
                       [--done F] [--upload-kib K] [--start-at T] [--reannounce S] [--trace-step S] [--launch-at-start]
                       [--swarm-arg=ARG]...

One Swarm peer for Benchmarks/claims.sh, speaking the interop `claims` harness's language: it runs
`swarm seed|download ... --json` and turns its JSON lines into the same --stats file as the harness's
libtorrent peers (role, ip, start, done, uploaded, downloaded, progress, peers, free_rider), touches
--done when the download is complete, and keeps seeding until SIGTERM/SIGINT.
  leech      swarm download, seeding on after completion
  free-ride  swarm download --free-ride (an experiment knob: never unchokes anyone)
  seed       swarm seed (done = ready to seed)
--start-at T: a leecher's swarm process starts at once and adds the torrent at unix time T (swarm
--start-at), as the interop harness's libtorrent peers create their session first and add the torrent at
T; with --launch-at-start the process itself starts at T (its start-up then counts in its time).
--reannounce S sends the swarm process SIGUSR1 every S seconds (a tracker re-announce), as the harness
does for its libtorrent peers. --trace-step S (or $SWARM_CLAIMS_TRACE_STEP) samples the progress traces in
the stats file every S seconds instead of every second (swarm --json-interval S).
"""
import argparse, json, os, signal, subprocess, sys, threading, time


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument('swarm')
    p.add_argument('role', choices=['seed', 'leech', 'free-ride'])
    p.add_argument('torrent'); p.add_argument('dir')
    p.add_argument('--ip', required=True); p.add_argument('--port', type=int, required=True)
    p.add_argument('--stats', required=True); p.add_argument('--done')
    p.add_argument('--upload-kib', type=int, default=0)
    p.add_argument('--start-at', type=float, default=0)
    p.add_argument('--reannounce', type=float, default=2.0)
    p.add_argument('--trace-step', type=float, default=float(os.environ.get('SWARM_CLAIMS_TRACE_STEP', '1')),
                   help='seconds between trace samples (default 1, or $SWARM_CLAIMS_TRACE_STEP)')
    p.add_argument('--launch-at-start', action='store_true',
                   help='start the swarm process at --start-at rather than its session before it')
    p.add_argument('--swarm-arg', action='append', default=[], help='one more argument for swarm')
    a = p.parse_args()

    stop = threading.Event()
    child = []

    def on_signal(*_):
        stop.set()
        if child:
            child[0].terminate()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)

    state = {'role': 'seed' if a.role == 'seed' else 'leech', 'ip': a.ip, 'start': None, 'done': None,
             'uploaded': 0, 'downloaded': 0, 'progress': 0.0, 'peers': 0,
             'free_rider': a.role == 'free-ride', 'upload_kib': a.upload_kib, 'client': 'swarm'}

    def write():
        with open(a.stats + '.tmp', 'w') as fh:
            json.dump(state, fh)
        os.replace(a.stats + '.tmp', a.stats)

    write()
    # Like the interop harness's libtorrent peers, a leecher starts its session before the common start
    # line and adds the torrent at it (swarm --start-at); --launch-at-start starts the process at the line.
    early = a.start_at and a.role != 'seed' and not a.launch_at_start
    if a.start_at and not early:
        while not stop.is_set() and time.time() < a.start_at:
            time.sleep(min(0.01, max(0.0, a.start_at - time.time())))
    if stop.is_set():
        return 0
    os.makedirs(a.dir, exist_ok=True)
    command = [a.swarm, 'seed' if a.role == 'seed' else 'download', a.torrent, '--dir', a.dir,
               '--bind', a.ip, '--port', str(a.port), '--json', '--no-dht']
    if a.upload_kib:
        command += ['--upload-limit', str(a.upload_kib)]
    if a.trace_step < 1:
        command += ['--json-interval', str(a.trace_step)]
    if a.role != 'seed':
        command += ['--seed-ratio', '100000']
    if a.role == 'free-ride':
        command += ['--free-ride']
    if early:
        command += ['--start-at', '%.3f' % a.start_at]
    command += a.swarm_arg
    state['start'] = a.start_at if early else time.time()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    child.append(proc)

    def reannounce():
        while not stop.wait(a.reannounce):
            if proc.poll() is None:
                proc.send_signal(signal.SIGUSR1)
    if a.reannounce > 0:
        threading.Thread(target=reannounce, daemon=True).start()

    for line in proc.stdout:
        try:
            s = json.loads(line)
        except ValueError:
            continue
        state.update(uploaded=s.get('uploaded', 0), downloaded=s.get('downloaded', 0),
                     progress=s.get('progress', 0.0), peers=len(s.get('peers', [])),
                     super_seeding=s.get('super_seeding', False))
        # Progress over time (seconds since start, MiB down, MiB up), at most one sample per --trace-step.
        trace = state.setdefault('trace', [])
        t = round(time.time() - state['start'], 2)
        sample = not trace or t - trace[-1][0] >= a.trace_step
        if sample:
            trace.append([t, round(state['downloaded'] / 2**20, 2), round(state['uploaded'] / 2**20, 2)])
        # Payload bytes received from and sent to each connected peer, by address (for a breakdown), and
        # per peer over time (peer_trace: address -> [seconds, MiB from it, MiB to it], per --trace-step).
        for peer in s.get('peers', []):
            state.setdefault('by_peer', {})[peer['address']] = [peer['downloaded'], peer['uploaded']]
            if sample:
                state.setdefault('peer_trace', {}).setdefault(peer['address'], []).append(
                    [t, round(peer['downloaded'] / 2**20, 1), round(peer['uploaded'] / 2**20, 1)])
        event = s.get('event')
        if state['done'] is None and (event == 'complete' or (a.role == 'seed' and event == 'ready')):
            state['done'] = time.time()
            if a.done:
                open(a.done, 'w').close()
            if a.role != 'seed':
                print('claims-peer: %s complete in %.2f s' % (a.ip, state['done'] - state['start']), file=sys.stderr)
        write()
    rc = proc.wait()
    stop.set()
    write()
    return 0 if stop.is_set() or rc == 0 else rc


if __name__ == '__main__':
    sys.exit(main())
