import Foundation
import TorrentModel

/// One torrent as a list shows it (the UI's row, a line of `swarm list`): no peers, trackers or files,
/// and nothing that changes while the torrent is idle (such as its seeding time), so that an idle
/// engine's list stays equal from one moment to the next. The selected torrent's full state travels
/// separately (`SelectedTorrent` in the control protocol).
///
/// On the wire a row is a JSON array, not an object: ten thousand rows with their keys spelled out were
/// most of a list's bytes and of its encoding time.
public struct TorrentListItem: Sendable, Equatable {
    public var infoHash: InfoHash
    public var name: String
    public var activity: TorrentActivity
    public var totalLength: Int64
    public var pieceCount: Int
    public var piecesHave: Int
    /// Bytes of the pieces of files that are not skipped, and how many of them we have.
    public var wantedLength: Int64
    public var bytesHaveWanted: Int64
    /// Bytes per second, whole.
    public var downloadRate: Double
    public var uploadRate: Double
    public var downloaded: Int64
    public var uploaded: Int64
    public var seedsConnected: Int
    public var peersConnected: Int
    /// The most any tracker reports, nil when none reported.
    public var seedsKnown: Int?
    public var peersKnown: Int?
    public var priority: TorrentPriority
    public var filesFinalized: Bool
    public var status: String?

    public init(
        infoHash: InfoHash, name: String, activity: TorrentActivity, totalLength: Int64, pieceCount: Int, piecesHave: Int,
        wantedLength: Int64, bytesHaveWanted: Int64, downloadRate: Double = 0, uploadRate: Double = 0, downloaded: Int64 = 0,
        uploaded: Int64 = 0, seedsConnected: Int = 0, peersConnected: Int = 0, seedsKnown: Int? = nil, peersKnown: Int? = nil,
        priority: TorrentPriority = .normal, filesFinalized: Bool = true, status: String? = nil
    ) {
        self.infoHash = infoHash
        self.name = name
        self.activity = activity
        self.totalLength = totalLength
        self.pieceCount = pieceCount
        self.piecesHave = piecesHave
        self.wantedLength = wantedLength
        self.bytesHaveWanted = bytesHaveWanted
        self.downloadRate = downloadRate
        self.uploadRate = uploadRate
        self.downloaded = downloaded
        self.uploaded = uploaded
        self.seedsConnected = seedsConnected
        self.peersConnected = peersConnected
        self.seedsKnown = seedsKnown
        self.peersKnown = peersKnown
        self.priority = priority
        self.filesFinalized = filesFinalized
        self.status = status
    }

    public init(_ s: TorrentSnapshot) {
        let seeds = s.peers.reduce(0) { $0 + ($1.progress >= 1 ? 1 : 0) }
        self.init(
            infoHash: s.infoHash, name: s.name, activity: s.activity, totalLength: s.totalLength, pieceCount: s.pieceCount,
            piecesHave: s.piecesHave, wantedLength: s.wantedLength, bytesHaveWanted: s.bytesHaveWanted,
            downloadRate: s.downloadRate.rounded(), uploadRate: s.uploadRate.rounded(), downloaded: s.downloaded,
            uploaded: s.uploaded, seedsConnected: seeds, peersConnected: s.peers.count - seeds,
            seedsKnown: s.trackers.compactMap(\.seeders).max(), peersKnown: s.trackers.compactMap(\.leechers).max(),
            priority: s.settings.priority, filesFinalized: s.filesFinalized, status: s.status)
    }

    /// Of the wanted bytes, as `TorrentSnapshot.progress`.
    public var progress: Double { wantedLength == 0 ? 1 : Double(bytesHaveWanted) / Double(wantedLength) }
    public var isFinished: Bool { bytesHaveWanted >= wantedLength && filesFinalized }
    public var isComplete: Bool { piecesHave == pieceCount && filesFinalized }
}

extension TorrentListItem: Codable {
    /// `[hash, name, state, state progress, error, total, pieces, pieces had, wanted, wanted had, down rate,
    /// up rate, downloaded, uploaded, seeds, peers, seeds known, peers known, priority, finalized, status]`
    public func encode(to encoder: Encoder) throws {
        var row = encoder.unkeyedContainer()
        try row.encode(infoHash)
        try row.encode(name)
        let (code, fraction, error) = Self.wireParts(of: activity)
        try row.encode(code)
        try row.encode(fraction)
        try row.encode(error)
        try row.encode(totalLength)
        try row.encode(pieceCount)
        try row.encode(piecesHave)
        try row.encode(wantedLength)
        try row.encode(bytesHaveWanted)
        try row.encode(downloadRate)
        try row.encode(uploadRate)
        try row.encode(downloaded)
        try row.encode(uploaded)
        try row.encode(seedsConnected)
        try row.encode(peersConnected)
        try row.encode(seedsKnown)
        try row.encode(peersKnown)
        try row.encode(priority.rawValue)
        try row.encode(filesFinalized)
        try row.encode(status)
    }

