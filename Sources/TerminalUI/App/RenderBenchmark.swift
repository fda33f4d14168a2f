import Engine

/// The UI's cost with a big session, measured without a terminal: `swarm ui-bench` runs it in a release
/// build. It plays `frames` frames at a nominal frame rate while the list scrolls one row per frame, takes a
/// fresh update (every row's rates and progress changed) every `refreshInterval` as the real UI does, renders
/// each frame and compares it with the last one cell by cell, as `CursesScreen.draw` does before it writes.
/// While the selection moves, the detail waits for the next update ("Loading…") as in the real UI.
public struct RenderBenchmark: Sendable {
    public var torrents = 10_000
    public var peers = 200
    public var frames = 600
    public var size = Size(width: 160, height: 50)
    public var framesPerSecond = 10
    public var refreshInterval: Duration = .milliseconds(250)
    public var tab: DetailTab = .peers
    /// Move the selection one row per frame; when false the selection stays and its detail (with `peers`
    /// peers) is drawn in every frame.
    public var scrolls = true

    public init() {}

    public struct Result: Sendable {
        /// Render and compare, per frame.
        public var frameTimes: [Duration]
        /// Taking an update (list query, sort, history), per update.
        public var ingestTimes: [Duration]
        /// Cells that differed from the previous frame, summed over all frames.
        public var changedCells: Int
        /// The simulated time the frames cover.
        public var simulated: Duration

        /// Everything the UI did, as a share of one core over the simulated time.
        public var coreShare: Double {
            let busy = (frameTimes + ingestTimes).reduce(Duration.zero, +)
            return busy / simulated
        }
    }

    public func run() -> Result {
        let clock = ContinuousClock()
        var core = AppCore(size: size)
        var rows = makeRows()
        let detailTemplate = makeDetail(for: rows[0].id)
        core.ingest(SwarmUpdate(rows: rows, detail: detailTemplate), at: .zero)
        for _ in 0..<tabPresses { _ = core.handle(.tab) }
        var frameTimes: [Duration] = []
        var ingestTimes: [Duration] = []
        var changed = 0
        var previous = core.render()
        let frameLength = Duration.seconds(1) / framesPerSecond
        var nextRefresh = refreshInterval
        var generator = SplitMix(seed: 11)
        for frame in 1...max(1, frames) {
            let now = frameLength * frame
            if now >= nextRefresh {
                nextRefresh += refreshInterval
                churn(&rows, generator: &generator)
                var detail = detailTemplate
                detail.id = core.selectedID ?? rows[0].id
                let update = SwarmUpdate(rows: rows, detail: detail)
                let started = clock.now
                core.ingest(update, at: now)
                ingestTimes.append(clock.now - started)
            }
            let started = clock.now
            if scrolls { _ = core.handle(.down) }
            let buffer = core.render()
            changed += Self.differingCells(buffer, previous)
            frameTimes.append(clock.now - started)
            previous = buffer
        }
        return Result(frameTimes: frameTimes, ingestTimes: ingestTimes, changedCells: changed,
            simulated: frameLength * max(1, frames))
    }

    private var tabPresses: Int { DetailTab.allCases.firstIndex(of: tab) ?? 0 }

    private func makeRows() -> [TorrentRow] {
        var generator = SplitMix(seed: 3)
        return (0..<torrents).map { n in
            let size = Int64(1 << 30)
            let seeding = n % 10 != 0
            return TorrentRow(id: TorrentID(String(format16(UInt64(n)))), name: "torrent \(n) \(generator.next() % 1000)",
                number: n + 1, size: size, bytesDone: seeding ? size : Int64(generator.next() % UInt64(size)),
                state: seeding ? .seeding : .downloading, seedsKnown: 10, peersKnown: 50)
        }
    }

    private func makeDetail(for id: TorrentID) -> TorrentDetail {
        let peers = (0..<peers).map { (n: Int) -> PeerRow in
            let address: String = "127.0.\(n / 250).\(n % 250 + 1):6881"
            let rate = Double(n) * 1000
            let progress = Double(n % 100) / 100
            return PeerRow(address: address, client: "libtorrent 2.0.\(n % 10)",
                isIncoming: n % 3 == 0, amChoking: n % 2 == 1, amInterested: true, peerChoking: n % 5 == 0,
                downloadRate: rate, uploadRate: rate / 3, progress: progress,
                requestsInFlight: n % 16, downloaded: Int64(n) << 20, uploaded: Int64(n) << 18, source: .tracker)
        }
        let pieceCount = 4096
        let states = (0..<pieceCount).map { (i: Int) -> PieceMapData.PieceState in
            if i % 3 == 0 { return .have }
            return i % 7 == 0 ? .downloading : .missing
        }
        let availability = (0..<pieceCount).map { UInt16($0 % 13) }
        return TorrentDetail(id: id, peers: peers, pieces: PieceMapData(states: states, availability: availability),
            files: [FileRow(path: "file", size: 1 << 30, bytesDone: 1 << 29)], pieceCount: pieceCount,
            pieceLength: 1 << 18, piecesHave: pieceCount / 3, knownPeers: 500)
    }

    /// What a second of swarm does to the rows: rates move everywhere, downloads progress.
    private func churn(_ rows: inout [TorrentRow], generator: inout SplitMix) {
        for i in rows.indices {
            rows[i].uploadRate = Double(generator.next() % 100_000)
            if rows[i].state == .downloading {
                rows[i].downloadRate = Double(generator.next() % 1_000_000)
                rows[i].bytesDone = min(rows[i].size, rows[i].bytesDone + Int64(rows[i].downloadRate / 4))
            }
        }
    }

    private static func differingCells(_ a: ScreenBuffer, _ b: ScreenBuffer) -> Int {
        guard a.size == b.size else { return a.size.width * a.size.height }
        var count = 0
        for y in 0..<a.size.height {
            for x in 0..<a.size.width where a[x, y] != b[x, y] { count += 1 }
        }
        return count
    }
}

/// Sixteen hex digits, like a shortened info-hash.
private func format16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
