#!/usr/bin/python3
"""Usage: lt_magnet.py MAGNET OUT_DIR --ip A --port P [--peer HOST:PORT]... [--timeout S] [--metadata-only]

A libtorrent leecher that starts from a magnet link: it fetches the metadata (ut_metadata, BEP 9)
from the peers it finds through the link's trackers, its x.pe peers and --peer, then downloads.
DHT, LSD, UPnP, NAT-PMP and PEX are off. Exits 0 once the metadata arrived (--metadata-only) or
every piece is verified; 1 on error or timeout. Progress on stderr.
"""
import argparse, os, sys, time
import libtorrent as lt


def main():
    p = argparse.ArgumentParser()
    p.add_argument('magnet'); p.add_argument('out')
    p.add_argument('--ip', required=True); p.add_argument('--port', type=int, required=True)
    p.add_argument('--peer', action='append', default=[])
    p.add_argument('--timeout', type=float, default=120)
    p.add_argument('--metadata-only', action='store_true')
    a = p.parse_args()

    ses = lt.session({
        'listen_interfaces': '%s:%d' % (a.ip, a.port), 'outgoing_interfaces': a.ip,
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
        'enable_incoming_utp': False, 'enable_outgoing_utp': False,
        'allow_multiple_connections_per_ip': True,
        'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    }, 0)  # flags=0: no default plugins, so no ut_pex; ut_metadata is added back below
    ses.add_extension('ut_metadata')
    os.makedirs(a.out, exist_ok=True)
    atp = lt.parse_magnet_uri(a.magnet)
    atp.save_path = a.out
    h = ses.add_torrent(atp)
    for peer in a.peer:
        host, port = peer.rsplit(':', 1)
        h.connect_peer((host.strip('[]'), int(port)))
    t0 = time.time()
    last = 0
    have_metadata_at = None
    while time.time() - t0 < a.timeout:
        ses.wait_for_alert(100)
        for alert in ses.pop_alerts():
            if alert.category() & lt.alert.category_t.error_notification:
                print('lt magnet: %s' % alert.message(), file=sys.stderr)
        st = h.status()
        if st.has_metadata and have_metadata_at is None:
            have_metadata_at = time.time()
            ti = h.torrent_file()
            print('lt magnet: metadata after %.2f s: %s, %d files, %d pieces' % (
                have_metadata_at - t0, ti.name(), ti.num_files(), ti.num_pieces()), file=sys.stderr, flush=True)
            if a.metadata_only:
                return 0
        if st.has_metadata and st.is_seeding:
            print('lt magnet: complete after %.2f s' % (time.time() - t0), file=sys.stderr, flush=True)
            return 0
        if st.errc.value():
            print('lt magnet: error: %s' % st.errc.message(), file=sys.stderr)
            return 1
        if time.time() - last >= 5:
            last = time.time()
            print('lt magnet: %s metadata=%s %.1f%% peers=%d' % (
                st.state, st.has_metadata, st.progress * 100, st.num_peers), file=sys.stderr, flush=True)
    print('lt magnet: timeout after %d s (metadata=%s)' % (a.timeout, h.status().has_metadata), file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
