import Engine
import Foundation
import TorrentModel

/// The control protocol: newline-delimited JSON over the daemon's Unix socket. A client sends
/// `hello` first; every request carries an id that its reply repeats, and replies need not come in the
/// order of their requests: reads are answered at once, changes one at a time in the order sent (see
/// `ControlConnection`). The shapes of `hello`, `welcome` and `failure` never change, so any two versions
/// can at least tell each other they differ.
public enum ControlProtocol {
    /// 2: `overview` (compact rows), and subscriptions push an `overview` then `changes`.
    public static let version = 2
    /// A request line at most (a torrent file travels inside one, base64-encoded).
    public static let maxRequestLine = 32 << 20
    /// A reply line at most (a list of many torrents with their peers).
    public static let maxReplyLine = 256 << 20
    /// Snapshots are pushed at most this often, whatever a subscriber asks for.
    public static let minimumSnapshotInterval = 100
}

/// What to add: the bytes of a `.torrent` file, or a magnet link.
public enum AddSource: Codable, Sendable, Equatable {
    case torrent(Data)
    case magnet(String)
}

/// A rate limit to set: none, or bytes per second.
public enum RateLimitSetting: Codable, Sendable, Equatable {
    case unlimited
    case bytesPerSecond(Double)

    public var bytesPerSecond: Double? {
        if case .bytesPerSecond(let rate) = self { return rate }
        return nil
    }
}

/// Requests name torrents with a selector: an info-hash (or a prefix of one), a list position (1 is the
/// first), or a name (or part of one); see `TorrentSelector`.
public enum ControlRequest: Codable, Sendable, Equatable {
    case hello(version: Int, client: String)
    /// `directory` nil: the daemon's download directory. `stopAfterMetadata` (magnet links only): once the
    /// metadata is in, the torrent stays paused so its files can be chosen first.
    case add(source: AddSource, directory: String?, paused: Bool, stopAfterMetadata: Bool? = nil)
    /// Every torrent in full (peers, trackers): large with many torrents; `overview` is what lists use.
    case list
    /// Every torrent's list row and the session's facts (`EngineView`), answered while restoring too.
    case overview
    case pause(torrent: String)
    case resume(torrent: String)
    case recheck(torrent: String)
    case remove(torrent: String, deleteData: Bool)
    /// Session limits when `torrent` is nil. A nil setting is left as it is; both nil only reports them.
    case limit(torrent: String?, download: RateLimitSetting?, upload: RateLimitSetting?)
    case setPriority(torrent: String, priority: TorrentPriority)
    case setFilePriority(torrent: String, file: Int, priority: FilePriority)
    /// Several files at once (indices as `files` lists them); all or none are changed.
    case setFilePriorities(torrent: String, files: [Int], priority: FilePriority)
    /// Replies `files`.
    case files(torrent: String)
    /// Moves the torrent's data into `directory` (absolute); it carries on from there.
    case move(torrent: String, directory: String)
    /// Sequential order, first and last pieces first, seeding limits, peers; replies with them all.
    case setTorrentOptions(torrent: String, change: TorrentOptionsChange)
    /// Seeding limits, connection limits and queue sizes for the whole session; replies with them all.
    case setSessionOptions(change: SessionOptionsChange)
    /// Turns the connection into a stream of replies with this request's id: an `overview`, then
    /// `changes` to it, at most one every `intervalMilliseconds` and only when something changed;
    /// `selected` comes in full with its piece map and files.
    case subscribe(intervalMilliseconds: Int, selected: String?)
    /// On a subscribed connection: change the torrent whose detail is pushed. Gets no reply.
    case select(torrent: String?)
    /// Stops every torrent and the daemon, after replying.
    case shutdown
}

extension ControlRequest {
    /// Whether the request only reads: such requests are answered at once, beside the changes of the same
    /// connection (which are carried out one after the other, in the order they came). A torrent's limits
    /// with no new value are only reported.
    public var onlyReads: Bool {
        switch self {
        case .list, .overview, .files, .limit(_, nil, nil): true
        default: false
        }
    }

