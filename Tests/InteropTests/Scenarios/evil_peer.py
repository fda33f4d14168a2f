#!/usr/bin/python3
"""Usage: evil_peer.py TORRENT --ip A --port P [--log F]

A malicious BitTorrent peer for tests (stdlib only): it accepts connections for TORRENT's v1 info
hash on A:P, handshakes, sends a full bitfield, unchokes, and answers every request with random
bytes of the requested length. It never dials out and never uploads a real block. Stops on
SIGTERM/SIGINT. One line per event on stderr (or --log F); a final "served N blocks to M
connections" line on exit.
"""
import argparse, asyncio, hashlib, os, signal, struct, sys


def bdecode_info_span(data):
    """Returns (info_start, info_end, pieces_len) for a torrent's top-level info dictionary."""
    def parse(i):
        c = data[i:i + 1]
        if c == b'i':
            return data.index(b'e', i) + 1
        if c == b'l' or c == b'd':
            i += 1
            while data[i:i + 1] != b'e':
                i = parse(i)
            return i + 1
        colon = data.index(b':', i)
        return colon + 1 + int(data[i:colon])

    def string_at(i):
        colon = data.index(b':', i)
        n = int(data[i:colon])
        return data[colon + 1:colon + 1 + n], colon + 1 + n

    assert data[:1] == b'd'
    i = 1
    while data[i:i + 1] != b'e':
        key, i = string_at(i)
        end = parse(i)
        if key == b'info':
            start = i
            # the piece count: len(pieces) / 20
            j = i + 1
            pieces_len = None
            while data[j:j + 1] != b'e':
                k, j = string_at(j)
                e = parse(j)
                if k == b'pieces':
                    value, _ = string_at(j)
                    pieces_len = len(value)
                j = e
            return start, end, pieces_len
        i = end
    raise ValueError('no info dictionary')


class Evil:
    def __init__(self, info_hash, piece_count, log):
        self.info_hash, self.piece_count, self.log = info_hash, piece_count, log
        self.peer_id = b'-EV0001-' + os.urandom(12)
        self.blocks, self.connections = 0, 0

    def say(self, text):
        print('evil: ' + text, file=self.log, flush=True)

    async def serve(self, reader, writer):
        peer = '%s:%d' % writer.get_extra_info('peername')[:2]
        self.connections += 1
        served = 0
        try:
            hs = await reader.readexactly(68)
            if hs[:20] != b'\x13BitTorrent protocol' or hs[28:48] != self.info_hash:
                self.say('%s: bad handshake, closing' % peer)
                return
            writer.write(b'\x13BitTorrent protocol' + bytes(8) + self.info_hash + self.peer_id)
            bits = bytearray((self.piece_count + 7) // 8)
            for p in range(self.piece_count):
                bits[p // 8] |= 0x80 >> (p % 8)
            writer.write(struct.pack('>IB', 1 + len(bits), 5) + bytes(bits))   # bitfield: all pieces
            writer.write(struct.pack('>IB', 1, 1))                               # unchoke
            await writer.drain()
            self.say('%s: handshake done, sent full bitfield and unchoke' % peer)
            while True:
                (length,) = struct.unpack('>I', await reader.readexactly(4))
                if length == 0:
                    continue                                                     # keep-alive
                msg = await reader.readexactly(length)
                if msg[0] == 6 and length == 13:                                 # request
                    index, begin, size = struct.unpack('>III', msg[1:])
                    if size > 1 << 17:
                        self.say('%s: oversized request %d, closing' % (peer, size))
                        return
                    writer.write(struct.pack('>IBII', 9 + size, 7, index, begin) + os.urandom(size))
                    await writer.drain()
                    served += 1
                    self.blocks += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.say('%s: connection closed after %d garbage blocks' % (peer, served))
            writer.close()


async def main():
    ap = argparse.ArgumentParser(description='a peer that answers every request with random bytes')
    ap.add_argument('torrent')
    ap.add_argument('--ip', required=True)
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--log')
    a = ap.parse_args()
    data = open(a.torrent, 'rb').read()
    start, end, pieces_len = bdecode_info_span(data)
    log = open(a.log, 'a') if a.log else sys.stderr
    evil = Evil(hashlib.sha1(data[start:end]).digest(), pieces_len // 20, log)
    server = await asyncio.start_server(evil.serve, a.ip, a.port)
    evil.say('listening on %s:%d for %s (%d pieces)' % (a.ip, a.port, evil.info_hash.hex(), evil.piece_count))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    evil.say('served %d blocks to %d connections' % (evil.blocks, evil.connections))


if __name__ == '__main__':
    asyncio.run(main())
