#!/usr/bin/python3
"""Usage: lt_peer.py TORRENT DIR --ip A --port P --report F [--pex] [--no-unchoke] [--upload-kib K] [--peer H:P]...

A libtorrent peer for the PEX and fast-extension scenarios (run with Debian's /usr/bin/python3). Like
the harness's lt.py it listens on A:P only, with DHT, LSD, UPnP and NAT-PMP off; unlike it, --pex turns
peer exchange (ut_pex) on, --no-unchoke makes it never unchoke anyone (unchoke_slots_limit 0), and
--upload-kib caps its upload (loopback peers included).
It seeds if DIR holds the data, otherwise downloads, and runs until SIGTERM. Twice a second it rewrites
F with one JSON object: pieces it has, whether it is complete, and every peer it was ever connected to
with the sources libtorrent knows it from ("tracker", "pex", "incoming", ...), and the most peers its
peer list held.
"""
import argparse, json, os, signal, sys, time
import libtorrent as lt

p = argparse.ArgumentParser()
p.add_argument('torrent'); p.add_argument('dir')
p.add_argument('--ip', required=True); p.add_argument('--port', type=int, required=True)
p.add_argument('--report', required=True)
p.add_argument('--pex', action='store_true'); p.add_argument('--no-unchoke', action='store_true')
p.add_argument('--upload-kib', type=int, default=0)
p.add_argument('--peer', action='append', default=[])
a = p.parse_args()

settings = {
    'listen_interfaces': '%s:%d' % (a.ip, a.port), 'outgoing_interfaces': a.ip,
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
    'enable_incoming_utp': False, 'enable_outgoing_utp': False,
    'allow_multiple_connections_per_ip': True, 'announce_to_all_trackers': True,
    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
}
if a.no_unchoke:
    settings['unchoke_slots_limit'] = 0
if a.upload_kib:
    settings['upload_rate_limit'] = a.upload_kib * 1024
ses = lt.session(settings, 0)   # flags 0: no default plugins; add back the ones we want
if a.upload_kib or a.no_unchoke:
    # loopback peers are "local": exempt from rate limits and unchoke slots unless put in the global class
    f = lt.ip_filter()
    f.add_rule('0.0.0.0', '255.255.255.255', 1 << lt.session.global_peer_class_id)
    ses.set_peer_class_filter(f)
ses.add_extension('ut_metadata')
if a.pex:
    ses.add_extension('ut_pex')
atp = lt.add_torrent_params()
atp.ti = lt.torrent_info(a.torrent)
atp.save_path = a.dir
h = ses.add_torrent(atp)
for peer in a.peer:
    host, port = peer.rsplit(':', 1)
    h.connect_peer((host.strip('[]'), int(port)))

running = True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)

sources = {'tracker': lt.peer_info.tracker, 'dht': lt.peer_info.dht, 'pex': lt.peer_info.pex,
           'lsd': lt.peer_info.lsd, 'resume': lt.peer_info.resume_data, 'incoming': 0x20}
seen = {}
most_listed = 0
while running:
    for info in h.get_peer_info():
        address = '%s:%d' % (info.ip[0], info.ip[1])
        names = seen.setdefault(address, set())
        names.update(name for name, bit in sources.items() if info.source & bit)
    st = h.status()
    most_listed = max(most_listed, st.list_peers)
    report = {'pieces': [i for i, have in enumerate(st.pieces) if have], 'complete': st.is_seeding,
              'list_peers': st.list_peers, 'most_listed': most_listed,
              'peers': {k: sorted(v) for k, v in seen.items()}}
    with open(a.report + '.tmp', 'w') as f:
        json.dump(report, f)
    os.replace(a.report + '.tmp', a.report)
    for alert in ses.pop_alerts():
        if alert.category() & lt.alert.category_t.error_notification:
            print('libtorrent: %s' % alert.message(), file=sys.stderr, flush=True)
    time.sleep(0.5)
