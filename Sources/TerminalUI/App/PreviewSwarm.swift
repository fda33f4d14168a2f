import Engine
/// A make-believe swarm that moves: torrents download at wavering rates, pieces fill in, peers come and
/// go, and commands work. It lets the UI run (and be tested under tmux) without the engine.
public actor PreviewSwarm: SnapshotSource, CommandSink {
    private struct Torrent {
        var row: TorrentRow
        var pieceOrder: [Int]
        var availability: [UInt16]
        var pieceCount: Int
        var files: [FileRow]
        var trackers: [TrackerRow]
        var settings = TorrentSettings()
    }

    private var torrents: [Torrent]
    private var seconds = 0.0
    private var random: SplitMix

    public init() {
        var random = SplitMix(seed: 7)
        var list: [Torrent] = []
        let samples: [(String, Int64, Double, TorrentState)] = [
            ("debian-13.2.0-amd64-netinst.iso", 754 << 20, 0.2, .downloading),
            ("Ünïcode 数据 🎬 season 1", 12_700 << 20, 0.05, .downloading),
            ("big-buck-bunny-1080p", 885 << 20, 1, .seeding),
            ("archlinux-2026.11.01-x86_64.iso", 1_444 << 20, 0.35, .paused),
            ("name with \u{1b}[31mescape\u{1b}[0m sequences", 3 << 20, 0, .error("disk full")),
        ]
        for (name, size, done, state) in samples {
            list.append(Self.make(name, number: list.count + 1, size: size, done: done, state: state, random: &random))
        }
        torrents = list
        self.random = random
    }

    /// Advances the make-believe clock by `dt` seconds (the UI calls `update`, which advances by 0.25 s).
    public func advance(by dt: Double) {
        seconds += dt
        for i in torrents.indices {
            var row = torrents[i].row
            switch row.state {
            case .downloading:
                let wave = 0.6 + 0.4 * Self.sine(seconds / 7 + Double(i))
                row.downloadRate = Double(row.size) / 40 * wave
                row.uploadRate = row.downloadRate / 8
                row.bytesDone = min(row.size, row.bytesDone + Int64(row.downloadRate * dt))
                if row.isComplete {
                    row.state = .seeding
                    row.downloadRate = 0
                }
            case .seeding:
                row.downloadRate = 0
                row.uploadRate = 110_000 * (1 + Self.sine(seconds / 3))
            default:
                row.downloadRate = 0
                row.uploadRate = 0
            }
            row.downloaded += Int64(row.downloadRate * dt)
            row.uploaded += Int64(row.uploadRate * dt)
            row.peersConnected = row.state.isTransferring ? 5 : 0
            row.seedsConnected = row.state.isTransferring && !row.isComplete ? 2 : 0
            torrents[i].row = row
        }
    }

    public func update(selected: TorrentID?) async -> SwarmUpdate {
        advance(by: 0.25)
        let detail = torrents.first { $0.row.id == selected }.map(detail)
        return SwarmUpdate(rows: torrents.map(\.row), detail: detail,
            summary: SessionSummary(freeDiskBytes: 41_200 << 20, dhtNodes: 412))
    }

    public func perform(_ command: UICommand) async -> String? {
        switch command {
        case .pause(let id): edit(id) { $0.row.state = .paused }
        case .resume(let id): edit(id) { $0.row.state = $0.row.isComplete ? .seeding : .downloading }
        case .setPriority(let id, let priority): edit(id) { $0.row.priority = priority }
        case .setFilePriority(let id, let index, let priority):
            edit(id) { if $0.files.indices.contains(index) { $0.files[index].priority = priority } }
        case .recheck(let id): edit(id) { $0.row.state = $0.row.isComplete ? .seeding : .downloading }
        case .remove(let id, _): torrents.removeAll { $0.row.id == id }
        case .setSequential(let id, let on): edit(id) { $0.settings.sequential = on }
        case .setFirstAndLastPiecesFirst(let id, let on): edit(id) { $0.settings.firstAndLastPiecesFirst = on }
        case .move: return "The preview has no data to move."
        case .setRateLimits(let id?, let down, let up):
            edit(id) {
                $0.settings.downloadLimit = down
                $0.settings.uploadLimit = up
            }
        case .setRateLimits(nil, _, _), .setSessionOptions: return "The preview has no engine to limit."
        case .setSeedLimits(let id, let ratio, let seconds):
            edit(id) {
                $0.settings.seedRatioLimit = ratio
                $0.settings.seedTimeLimit = seconds
            }
        case .setMaxPeers(let id, let peers): edit(id) { $0.settings.maxPeers = peers }
        case .add(let source, _, _, _):
            switch source {
            case .torrentFile(let path): return "The preview cannot open \(path): it has no engine."
            case .magnet:
                let number = (torrents.map(\.row.number).max() ?? 0) + 1
                torrents.append(Self.make("magnet download", number: number, size: 200 << 20, done: 0,
                    state: .downloading, random: &random))
            }
        case .quit, .detach: break
        }
        return nil
    }

    private func edit(_ id: TorrentID, _ change: (inout Torrent) -> Void) {
        guard let i = torrents.firstIndex(where: { $0.row.id == id }) else { return }
        change(&torrents[i])
    }

    private static func make(
        _ name: String, number: Int, size: Int64, done: Double, state: TorrentState, random: inout SplitMix
    ) -> Torrent {
        let pieceCount = Int(max(1, size >> 18))
        var order = Array(0..<pieceCount)
        for i in stride(from: pieceCount - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        let availability = (0..<pieceCount).map { _ in UInt16(random.next() % 12) }
        let row = TorrentRow(id: TorrentID("preview\(number)"), name: name, number: number, size: size,
            bytesDone: Int64(Double(size) * done), state: state, seedsKnown: 40, peersKnown: 300)
        let files = [
            FileRow(path: name + "/part 1", size: size / 2, bytesDone: 0),
            FileRow(path: name + "/part 2", size: size - size / 2, bytesDone: 0),
        ]
        let trackers = [
            TrackerRow(url: "http://127.0.0.1:6969/announce", status: .working, isCurrent: true,
                sinceLastAnnounce: .seconds(12), untilNextAnnounce: .seconds(1788), seeders: 40, leechers: 300,
                peersReceived: 50),
            TrackerRow(url: "udp://tracker.invalid:6969", tier: 1, status: .failing, lastError: "host not found",
                consecutiveFailures: 2),
        ]
        return Torrent(row: row, pieceOrder: order, availability: availability, pieceCount: pieceCount,
            files: files, trackers: trackers)
    }

    private func detail(_ t: Torrent) -> TorrentDetail {
        let have = Int(t.row.progress * Double(t.pieceCount))
        var states = [PieceMapData.PieceState](repeating: .missing, count: t.pieceCount)
        for rank in 0..<t.pieceCount {
            if rank < have { states[t.pieceOrder[rank]] = .have }
            else if rank < have + 6, t.row.state == .downloading { states[t.pieceOrder[rank]] = .downloading }
        }
        var files = t.files
        var remaining = t.row.bytesDone
        for i in files.indices {
            files[i].bytesDone = min(files[i].size, remaining)
            remaining -= files[i].bytesDone
        }
        let active = t.row.state.isTransferring
        let peers = (0..<(active ? 7 : 0)).map { n in
            let share = Double(n + 1) / 28
            return PeerRow(address: "127.0.0.\(11 + n):6881",
                client: ["libtorrent 2.0.8", "Transmission 3.00", "aria2", "qBittorrent 4.6.0"][n % 4],
                isIncoming: n % 3 == 0, amChoking: n % 2 == 1, amInterested: !t.row.isComplete, peerChoking: n == 6,
                peerInterested: n % 2 == 0, isSnubbed: n == 5, isOptimistic: n == 3,
                downloadRate: n == 6 ? 0 : t.row.downloadRate * share, uploadRate: t.row.uploadRate * share,
                progress: n < 2 ? 1 : Double(n) / 8, requestsInFlight: n == 6 ? 0 : 4 + n * 3,
                downloaded: Int64(Double(t.row.downloaded) * share), uploaded: Int64(Double(t.row.uploaded) * share),
                source: n % 3 == 0 ? .incoming : .tracker)
        }
        var detail = TorrentDetail(id: t.row.id, peers: peers, pieces: PieceMapData(states: states, availability: t.availability),
            files: files, trackers: t.trackers, pieceCount: t.pieceCount, pieceLength: 1 << 18, piecesHave: have,
            knownPeers: 340)
        detail.settings = t.settings
        return detail
    }

    private static func sine(_ x: Double) -> Double {
        // A smooth wave without Foundation: a parabola approximation of sin over each period.
        let t = x - (x / 2).rounded(.down) * 2
        let u = t < 1 ? t : t - 1
        let s = 4 * u * (1 - u)
        return t < 1 ? s : -s
    }
}

/// A tiny deterministic generator for the preview.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
