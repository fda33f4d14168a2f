import TorrentModel

/// What both ends of one peer connection have told each other (BEP 3), and the bookkeeping that goes with
/// it: outstanding requests both ways, rates, and the timers that detect snubbing and dead connections.
///
/// A value type with no I/O: the engine feeds it what happened and reads what to do.
public struct PeerState: Sendable {
    public var amChoking = true
    public var amInterested = false
    public var peerChoking = true
    public var peerInterested = false
    public var supportsFastExtension = false
    public var supportsExtensionProtocol = false
    /// Fast-extension (BEP 6) sets and suggestions.
    public var fast = FastState()
    /// Peer exchange with this peer (BEP 11), once its extension handshake offered `ut_pex`.
    public var pex: PexState?
    /// The port the peer listens on, from its extension handshake (an incoming peer's own port is not it).
    public var listenPort: UInt16?

    /// Blocks we asked the peer for, with the time they were sent.
    public private(set) var requestsToPeer: [BlockRef: Duration] = [:]

    public var download = RateMeter()
    public var upload = RateMeter()
    public var lastReceivedAt: Duration
    /// When we last sent a keep-alive; one goes out every 90 s (BEP 3 peers drop a silent link after 2 min).
    public var lastKeepAliveAt: Duration
    public var lastBlockAt: Duration
    public let connectedAt: Duration
    /// A peer is snubbed when it holds our requests but sent no block for `snubTimeout`.
    public private(set) var isSnubbed = false
    /// How many requests to keep in flight; grows with the peer's rate.
    public private(set) var pipelineDepth: Int

    public static let snubTimeout: Duration = .seconds(60)
    public static let minPipelineDepth = 16
    public static let maxPipelineDepth = 250
    /// Requests a peer may have pending at us in one batch; more are dropped (or rejected with the fast extension).
    public static let maxRequestsFromPeer = 500

    public init(now: Duration) {
        connectedAt = now
        lastReceivedAt = now
        lastKeepAliveAt = now
        lastBlockAt = now
        pipelineDepth = Self.initialPipelineDepth
        lastTickAt = now
    }

    public static let initialPipelineDepth = 64
    /// Bytes of blocks received since the last tick, and when that was: the short-term rate that sizes
    /// the pipeline (the 10-second meters react too slowly while a fast transfer ramps up).
    private var bytesSinceTick = 0
    private var lastTickAt: Duration

    public var inFlight: Int { requestsToPeer.count }
    /// The most requests the peer accepts in flight (its BEP 10 `reqq`), when it said.
    public var peerMaxRequests: Int?
    /// Extension names mapped to the ids the peer wants them sent with (its BEP 10 handshake's `m`).
    public var peerExtensions: [String: Int] = [:]
    /// `ut_metadata` pieces sent to the peer, to cap what one peer can make us upload.
    public var metadataPiecesServed = 0

    public mutating func requested(_ block: BlockRef, now: Duration) {
        if requestsToPeer.isEmpty { lastBlockAt = now }
        requestsToPeer[block] = now
    }

    /// Records a block that arrived; false when we had not asked this peer for it.
    public mutating func received(_ block: BlockRef, now: Duration) -> Bool {
        download.add(block.length, now: now)
        bytesSinceTick += block.length
        lastBlockAt = now
        isSnubbed = false
        return requestsToPeer.removeValue(forKey: block) != nil
    }

    public mutating func forget(_ block: BlockRef) {
        requestsToPeer.removeValue(forKey: block)
    }

    /// Drops every outstanding request (the peer choked us without the fast extension) and returns them.
    public mutating func forgetAllRequests() -> [BlockRef] {
        defer { requestsToPeer.removeAll() }
        return Array(requestsToPeer.keys)
    }

    /// Called about once a second: updates the pipeline depth and snub state.
    /// The depth aims at about two seconds of data in flight at the current rate (libtorrent does the same),
    /// so fast peers are never left idle waiting for our next request.
    public mutating func tick(now: Duration) {
        let elapsed = Double((now - lastTickAt).components.seconds) + Double((now - lastTickAt).components.attoseconds) / 1e18
        if elapsed > 0 {
            let recent = Double(bytesSinceTick) / elapsed
            let rate = max(recent, download.rate(now: now))
            let wanted = Int(rate * 2 / Double(16 * 1024))
            pipelineDepth = min(peerMaxRequests ?? Self.maxPipelineDepth, Self.maxPipelineDepth, max(Self.minPipelineDepth, wanted))
        }
        bytesSinceTick = 0
        lastTickAt = now
        if !requestsToPeer.isEmpty && now - lastBlockAt > Self.snubTimeout { isSnubbed = true }
        // A snubbed peer gets one request at a time until it sends again (as libtorrent does).
        if isSnubbed { pipelineDepth = 1 }
    }
}
