/// Download and upload rates sampled once a second, the last `capacity` samples (five minutes).
public struct RateHistory: Sendable, Hashable {
    public static let capacity = 300

    private var down: [Float] = []
    private var up: [Float] = []
    /// Index of the oldest sample once the ring is full.
    private var start = 0

    public init() {}

    public var count: Int { down.count }

    public mutating func append(down d: Double, up u: Double) {
        if down.count < RateHistory.capacity {
            down.append(Float(d))
            up.append(Float(u))
        } else {
            down[start] = Float(d)
            up[start] = Float(u)
            start = (start + 1) % RateHistory.capacity
        }
    }

    /// Samples oldest first.
    public var downloads: [Double] { ordered(down) }
    public var uploads: [Double] { ordered(up) }

    private func ordered(_ ring: [Float]) -> [Double] {
        (0..<ring.count).map { Double(ring[(start + $0) % ring.count]) }
    }
}

/// Rate histories of the whole session and of each torrent, fed from successive updates.
public struct RateHistoryStore: Sendable {
    public private(set) var total = RateHistory()
    public private(set) var torrents: [TorrentID: RateHistory] = [:]
    private var lastSample: Duration?

    public init() {}

    /// Samples `rows` if a second has passed since the last sample. Idle torrents without a history
    /// get none, so ten thousand idle torrents cost nothing.
    public mutating func record(_ rows: [TorrentRow], at now: Duration) {
        if let lastSample, now - lastSample < .seconds(1) { return }
        lastSample = now
        var totalDown = 0.0
        var totalUp = 0.0
        var present = Set<TorrentID>()
        for row in rows {
            totalDown += row.downloadRate
            totalUp += row.uploadRate
            present.insert(row.id)
            if row.downloadRate > 0 || row.uploadRate > 0 || torrents[row.id] != nil {
                torrents[row.id, default: RateHistory()].append(down: row.downloadRate, up: row.uploadRate)
            }
        }
        total.append(down: totalDown, up: totalUp)
        if torrents.count > present.count { torrents = torrents.filter { present.contains($0.key) } }
    }

    public func history(for id: TorrentID) -> RateHistory? { torrents[id] }
}
