import TorrentModel

/// The `event` of an announce (BEP 3, BEP 15).
public enum AnnounceEvent: String, Sendable, Hashable, CaseIterable {
    /// A regular announce; sent with no `event` key over HTTP.
    case none
    case started
    case completed
    case stopped

    /// The value of the HTTP `event` query parameter, or nil for regular announces.
    public var httpValue: String? { self == .none ? nil : rawValue }

    /// The BEP 15 event code: 0 none, 1 completed, 2 started, 3 stopped.
    public var udpCode: UInt32 {
        switch self {
        case .none: 0
        case .completed: 1
        case .started: 2
        case .stopped: 3
        }
    }

    public init?(udpCode: UInt32) {
        switch udpCode {
        case 0: self = .none
        case 1: self = .completed
        case 2: self = .started
        case 3: self = .stopped
        default: return nil
        }
    }

    /// Parses the HTTP `event` parameter; an absent or empty value is a regular announce.
    public init?(httpValue: String?) {
        guard let httpValue, !httpValue.isEmpty else {
            self = .none
            return
        }
        switch httpValue {
        case "started": self = .started
        case "completed": self = .completed
        case "stopped": self = .stopped
        case "empty", "paused": self = .none
        default: return nil
        }
    }
}

/// What a client tells a tracker.
public struct AnnounceRequest: Sendable, Hashable {
    public var infoHash: InfoHash
    /// Exactly 20 bytes.
    public var peerID: [UInt8]
    public var port: UInt16
    public var uploaded: Int64
    public var downloaded: Int64
    public var left: Int64
    public var event: AnnounceEvent
    /// How many peers we want; nil lets the tracker choose (UDP sends -1).
    public var numWant: Int?
    /// A random value, constant for the session, so a tracker can recognise us across IP changes.
    public var key: UInt32
    /// Ask for BEP 23 compact peer lists (HTTP only; UDP is always compact).
    public var compact: Bool
    /// The `tracker id` a tracker returned earlier, echoed back to it (HTTP only).
    public var trackerID: String?

    public init(
        infoHash: InfoHash, peerID: [UInt8], port: UInt16, uploaded: Int64, downloaded: Int64, left: Int64,
        event: AnnounceEvent, numWant: Int? = 50, key: UInt32, compact: Bool = true, trackerID: String? = nil
    ) {
        self.infoHash = infoHash
        self.peerID = peerID
        self.port = port
        self.uploaded = uploaded
        self.downloaded = downloaded
        self.left = left
        self.event = event
        self.numWant = numWant
        self.key = key
        self.compact = compact
        self.trackerID = trackerID
    }
}

/// What a tracker answers to an announce.
public struct AnnounceResponse: Sendable, Hashable {
    /// Seconds until the next regular announce.
    public var interval: Int
    /// Seconds the client must at least wait between regular announces.
    public var minInterval: Int?
    /// IPv4 and IPv6 (BEP 7 `peers6`) peers, in the order given.
    public var peers: [PeerAddress]
    public var seeders: Int?
    public var leechers: Int?
    public var warning: String?
    public var trackerID: String?

    public init(
        interval: Int, minInterval: Int? = nil, peers: [PeerAddress], seeders: Int? = nil, leechers: Int? = nil,
        warning: String? = nil, trackerID: String? = nil
    ) {
        self.interval = interval
        self.minInterval = minInterval
        self.peers = peers
        self.seeders = seeders
        self.leechers = leechers
        self.warning = warning
        self.trackerID = trackerID
    }
}

/// Swarm counts from a scrape (BEP 48 / BEP 15).
public struct ScrapeResult: Sendable, Hashable {
    /// Peers with the whole torrent (`complete`).
    public var seeders: Int
    /// Peers still downloading (`incomplete`).
    public var leechers: Int
    /// Completed downloads the tracker has counted (`downloaded`).
    public var downloaded: Int

    public init(seeders: Int, leechers: Int, downloaded: Int) {
        self.seeders = seeders
        self.leechers = leechers
        self.downloaded = downloaded
    }
}

/// Everything that can go wrong talking to a tracker. The description is meant for display.
public enum TrackerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The tracker answered with a `failure reason` (HTTP) or an error packet (UDP).
    case failure(String)
    /// The answer could not be understood.
    case malformedResponse(String)
    /// The tracker URL could not be parsed.
    case invalidURL(String)
    /// The tracker URL's scheme is not http, https or udp.
    case unsupportedScheme(String)
    /// The tracker does not support scrapes (BEP 48: its announce path has no `announce` component).
    case scrapeUnsupported
    /// An HTTP status other than 200.
    case httpStatus(Int)
    /// No answer in time.
    case timeout
    /// A socket or name-resolution error.
    case network(String)
    /// The request itself is invalid (for example a peer id that is not 20 bytes).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .failure(let message): "tracker error: \(message)"
        case .malformedResponse(let why): "malformed tracker response: \(why)"
        case .invalidURL(let url): "invalid tracker URL: \(url)"
        case .unsupportedScheme(let scheme): "unsupported tracker scheme '\(scheme)' (only http, https and udp)"
        case .scrapeUnsupported: "tracker does not support scrape"
        case .httpStatus(let status): "tracker HTTP status \(status)"
        case .timeout: "tracker timed out"
        case .network(let why): "network error: \(why)"
        case .invalidRequest(let why): "invalid announce: \(why)"
        }
    }
}
