import Foundation
import Testing

@testable import TerminalUI

/// The speed target: 10,000 torrents, 200 peers on the selected one, the list scrolling.
/// A benchmark, not a timed test: it only runs with `SWARM_BENCH=1` and prints its numbers
/// (`SWARM_BENCH=1 swift test -c release --filter RenderBenchmark`).
@Suite struct RenderBenchmark {
    @Test(.enabled(if: Environment.bench)) func tenThousandTorrents() {
        let rows = (1...10_000).map { (n: Int) -> TorrentRow in
            TorrentRow(id: TorrentID("t\(n)"), name: "torrent number \(n) with a fairly long name.iso", number: n,
                size: Int64(n) << 20, bytesDone: Int64(n) << 19, state: n % 3 == 0 ? .seeding : .downloading,
                downloadRate: Double(n * 1000), uploadRate: Double(n * 100), seedsConnected: n % 7, peersConnected: n % 50)
        }
        let peers = (0..<200).map { (n: Int) -> PeerRow in
            let address = "10.0.0.\(n):6881"
            let rate = Double(n) * 5000
            return PeerRow(address: address, client: "libtorrent 2.0.8", amInterested: true, peerChoking: n % 4 == 0,
                downloadRate: rate, progress: Double(n) / 200)
        }
        var app = AppCore(size: Size(width: 160, height: 50))
        let clock = ContinuousClock()
        let ingestStart = clock.now
        for second in 0..<10 {
            app.ingest(SwarmUpdate(rows: rows, detail: TorrentDetail(id: app.selectedID ?? rows[0].id, peers: peers,
                pieceCount: 4096)), at: .seconds(second))
        }
        let ingest = (clock.now - ingestStart) / 10
        var frames: [Duration] = []
        for frame in 0..<300 {
            _ = app.handle(frame % 100 < 50 ? .down : .pageDown)
            let start = clock.now
            let buffer = app.render()
            frames.append(clock.now - start)
            #expect(buffer.size.width == 160)
        }
        frames.sort()
        print("RenderBenchmark: ingest of 10,000 rows \(ingest); render median \(frames[150]), p95 \(frames[285]), max \(frames.last!)")
    }
}

enum Environment {
    static var bench: Bool { ProcessInfo.processInfo.environment["SWARM_BENCH"] == "1" }
}
