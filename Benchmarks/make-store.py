#!/usr/bin/env python3
"""Fills a Swarm state directory with N torrents for Benchmarks/store-startup.sh.

Each torrent is one file of SIZE bytes; most are complete (seeding): their file is sparse (no 10 TB
written) and the store says every piece is verified, with the file's real size and mtime, so the engine
takes them as they are, as it would after a clean shutdown. The piece hashes are random: nothing ever
reads the data. A few torrents (every 20th) are paused, half-done downloads.

Usage: make-store.py STATE_DIR DATA_DIR [--count 10000] [--size-mib 1024] [--piece-kib 4096] [--tracker URL]

With --tracker, every torrent names that tracker (use a loopback address: 127.0.0.1:9 refuses at once).
"""
import argparse, hashlib, json, os, random, sqlite3, time

SCHEMA = """
CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
CREATE TABLE torrent (
    infoHash TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, metainfo BLOB NOT NULL, directory TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'queued')), settings BLOB NOT NULL,
    queuePosition INTEGER NOT NULL, pieceCount INTEGER NOT NULL, verifiedPieces BLOB NOT NULL,
    fileCount INTEGER NOT NULL, uploaded INTEGER NOT NULL DEFAULT 0, downloaded INTEGER NOT NULL DEFAULT 0,
    seedingSeconds REAL NOT NULL DEFAULT 0, addedAt REAL NOT NULL, completedAt REAL);
CREATE TABLE torrentFile (
    infoHash TEXT NOT NULL REFERENCES torrent(infoHash) ON DELETE CASCADE, fileIndex INTEGER NOT NULL,
    size INTEGER, modified INTEGER, PRIMARY KEY (infoHash, fileIndex)) WITHOUT ROWID;
CREATE INDEX torrentQueueOrder ON torrent(queuePosition);
INSERT INTO grdb_migrations VALUES ('v1: torrents and their files');
INSERT INTO grdb_migrations VALUES ('v2: queue order index');
"""

def bencode(value):
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        return b"d" + b"".join(bencode(k) + bencode(value[k]) for k in sorted(value)) + b"e"
    raise TypeError(value)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("state")
    parser.add_argument("data")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--piece-kib", type=int, default=4096)
    parser.add_argument("--tracker")
    args = parser.parse_args()
    os.makedirs(args.state, exist_ok=True)
    os.makedirs(args.data, exist_ok=True)
    database = os.path.join(args.state, "swarm.sqlite")
    if os.path.exists(database):
        raise SystemExit(f"{database} exists: use a fresh state directory")
    size = args.size_mib << 20
    piece = args.piece_kib << 10
    pieces = (size + piece - 1) // piece
    rng = random.Random(1)
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    settings = json.dumps({"priority": 0, "filePriorities": [], "sequential": False,
                           "firstAndLastPiecesFirst": False}, sort_keys=True).encode()
    now = time.time()
    for i in range(args.count):
        name = f"torrent-{i:05d}.bin"
        info = {"name": name, "length": size, "piece length": piece, "pieces": rng.randbytes(20 * pieces)}
        info_bytes = bencode(info)
        info_hash = hashlib.sha1(info_bytes).hexdigest()
        trackers = bencode("announce-list") + bencode([[args.tracker]]) if args.tracker else b""
        metainfo = b"d" + trackers + bencode("info") + info_bytes + b"e"
        seeding = i % 20 != 0
        path = os.path.join(args.data, name if seeding else name + ".part")
        with open(path, "wb") as f:
            f.truncate(size)  # sparse: no blocks written
        st = os.stat(path)
        have = pieces if seeding else pieces // 2
        bits = bytearray((pieces + 7) // 8)
        for p in range(have):
            bits[p >> 3] |= 0x80 >> (p & 7)
        db.execute("INSERT INTO torrent VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            info_hash, name, metainfo, os.path.abspath(args.data), "active" if seeding else "paused", settings, i,
            pieces, bytes(bits), 1, rng.randrange(1 << 32) if seeding else 0, size if seeding else size // 2,
            3600.0 if seeding else 0.0, now - 86400, now - 3600 if seeding else None))
        db.execute("INSERT INTO torrentFile VALUES (?,?,?,?)", (info_hash, 0, st.st_size, st.st_mtime_ns))
    db.commit()
    db.close()
    print(f"{args.count} torrents of {args.size_mib} MiB ({pieces} pieces) in {database}")

if __name__ == "__main__":
    main()
