import TorrentModel
import Tracker

/// What a torrent is doing.
public enum TorrentActivity: Sendable, Equatable, Codable {
    case checking(Double)
    /// A magnet link's info dictionary is being fetched from peers; the share received so far.
    case fetchingMetadata(Double)
    case downloading
    case seeding
    case paused
    /// Waiting for a free slot of the session's queue.
    case queued
    case stopped
    case error(String)

    public var label: String {
        switch self {
        case .checking: "Checking"
        case .fetchingMetadata: "Fetching metadata"
        case .downloading: "Downloading"
        case .seeding: "Seeding"
        case .paused: "Paused"
        case .queued: "Queued"
        case .stopped: "Stopped"
        case .error: "Error"
        }
    }
}

/// One connected peer, as the UI and `--json` show it.
public struct PeerSnapshot: Sendable, Equatable, Codable {
    public var address: PeerAddress
    public var client: String
    public var isIncoming: Bool
    public var amChoking: Bool
    public var amInterested: Bool
    public var peerChoking: Bool
    public var peerInterested: Bool
    public var isSnubbed: Bool
    public var isOptimistic: Bool
    public var downloadRate: Double
    public var uploadRate: Double
    public var progress: Double
    public var requestsInFlight: Int
    public var downloaded: Int64
    public var uploaded: Int64
    public var source: PeerSource
}

/// A torrent's state at one moment: a value the front ends can keep and compare.
public struct TorrentSnapshot: Sendable, Equatable, Codable {
    public var infoHash: InfoHash
    public var name: String
    public var activity: TorrentActivity
    public var totalLength: Int64
    public var pieceCount: Int
    public var piecesHave: Int
    public var bytesHave: Int64
    public var downloadRate: Double
    public var uploadRate: Double
    public var downloaded: Int64
    public var uploaded: Int64
    public var wasted: Int64
    public var hashFailures: Int
    public var peers: [PeerSnapshot]
    public var knownPeers: Int
    public var bannedPeers: Int
    public var trackers: [TrackerStatus]
    /// False while files that just completed are still being given their final names.
    public var filesFinalized: Bool
    /// Seeding with BEP 16 super-seeding.
    public var isSuperSeeding = false
    /// Bytes of the pieces of files that are not skipped, and how many of them we have.
    public var wantedLength: Int64 = 0
    public var bytesHaveWanted: Int64 = 0
    public var settings = TorrentSettings()
    public var seedingTime: Duration = .zero
    /// This torrent's own limits in bytes per second (nil: none; the session's apply too).
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    /// What the torrent waits for, when that is worth telling (a magnet link with no peers yet).
    public var status: String?

    /// Every piece is verified on disk and every file has its final name.
    public var isComplete: Bool { piecesHave == pieceCount && filesFinalized }
    /// Every piece of every wanted file is verified (all of them, unless files are skipped).
    public var isFinished: Bool { bytesHaveWanted >= wantedLength && filesFinalized }
    /// Of the wanted bytes, as the other clients show it.
    public var progress: Double { wantedLength == 0 ? 1 : Double(bytesHaveWanted) / Double(wantedLength) }
    public var ratio: Double { totalLength == 0 ? 0 : Double(uploaded) / Double(totalLength) }
}
