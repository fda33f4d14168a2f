import TorrentModel
import Engine
/// Everything the detail tabs show about one torrent.
public struct TorrentDetail: Sendable, Hashable {
    public var id: TorrentID
    public var peers: [PeerRow]
    /// Nil until the engine publishes per-piece state.
    public var pieces: PieceMapData?
    /// Nil until the engine publishes the file list.
    public var files: [FileRow]?
    public var trackers: [TrackerRow]
    public var pieceCount: Int
    public var pieceLength: Int64?
    public var piecesHave: Int
    public var hashFailures: Int
    public var wasted: Int64
    public var bannedPeers: Int
    /// Peer addresses known (from trackers, PEX, DHT), connected or not.
    public var knownPeers: Int
    /// A storage error that stopped the torrent, in plain words.
    public var diskError: String?
    /// What the torrent waits for, from the engine (a magnet link with no peers yet).
    public var status: String?
    /// The user's options for this torrent (order, limits, seeding); nil where the source has none.
    public var settings: TorrentSettings?

    public init(
        id: TorrentID, peers: [PeerRow] = [], pieces: PieceMapData? = nil, files: [FileRow]? = nil,
        trackers: [TrackerRow] = [], pieceCount: Int = 0, pieceLength: Int64? = nil, piecesHave: Int = 0,
        hashFailures: Int = 0, wasted: Int64 = 0, bannedPeers: Int = 0, knownPeers: Int = 0, diskError: String? = nil,
        status: String? = nil
    ) {
        self.id = id
        self.peers = peers
        self.pieces = pieces
        self.files = files
        self.trackers = trackers
        self.pieceCount = pieceCount
        self.pieceLength = pieceLength
        self.piecesHave = piecesHave
        self.hashFailures = hashFailures
        self.wasted = wasted
        self.bannedPeers = bannedPeers
        self.knownPeers = knownPeers
        self.diskError = diskError
        self.status = status
    }
}

/// One connected peer.
public struct PeerRow: Sendable, Hashable {
    public var address: String
    /// Untrusted: decoded from the peer id or the extension handshake.
    public var client: String
    public var isIncoming: Bool
    public var amChoking: Bool
    public var amInterested: Bool
    public var peerChoking: Bool
    public var peerInterested: Bool
    public var isSnubbed: Bool
    public var isOptimistic: Bool
    public var isEncrypted: Bool
    public var downloadRate: Double
    public var uploadRate: Double
    public var progress: Double
    public var requestsInFlight: Int
    public var downloaded: Int64
    public var uploaded: Int64
    public var source: PeerSource

    public init(
        address: String, client: String, isIncoming: Bool = false, amChoking: Bool = true,
        amInterested: Bool = false, peerChoking: Bool = true, peerInterested: Bool = false, isSnubbed: Bool = false,
        isOptimistic: Bool = false, isEncrypted: Bool = false, downloadRate: Double = 0, uploadRate: Double = 0,
        progress: Double = 0, requestsInFlight: Int = 0, downloaded: Int64 = 0, uploaded: Int64 = 0,
        source: PeerSource = .unknown
    ) {
        self.address = address
        self.client = client
        self.isIncoming = isIncoming
        self.amChoking = amChoking
        self.amInterested = amInterested
        self.peerChoking = peerChoking
        self.peerInterested = peerInterested
        self.isSnubbed = isSnubbed
        self.isOptimistic = isOptimistic
        self.isEncrypted = isEncrypted
        self.downloadRate = downloadRate
        self.uploadRate = uploadRate
        self.progress = progress
        self.requestsInFlight = requestsInFlight
        self.downloaded = downloaded
        self.uploaded = uploaded
        self.source = source
    }

    public var isSeed: Bool { progress >= 1 }

    /// rTorrent/libtorrent style flags: D/d we download (unchoked/choked by them) — only shown when we are
    /// interested, U/u they download from us (unchoked/choked) — only when they are interested, I/i
    /// interest the other way around, O optimistic unchoke, S snubbed, E encrypted, and the direction.
    public var flags: String {
        var out: [String] = []
        if amInterested { out.append(peerChoking ? "d" : "D") }
        if peerInterested { out.append(amChoking ? "u" : "U") }
        if !amInterested && !peerInterested { out.append("-") }
        if isOptimistic { out.append("O") }
        if isSnubbed { out.append("S") }
        if isEncrypted { out.append("E") }
        out.append(isIncoming ? "<" : ">")
        return out.joined(separator: " ")
    }
}

/// One file of a torrent.
public struct FileRow: Sendable, Hashable {
    public typealias Priority = FilePriority

    /// Untrusted path inside the torrent, components joined by `/`.
    public var path: String
    public var size: Int64
    public var bytesDone: Int64
    public var priority: Priority
    /// The file's index in the torrent (padding files are not listed, so it may differ from the row).
    public var index: Int?

    public init(path: String, size: Int64, bytesDone: Int64, priority: Priority = .normal, index: Int? = nil) {
        self.index = index
        self.path = path
        self.size = size
        self.bytesDone = bytesDone
        self.priority = priority
    }

    public var progress: Double { size == 0 ? 1 : Double(bytesDone) / Double(size) }
}

/// One tracker.
public struct TrackerRow: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case idle, updating, working, failing
    }

    /// Untrusted URL from the torrent.
    public var url: String
    public var tier: Int
    public var status: Status
    public var isCurrent: Bool
    public var sinceLastAnnounce: Duration?
    public var untilNextAnnounce: Duration?
    public var seeders: Int?
    public var leechers: Int?
    public var downloaded: Int?
    public var peersReceived: Int?
    /// Untrusted message from the tracker or the network.
    public var lastError: String?
    public var lastWarning: String?
    /// Failures in a row (0 when unknown).
    public var consecutiveFailures: Int

    public init(
        url: String, tier: Int = 0, status: Status = .idle, isCurrent: Bool = false,
        sinceLastAnnounce: Duration? = nil, untilNextAnnounce: Duration? = nil, seeders: Int? = nil,
        leechers: Int? = nil, downloaded: Int? = nil, peersReceived: Int? = nil, lastError: String? = nil,
        lastWarning: String? = nil, consecutiveFailures: Int = 0
    ) {
        self.url = url
        self.tier = tier
        self.status = status
        self.isCurrent = isCurrent
        self.sinceLastAnnounce = sinceLastAnnounce
        self.untilNextAnnounce = untilNextAnnounce
        self.seeders = seeders
        self.leechers = leechers
        self.downloaded = downloaded
        self.peersReceived = peersReceived
        self.lastError = lastError
        self.lastWarning = lastWarning
        self.consecutiveFailures = consecutiveFailures
    }
}