    public init(from decoder: Decoder) throws {
        var row = try decoder.unkeyedContainer()
        infoHash = try row.decode(InfoHash.self)
        name = try row.decode(String.self)
        let code = try row.decode(String.self)
        let fraction = try row.decode(Double.self)
        let error = try row.decode(String?.self)
        guard let activity = Self.activity(wireCode: code, fraction: fraction, error: error) else {
            throw DecodingError.dataCorruptedError(in: row, debugDescription: "unknown torrent state \(code.prefix(40))")
        }
        self.activity = activity
        totalLength = try row.decode(Int64.self)
        pieceCount = try row.decode(Int.self)
        piecesHave = try row.decode(Int.self)
        wantedLength = try row.decode(Int64.self)
        bytesHaveWanted = try row.decode(Int64.self)
        downloadRate = try row.decode(Double.self)
        uploadRate = try row.decode(Double.self)
        downloaded = try row.decode(Int64.self)
        uploaded = try row.decode(Int64.self)
        seedsConnected = try row.decode(Int.self)
        peersConnected = try row.decode(Int.self)
        seedsKnown = try row.decode(Int?.self)
        peersKnown = try row.decode(Int?.self)
        let rawPriority = try row.decode(Int.self)
        guard let priority = TorrentPriority(rawValue: rawPriority) else {
            throw DecodingError.dataCorruptedError(in: row, debugDescription: "unknown priority \(rawPriority)")
        }
        self.priority = priority
        filesFinalized = try row.decode(Bool.self)
        status = try row.decode(String?.self)
        guard row.isAtEnd else { throw DecodingError.dataCorruptedError(in: row, debugDescription: "a torrent row has too many fields") }
    }

    /// The state's wire code, its progress and its error: fields 3 to 5 of a row.
    public static func wireParts(of activity: TorrentActivity) -> (code: String, fraction: Double, error: String?) {
        switch activity {
        case .checking(let fraction): ("checking", fraction, nil)
        case .fetchingMetadata(let fraction): ("metadata", fraction, nil)
        case .downloading: ("downloading", 0, nil)
        case .seeding: ("seeding", 0, nil)
        case .paused: ("paused", 0, nil)
        case .queued: ("queued", 0, nil)
        case .stopped: ("stopped", 0, nil)
        case .error(let why): ("error", 0, why)
        }
    }

    /// The state a row's fields 3 to 5 give; nil for an unknown code.
    public static func activity(wireCode code: String, fraction: Double, error: String?) -> TorrentActivity? {
        switch code {
        case "checking": .checking(fraction)
        case "metadata": .fetchingMetadata(fraction)
        case "downloading": .downloading
        case "seeding": .seeding
        case "paused": .paused
        case "queued": .queued
        case "stopped": .stopped
        case "error": .error(error ?? "")
        default: nil
        }
    }
}

extension Torrent {
    /// This torrent's list row: what `snapshot()` gives, without building the peer and tracker lists.
    public func listItem() -> TorrentListItem {
        let now = self.now
        var seeds = 0
        for key in peers.keys {
            if let bits = picker.peerBitfield(key), bits.isComplete { seeds += 1 }
        }
        var seedsKnown: Int?
        var peersKnown: Int?
        for status in trackerStatuses {
            if let seeders = status.seeders { seedsKnown = max(seedsKnown ?? seeders, seeders) }
            if let leechers = status.leechers { peersKnown = max(peersKnown ?? leechers, leechers) }
        }
        let have = picker.have
        let geometry = metainfo.geometry
        var shownActivity = activity
        if let checkProgress {
            shownActivity = .checking(Double(checkProgress.current) / Double(max(metainfo.pieceCount, 1)))
        }
        return TorrentListItem(
            infoHash: metainfo.infoHash, name: metainfo.name, activity: shownActivity, totalLength: metainfo.totalLength,
            pieceCount: metainfo.pieceCount, piecesHave: have.setCount, wantedLength: geometry.byteCount(of: wantedPieces),
            bytesHaveWanted: have.isComplete ? geometry.byteCount(of: wantedPieces) : geometry.byteCount(of: have.intersection(wantedPieces)),
            downloadRate: isRunning ? download.rate(now: now).rounded() : 0, uploadRate: isRunning ? upload.rate(now: now).rounded() : 0,
            downloaded: download.total, uploaded: upload.total, seedsConnected: seeds, peersConnected: peers.count - seeds,
            seedsKnown: seedsKnown, peersKnown: peersKnown, priority: settings.priority, filesFinalized: pendingRenames == 0)
    }
}

extension Session {
    /// Every torrent's list row, in the order they were added (magnet links fetching metadata too). Rows
    /// their torrents cache are read without a hop; when every row was cached and nothing changed since
    /// (the same `listRevision`), the last list is the list.
    public func listItems() async -> [TorrentListItem] {
        let revision = listRevision.current
        if let steadyRows, steadyRows.revision == revision { return steadyRows.rows }
        var result: [TorrentListItem] = []
        result.reserveCapacity(order.count)
        var steady = true
        for hash in order {
            if let torrent = torrents[hash] {
                if let row = torrent.rowCache.current {
                    result.append(row)
                } else {
                    let (row, cached) = await torrent.listItemCaching()
                    result.append(row)
                    steady = steady && cached
                }
            } else if let fetch = fetches[hash] {
                result.append(TorrentListItem(await fetch.snapshot()))
                steady = false
            }
        }
        steadyRows = steady ? (revision, result) : nil
        return result
    }
}
