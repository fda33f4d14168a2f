import Engine
import TorrentModel
import Tracker

/// Turns the engine's `TorrentSnapshot`s into the UI's rows and detail. Fills what the engine publishes
/// today.
public struct SnapshotFeed: SnapshotSource {
    private let snapshots: @Sendable () async -> [TorrentSnapshot]
    private let summary: @Sendable () async -> SessionSummary
    private let details: @Sendable (InfoHash) async -> TorrentDetailSnapshot?

    /// `SnapshotFeed { await session.snapshots() }` is a complete source; `details` adds the piece map and
    /// files of the selected torrent.
    public init(
        summary: @escaping @Sendable () async -> SessionSummary = { SessionSummary() },
        details: @escaping @Sendable (InfoHash) async -> TorrentDetailSnapshot? = { _ in nil },
        snapshots: @escaping @Sendable () async -> [TorrentSnapshot]
    ) {
        self.snapshots = snapshots
        self.summary = summary
        self.details = details
    }

    public func update(selected: TorrentID?) async -> SwarmUpdate {
        let all = await snapshots()
        let rows = all.enumerated().map { TorrentRow($1, number: $0 + 1) }
        var detail: TorrentDetail?
        if let chosen = all.first(where: { TorrentID($0.infoHash.hex) == selected }) {
            detail = TorrentDetail(chosen, extra: await details(chosen.infoHash))
        }
        return SwarmUpdate(rows: rows, detail: detail, summary: await summary())
    }
}

extension TorrentID {
    public init(_ hash: InfoHash) { self.init(hash.hex) }
}

extension TorrentState {
    public init(_ activity: TorrentActivity) {
        switch activity {
        case .checking(let p): self = .checking(progress: p)
        case .fetchingMetadata(let p): self = .fetchingMetadata(progress: p)
        case .downloading: self = .downloading
        case .seeding: self = .seeding
        case .paused, .stopped: self = .paused
        case .queued: self = .queued
        case .error(let message): self = .error(message)
        }
    }
}

extension TorrentRow {
    public init(_ s: TorrentSnapshot, number: Int) {
        let seeds = s.peers.filter { $0.progress >= 1 }.count
        self.init(
            id: TorrentID(s.infoHash), name: s.name, number: number, size: s.wantedLength, bytesDone: s.bytesHaveWanted,
            state: TorrentState(s.activity), downloadRate: s.downloadRate, uploadRate: s.uploadRate,
            downloaded: s.downloaded, uploaded: s.uploaded, seedsConnected: seeds, peersConnected: s.peers.count - seeds,
            seedsKnown: s.trackers.compactMap(\.seeders).max(), peersKnown: s.trackers.compactMap(\.leechers).max(),
            priority: s.settings.priority, awaitingMetadata: s.pieceCount == 0)
    }
}

extension TorrentDetail {
    public init(_ s: TorrentSnapshot, extra: TorrentDetailSnapshot? = nil) {
        let pieces = extra.map { extra in
            PieceMapData(
                states: extra.pieces.map { PieceMapData.PieceState(rawValue: $0.rawValue) ?? .missing },
                availability: extra.availability)
        }
        let files = extra.map { $0.files.map { FileRow(path: $0.path, size: $0.size, bytesDone: $0.bytesDone, priority: $0.priority, index: $0.index) } }
        self.init(
            id: TorrentID(s.infoHash), peers: s.peers.map(PeerRow.init), pieces: pieces, files: files,
            trackers: s.trackers.map(TrackerRow.init), pieceCount: s.pieceCount,
            pieceLength: extra.map { Int64($0.pieceLength) }, piecesHave: s.piecesHave, hashFailures: s.hashFailures,
            wasted: s.wasted, bannedPeers: s.bannedPeers, knownPeers: s.knownPeers, status: s.status)
        settings = s.settings
    }
}

extension PeerRow {
    public init(_ p: PeerSnapshot) {
        self.init(
            address: p.address.description, client: p.client, isIncoming: p.isIncoming, amChoking: p.amChoking,
            amInterested: p.amInterested, peerChoking: p.peerChoking, peerInterested: p.peerInterested,
            isSnubbed: p.isSnubbed, isOptimistic: p.isOptimistic, downloadRate: p.downloadRate,
            uploadRate: p.uploadRate, progress: p.progress, requestsInFlight: p.requestsInFlight,
            downloaded: p.downloaded, uploaded: p.uploaded, source: p.source)
    }
}

extension TrackerRow {
    public init(_ t: TrackerStatus) {
        let status: Status =
            switch t.state {
            case .idle: .idle
            case .updating: .updating
            case .working: .working
            case .failing: .failing
            }
        self.init(
            url: t.url, tier: t.tier, status: status, isCurrent: t.isCurrent, sinceLastAnnounce: t.sinceLastAnnounce,
            untilNextAnnounce: t.untilNextAnnounce, seeders: t.seeders, leechers: t.leechers, downloaded: t.downloaded,
            peersReceived: t.peersReceived, lastError: t.lastError, lastWarning: t.lastWarning)
    }
}
