#!/usr/bin/env python3
"""Times control requests against a running swarm daemon, over one connection of its Unix socket.

Usage: command-latency.py SOCKET TORRENT [--rounds 40]

Each round sends, waiting for each reply: pause TORRENT, resume TORRENT, a session limit (swarm limit),
a torrent option (swarm set TORRENT --max-peers) and an overview (a read, for comparison); then rounds
of a queue size (swarm set --max-active-seeds N, far above the torrents' count) and pause and resume
with that queue limit in force. The queue limit is cleared at the end. Prints the median and the 90th percentile of each, in milliseconds.
The client's own cost (JSON of an overview with thousands of rows) is in the overview's time.
"""
import argparse, json, socket, statistics, time


class Connection:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buffer = b""
        self.next_id = 1

    def request(self, body):
        ident = self.next_id
        self.next_id += 1
        self.sock.sendall(json.dumps({"id": ident, "request": body}).encode() + b"\n")
        while True:
            line = self.read_line()
            reply = json.loads(line)
            if reply.get("id") == ident:
                return reply["reply"]

    def read_line(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise SystemExit("the daemon closed the connection")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("torrent")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    connection = Connection(args.socket)
    welcome = connection.request({"hello": {"version": 2, "client": "command-latency"}})
    if "welcome" not in welcome:
        raise SystemExit(f"no welcome: {welcome}")
    pause = lambda i: {"pause": {"torrent": args.torrent}}
    resume = lambda i: {"resume": {"torrent": args.torrent}}
    # First with no queue limits (the default), then with one: then every change of a torrent has the
    # queue planned again, which reads every torrent.
    phases = [
        {
            "pause": pause,
            "resume": resume,
            "limit": lambda i: {"limit": {"download": {"bytesPerSecond": {"_0": float((i % 7 + 1) << 20)}}}},
            "set_torrent": lambda i: {"setTorrentOptions": {"torrent": args.torrent,
                                                             "change": {"maxPeers": {"value": {"_0": float(40 + i % 9)}}}}},
            "overview": lambda i: {"overview": {}},
        },
        {
            "set_session_queue": lambda i: {"setSessionOptions": {"change": {"maxActiveSeeds": {"value": {"_0": float(20000 + i)}}}}},
            "pause_queue": pause,
            "resume_queue": resume,
        },
    ]
    for kinds in phases:
        times = {name: [] for name in kinds}
        for i in range(args.rounds):
            for name, make in kinds.items():
                began = time.perf_counter()
                reply = connection.request(make(i))
                times[name].append((time.perf_counter() - began) * 1000)
                if "failure" in reply:
                    raise SystemExit(f"{name}: {reply['failure']}")
        for name, values in times.items():
            values.sort()
            p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
            print(f"{name:18s} median_ms={statistics.median(values):7.2f} p90_ms={p90:7.2f} n={len(values)}")
    # Back to no queue limit for what follows.
    connection.request({"setSessionOptions": {"change": {"maxActiveSeeds": {"cleared": {}}}}})


if __name__ == "__main__":
    main()
