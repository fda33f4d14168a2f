import TorrentModel
import Tracker

/// What a torrent is doing.
public enum TorrentActivity: Sendable, Equatable {
    case checking(Double)
    case downloading
    case seeding
    case paused
    case stopped
    case error(String)

    public var label: String {
        switch self {
        case .checking: "Checking"
        case .downloading: "Downloading"
        case .seeding: "Seeding"
        case .paused: "Paused"
        case .stopped: "Stopped"
        case .error: "Error"
        }
    }
}

/// One connected peer, as the UI and `--json` show it.
public struct PeerSnapshot: Sendable, Equatable {
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
public struct TorrentSnapshot: Sendable, Equatable {
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

    /// Every piece is verified on disk and every file has its final name.
    public var isComplete: Bool { piecesHave == pieceCount && filesFinalized }
    public var progress: Double { totalLength == 0 ? 1 : Double(bytesHave) / Double(totalLength) }
    public var ratio: Double { totalLength == 0 ? 0 : Double(uploaded) / Double(totalLength) }
}