    /// The torrent the request names, if it names one.
    public var torrentSelector: String? {
        switch self {
        case .pause(let torrent), .resume(let torrent), .recheck(let torrent), .remove(let torrent, _),
            .setPriority(let torrent, _), .setFilePriority(let torrent, _, _), .setFilePriorities(let torrent, _, _),
            .files(let torrent), .move(let torrent, _), .setTorrentOptions(let torrent, _):
            torrent
        case .limit(let torrent, _, _): torrent
        case .hello, .add, .list, .overview, .setSessionOptions, .subscribe, .select, .shutdown: nil
        }
    }

    /// The same request naming its torrent with `selector` instead (requests that name none are unchanged).
    public func naming(_ selector: String) -> ControlRequest {
        switch self {
        case .pause: .pause(torrent: selector)
        case .resume: .resume(torrent: selector)
        case .recheck: .recheck(torrent: selector)
        case .remove(_, let deleteData): .remove(torrent: selector, deleteData: deleteData)
        case .setPriority(_, let priority): .setPriority(torrent: selector, priority: priority)
        case .setFilePriority(_, let file, let priority): .setFilePriority(torrent: selector, file: file, priority: priority)
        case .setFilePriorities(_, let files, let priority): .setFilePriorities(torrent: selector, files: files, priority: priority)
        case .files: .files(torrent: selector)
        case .move(_, let directory): .move(torrent: selector, directory: directory)
        case .setTorrentOptions(_, let change): .setTorrentOptions(torrent: selector, change: change)
        case .limit(let torrent, let download, let upload): .limit(torrent: torrent == nil ? nil : selector, download: download, upload: upload)
        case .hello, .add, .list, .overview, .setSessionOptions, .subscribe, .select, .shutdown: self
        }
    }
}

public struct RequestEnvelope: Codable, Sendable, Equatable {
    public var id: Int
    public var request: ControlRequest

    public init(id: Int, request: ControlRequest) {
        self.id = id
        self.request = request
    }
}

/// Session-wide facts for the UI's header and `swarm limit`.
public struct EngineSummary: Codable, Sendable, Equatable {
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    public var freeDiskBytes: Int64?
    public var listenPort: Int
    public var downloadDirectory: String
    public var dht: DHTHealth?
    /// Seeding limits, connection limits and queue sizes of all torrents (nil from daemons before them).
    public var options: Session.Options?

    public init(downloadLimit: Double?, uploadLimit: Double?, freeDiskBytes: Int64?, listenPort: Int, downloadDirectory: String) {
        self.downloadLimit = downloadLimit
        self.uploadLimit = uploadLimit
        self.freeDiskBytes = freeDiskBytes
        self.listenPort = listenPort
        self.downloadDirectory = downloadDirectory
    }
}

/// Everything a front end shows, at one moment.
public struct EngineSnapshot: Codable, Sendable, Equatable {
    public var torrents: [TorrentSnapshot]
    /// The piece map and files of the subscriber's selected torrent, and which torrent that is.
    public var detail: TorrentDetailSnapshot?
    public var detailInfoHash: InfoHash?
    public var summary: EngineSummary

    public init(torrents: [TorrentSnapshot], detail: TorrentDetailSnapshot? = nil, detailInfoHash: InfoHash? = nil, summary: EngineSummary) {
        self.torrents = torrents
        self.detail = detail
        self.detailInfoHash = detail == nil ? nil : detailInfoHash
        self.summary = summary
    }
}

public enum ControlReply: Codable, Sendable, Equatable {
    case welcome(version: Int, pid: Int32)
    case done(message: String)
    case added(infoHash: InfoHash, name: String)
    case snapshot(EngineSnapshot)
    case files(TorrentFileList)
    case overview(EngineView)
    case changes(EngineChanges)
    case failure(message: String)
}

public struct ReplyEnvelope: Codable, Sendable, Equatable {
    /// The request's id; nil for a reply to a line that could not be read.
    public var id: Int?
    public var reply: ControlReply

    public init(id: Int?, reply: ControlReply) {
        self.id = id
        self.reply = reply
    }
}
