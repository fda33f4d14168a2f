#!/usr/bin/python3
"""Usage: chain_tracker.py PORT LOG

An HTTP tracker on 127.0.0.1:PORT for the PEX scenario: it answers each peer's announces with only the
peer that first announced just before it (the first peer hears of nobody), so peers can find the rest of
the swarm only through peer exchange. Every first announce is logged to LOG as "N IP:PORT".
Peers are keyed by IP (each peer has its own loopback address); the port is the announced one.
"""
import http.server, socket, sys, urllib.parse

port, log_path = int(sys.argv[1]), sys.argv[2]
order = []  # (ip, port), by first announce


def bencode(value):
    if isinstance(value, int):
        return b'i%de' % value
    if isinstance(value, bytes):
        return b'%d:%s' % (len(value), value)
    if isinstance(value, dict):
        return b'd' + b''.join(bencode(k.encode()) + bencode(v) for k, v in sorted(value.items())) + b'e'
    raise TypeError(value)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != '/announce' or 'port' not in query:
            self.send_error(404)
            return
        ip = self.client_address[0]
        peer_port = int(query['port'][0])
        known = [i for i, (a, _) in enumerate(order) if a == ip]
        if known:
            index = known[0]
            order[index] = (ip, peer_port)
        else:
            order.append((ip, peer_port))
            index = len(order) - 1
            with open(log_path, 'a') as f:
                f.write('%d %s:%d\n' % (index, ip, peer_port))
        peers = b''
        if index > 0:
            a, p = order[index - 1]
            peers = socket.inet_aton(a) + p.to_bytes(2, 'big')
        body = bencode({'interval': 3600, 'min interval': 3600, 'complete': 0, 'incomplete': 0, 'peers': peers})
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
