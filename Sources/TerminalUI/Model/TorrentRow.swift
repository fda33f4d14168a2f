import Engine
/// A torrent's identity in the UI (the info-hash in hex).
public struct TorrentID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: TorrentID, b: TorrentID) -> Bool { a.rawValue < b.rawValue }
}

/// What a torrent is doing, as the list shows it.
public enum TorrentState: Sendable, Hashable {
    case downloading
    case seeding
    case paused
    case queued
    case checking(progress: Double)
    /// A magnet link's metadata is being fetched; the share received so far.
    case fetchingMetadata(progress: Double)
    case error(String)

    public var label: String {
        switch self {
        case .downloading: "Downloading"
        case .seeding: "Seeding"
        case .paused: "Paused"
        case .queued: "Queued"
        case .checking: "Checking"
        case .fetchingMetadata: "Metadata"
        case .error: "Error"
        }
    }

    public var role: ColorRole {
        switch self {
        case .downloading, .fetchingMetadata: .downloading
        case .seeding: .seeding
        case .paused: .paused
        case .queued: .queued
        case .checking: .checking
        case .error: .error
        }
    }

    /// Whether data may be moving: used to ask before quitting.
    public var isTransferring: Bool {
        switch self {
        case .downloading, .seeding, .fetchingMetadata: true
        default: false
        }
    }

    public var isPaused: Bool { if case .paused = self { true } else { false } }
    public var isError: Bool { if case .error = self { true } else { false } }
    public var isChecking: Bool { if case .checking = self { true } else { false } }
}

/// One line of the torrent list: everything the list, the header and the status bar need.
public struct TorrentRow: Sendable, Hashable {
    public var id: TorrentID
    /// Untrusted: the buffer makes it terminal-safe when drawn.
    public var name: String
    /// Position in the session (the order torrents were added), from 1.
    public var number: Int
    public var size: Int64
    public var bytesDone: Int64
    public var state: TorrentState
    public var downloadRate: Double
    public var uploadRate: Double
    public var downloaded: Int64
    public var uploaded: Int64
    public var seedsConnected: Int
    public var peersConnected: Int
    /// Seeds and leechers the trackers report; nil when no tracker said.
    public var seedsKnown: Int?
    public var peersKnown: Int?
    public var priority: TorrentPriority
    /// A magnet link whose metadata is not known yet (fetching, or paused before it arrived): no size,
    /// nothing done.
    public var awaitingMetadata: Bool

    public init(
        id: TorrentID, name: String, number: Int, size: Int64, bytesDone: Int64, state: TorrentState,
        downloadRate: Double = 0, uploadRate: Double = 0, downloaded: Int64 = 0, uploaded: Int64 = 0,
        seedsConnected: Int = 0, peersConnected: Int = 0, seedsKnown: Int? = nil, peersKnown: Int? = nil,
        priority: TorrentPriority = .normal, awaitingMetadata: Bool = false
    ) {
        self.id = id
        self.name = name
        self.number = number
        self.size = size
        self.bytesDone = bytesDone
        self.state = state
        self.downloadRate = downloadRate
        self.uploadRate = uploadRate
        self.downloaded = downloaded
        self.uploaded = uploaded
        self.seedsConnected = seedsConnected
        self.peersConnected = peersConnected
        self.seedsKnown = seedsKnown
        self.peersKnown = peersKnown
        self.priority = priority
        if case .fetchingMetadata = state { self.awaitingMetadata = true } else { self.awaitingMetadata = awaitingMetadata }
    }

    public var progress: Double {
        if case .fetchingMetadata(let progress) = state { return progress }
        if awaitingMetadata { return 0 }
        return size == 0 ? 1 : min(1, Double(bytesDone) / Double(size))
    }
    /// Nothing is complete before its metadata is known.
    public var isComplete: Bool {
        !awaitingMetadata && bytesDone >= size
    }
    /// Uploaded over the size, like most clients.
    public var ratio: Double { size == 0 ? 0 : Double(uploaded) / Double(size) }

    /// Seconds left at the current rate; nil when nothing comes in, 0 when complete.
    public var etaSeconds: Double? {
        if isComplete { return 0 }
        guard downloadRate >= 1 else { return nil }
        return Double(size - bytesDone) / downloadRate
    }
}
