import Engine
import Foundation
import TorrentModel

/// A number to set, or to clear: for a torrent, clearing goes back to the session's value; for the
/// session, clearing removes the limit.
public enum NumberSetting: Codable, Sendable, Equatable {
    case cleared
    case value(Double)
    /// A torrent's seeding limit: none, whatever the session's; for the session the same as `cleared`.
    case unlimited

    public var value: Double? {
        if case .value(let number) = self { return number }
        return nil
    }
}

/// What to change of one torrent's options; nil fields are left as they are.
public struct TorrentOptionsChange: Codable, Sendable, Equatable {
    public var sequential: Bool?
    public var firstAndLastPiecesFirst: Bool?
    /// Uploaded / size at which seeding stops.
    public var seedRatioLimit: NumberSetting?
    /// Seconds of seeding after which seeding stops.
    public var seedTimeLimit: NumberSetting?
    /// Connected peers at most.
    public var maxPeers: NumberSetting?

    public init(
        sequential: Bool? = nil, firstAndLastPiecesFirst: Bool? = nil, seedRatioLimit: NumberSetting? = nil,
        seedTimeLimit: NumberSetting? = nil, maxPeers: NumberSetting? = nil
    ) {
        self.sequential = sequential
        self.firstAndLastPiecesFirst = firstAndLastPiecesFirst
        self.seedRatioLimit = seedRatioLimit
        self.seedTimeLimit = seedTimeLimit
        self.maxPeers = maxPeers
    }

    public var isEmpty: Bool { self == TorrentOptionsChange() }
}

/// What to change of the session's options; nil fields are left as they are. The daemon keeps them
/// across restarts until they are set again or the configuration file changes them.
public struct SessionOptionsChange: Codable, Sendable, Equatable {
    public var seedRatioLimit: NumberSetting?
    public var seedTimeLimit: NumberSetting?
    /// Peer connections of all torrents together (cleared: the built-in 200).
    public var maxConnections: NumberSetting?
    /// Connected peers per torrent that sets none of its own (cleared: the built-in 60).
    public var maxPeersPerTorrent: NumberSetting?
    /// Torrents downloading / seeding at once; the others wait, Queued.
    public var maxActiveDownloads: NumberSetting?
    public var maxActiveSeeds: NumberSetting?

    public init(
        seedRatioLimit: NumberSetting? = nil, seedTimeLimit: NumberSetting? = nil, maxConnections: NumberSetting? = nil,
        maxPeersPerTorrent: NumberSetting? = nil, maxActiveDownloads: NumberSetting? = nil, maxActiveSeeds: NumberSetting? = nil
    ) {
        self.seedRatioLimit = seedRatioLimit
        self.seedTimeLimit = seedTimeLimit
        self.maxConnections = maxConnections
        self.maxPeersPerTorrent = maxPeersPerTorrent
        self.maxActiveDownloads = maxActiveDownloads
        self.maxActiveSeeds = maxActiveSeeds
    }
}

/// A torrent's files as `swarm files` lists them.
public struct TorrentFileList: Codable, Sendable, Equatable {
    public var infoHash: InfoHash
    public var name: String
    /// Where the data is: the files' paths are relative to it.
    public var directory: String
    /// Padding files are left out; each keeps its index in the torrent.
    public var files: [TorrentDetailSnapshot.File]

    public init(infoHash: InfoHash, name: String, directory: String, files: [TorrentDetailSnapshot.File]) {
        self.infoHash = infoHash
        self.name = name
        self.directory = directory
        self.files = files
    }
}
