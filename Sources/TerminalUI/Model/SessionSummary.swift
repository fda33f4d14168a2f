import Engine

/// Session-wide facts for the header and the status bar.
public struct SessionSummary: Sendable, Hashable {
    /// Bytes per second; nil for unlimited.
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    /// Free space in the download directory; nil when unknown.
    public var freeDiskBytes: Int64?
    /// DHT routing table size; nil when DHT is off or absent.
    public var dhtNodes: Int?
    public var listenPort: Int?
    /// The DHT's lookups, for the status bar; nil when DHT is off or absent.
    public var dht: DHTHealth?
    /// All torrents' seeding limits, connection limits and queue sizes; nil when unknown.
    public var options: Session.Options?
    /// While the engine is still bringing back its saved torrents: how many are listed so far, of how many.
    public var restoring: RestoreProgress?

    public init(
        downloadLimit: Double? = nil, uploadLimit: Double? = nil, freeDiskBytes: Int64? = nil,
        dhtNodes: Int? = nil, listenPort: Int? = nil
    ) {
        self.downloadLimit = downloadLimit
        self.uploadLimit = uploadLimit
        self.freeDiskBytes = freeDiskBytes
        self.dhtNodes = dhtNodes
        self.listenPort = listenPort
    }
}

extension RestoreProgress {
    /// `loading 3200/10000`: what the header shows first while the restore runs.
    var text: String { "loading \(listed)/\(total)" }
}

extension DHTHealth {
    /// `DHT 12 nodes, 1 lookup, 30 peers`: what the status bar shows.
    public var text: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts = ["DHT " + plural(nodes, "node")]
        if lookupsRunning > 0 { parts.append(plural(lookupsRunning, "lookup")) }
        parts.append(plural(peersFound, "peer"))
        return parts.joined(separator: ", ")
    }
}

/// What a `SnapshotSource` hands the UI each time: every torrent's row, the detail of the selected one,
/// and session facts.
public struct SwarmUpdate: Sendable, Hashable {
    public var rows: [TorrentRow]
    public var detail: TorrentDetail?
    public var summary: SessionSummary

    public init(rows: [TorrentRow], detail: TorrentDetail? = nil, summary: SessionSummary = SessionSummary()) {
        self.rows = rows
        self.detail = detail
        self.summary = summary
    }
}
