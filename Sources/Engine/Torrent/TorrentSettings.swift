/// A torrent's place in the queue: higher priorities start first when active slots are limited.
public enum TorrentPriority: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case low = -1
    case normal = 0
    case high = 1

    public var label: String {
        switch self {
        case .low: "low"
        case .normal: "normal"
        case .high: "high"
        }
    }

    public var raised: TorrentPriority? { TorrentPriority(rawValue: rawValue + 1) }
    public var lowered: TorrentPriority? { TorrentPriority(rawValue: rawValue - 1) }
    public static func < (a: TorrentPriority, b: TorrentPriority) -> Bool { a.rawValue < b.rawValue }
}

/// How much a file is wanted. Skipped files are not downloaded, nor created unless a piece they share with
/// a wanted file reaches them. The raw values are the piece priorities the picker gets (as in libtorrent).
public enum FilePriority: Int, Sendable, Hashable, CaseIterable, Codable {
    case skip = 0
    case low = 1
    case normal = 4
    case high = 7

    public var label: String {
        switch self {
        case .skip: "skip"
        case .low: "low"
        case .normal: "normal"
        case .high: "high"
        }
    }

    public var raised: FilePriority? {
        let all = Self.allCases
        return all.firstIndex(of: self).flatMap { $0 + 1 < all.count ? all[$0 + 1] : nil }
    }

    public var lowered: FilePriority? {
        let all = Self.allCases
        return all.firstIndex(of: self).flatMap { $0 > 0 ? all[$0 - 1] : nil }
    }
}

/// What the user chose for one torrent. Changeable while it runs (`Torrent.apply(_:)`) and saved with
/// the torrent, so it is a plain `Codable` value.
public struct TorrentSettings: Sendable, Hashable, Codable {
    public var priority: TorrentPriority = .normal
    /// One per file of the torrent; empty means every file at normal priority.
    public var filePriorities: [FilePriority] = []
    /// Bytes per second; nil for no limit of this torrent's own (the session's limit still applies).
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    /// Stop seeding once uploaded / size reaches this; nil for the session's default, `noSeedLimit` for none.
    public var seedRatioLimit: Double?
    /// Stop seeding after this many seconds spent seeding; nil for the session's default, `noSeedLimit` for none.
    public var seedTimeLimit: Double?
    /// A seeding limit of this torrent's own that is no limit, whatever the session's (qBittorrent's -1).
    public static let noSeedLimit: Double = -1
    /// Download pieces in order (for playing while downloading).
    public var sequential = false
    /// Download the first and last piece of each wanted file before the rest (for previews).
    public var firstAndLastPiecesFirst = false
    /// Connected peers at most; nil for the configuration's `maxPeers`.
    public var maxPeers: Int?

    public init() {}

    /// The limit that applies: this torrent's own, else the session's; nil when none does.
    public static func effectiveSeedLimit(own: Double?, session: Double?) -> Double? {
        guard let own else { return session }
        return own < 0 ? nil : own
    }

    /// The priority of file `index`; files without an entry are normal.
    public func priority(ofFile index: Int) -> FilePriority {
        index < filePriorities.count ? filePriorities[index] : .normal
    }
}
