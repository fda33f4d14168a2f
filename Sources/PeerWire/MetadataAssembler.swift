import TorrentModel

/// Gathers a torrent's info dictionary from peers in 16 KiB pieces (BEP 9) and checks it against the
/// info-hash. A value type with no I/O: the engine says who joined, asks which pieces to request from a
/// peer, and hands over what arrived; time comes in as an argument.
///
/// Rules kept here:
/// - The size comes from the peers' `metadata_size`; a peer whose size differs from the round's is not
///   asked, and its pieces are ignored.
/// - Only pieces we asked a peer for are taken from it, each exactly as long as its place demands.
/// - A request unanswered for `requestTimeout` may go to another peer.
/// - When the whole does not hash, everything is dropped. A peer that sent every piece of the bad round
///   is banned; when several did, every later round is fetched from one peer alone, so that the next
///   failure names its sender.
public struct MetadataAssembler<Peer: Hashable & Sendable>: Sendable {
    public enum Outcome: Equatable, Sendable {
        case accepted
        /// Not taken (not asked for, a duplicate, the wrong length or size); the reason is for the log.
        case ignored(String)
        /// The info dictionary, verified.
        case complete([UInt8])
        /// The pieces did not hash to the info-hash. `banned` is the peer blamed, when only one sent them.
        case hashFailed(contributors: Set<Peer>, banned: Peer?)
    }

    public let infoHash: InfoHash
    public let requestTimeout: Duration
    /// Requests in flight at one peer at most.
    public let requestsPerPeer: Int
    /// The metadata size of the current round.
    public private(set) var size: Int?
    public private(set) var hashFailures = 0
    public private(set) var banned: Set<Peer> = []
    /// Set after a failure that could not be blamed on one peer.
    public private(set) var singleSource = false
    public private(set) var result: [UInt8]?

    private var peerSizes: [Peer: Int] = [:]
    private var rejections: [Peer: Int] = [:]
    private var pieces: [[UInt8]?] = []
    private var sources: [Peer?] = []
    private var requests: [Int: (peer: Peer, at: Duration)] = [:]
    private var roundOwner: Peer?

    /// A peer that rejects this many requests is not asked again.
    public static var maxRejections: Int { 3 }

    public init(infoHash: InfoHash, requestTimeout: Duration = .seconds(10), requestsPerPeer: Int = 4) {
        self.infoHash = infoHash
        self.requestTimeout = requestTimeout
        self.requestsPerPeer = max(1, requestsPerPeer)
    }

    public var isComplete: Bool { result != nil }
    public var pieceCount: Int { pieces.count }
    public var piecesReceived: Int { pieces.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Share of the current round received; 1 once complete.
    public var progress: Double {
        if isComplete { return 1 }
        return pieces.isEmpty ? 0 : Double(piecesReceived) / Double(pieces.count)
    }

    /// A peer said in its extension handshake that it has the metadata. False when the size is absurd
    /// (the peer is then never asked).
    @discardableResult
    public mutating func peerJoined(_ peer: Peer, metadataSize: Int) -> Bool {
        guard metadataSize > 0, metadataSize <= MetadataMessage.maxMetadataSize else { return false }
        peerSizes[peer] = metadataSize
        return true
    }

    public mutating func peerLeft(_ peer: Peer) {
        peerSizes[peer] = nil
        rejections[peer] = nil
        requests = requests.filter { $0.value.peer != peer }
        if roundOwner == peer { startRound(size: nil) }
    }

    /// Whether a peer may be asked at all.
    public func canAsk(_ peer: Peer) -> Bool {
        guard !isComplete, peerSizes[peer] != nil, !banned.contains(peer) else { return false }
        return rejections[peer, default: 0] < Self.maxRejections
    }

    /// Pieces to request from `peer` now (and marks them requested).
    public mutating func requests(for peer: Peer, now: Duration) -> [Int] {
        guard canAsk(peer), let peerSize = peerSizes[peer] else { return [] }
        if size != peerSize {
            // Nothing is under way at the old size: go with this peer's.
            guard size == nil || (piecesReceived == 0 && requests.isEmpty) else { return [] }
            startRound(size: peerSize)
        }
        if singleSource {
            if roundOwner == nil { roundOwner = peer }
            guard roundOwner == peer else { return [] }
        }
        var inFlight = requests.values.filter { $0.peer == peer }.count
        var chosen: [Int] = []
        for index in pieces.indices where pieces[index] == nil && inFlight < requestsPerPeer {
            if let request = requests[index], now - request.at < requestTimeout { continue }
            requests[index] = (peer, now)
            chosen.append(index)
            inFlight += 1
        }
        return chosen
    }

    /// The peer refused a piece (it has no metadata, or limits requests).
    public mutating func rejected(_ piece: Int, by peer: Peer) {
        if requests[piece]?.peer == peer { requests[piece] = nil }
        rejections[peer, default: 0] += 1
    }

    /// A `data` message arrived.
    public mutating func received(_ piece: Int, totalSize: Int, data: [UInt8], from peer: Peer) -> Outcome {
        guard !isComplete else { return .ignored("metadata already complete") }
        guard !banned.contains(peer) else { return .ignored("peer sent bad metadata before") }
        guard let size, totalSize == size else { return .ignored("total_size \(totalSize) differs from \(size ?? 0)") }
        guard piece >= 0, piece < pieces.count else { return .ignored("piece \(piece) out of range") }
        guard requests[piece]?.peer == peer else { return .ignored("piece \(piece) was not asked of this peer") }
        let expected = min(MetadataMessage.pieceLength, size - piece * MetadataMessage.pieceLength)
        guard data.count == expected else { return .ignored("piece \(piece) is \(data.count) bytes, not \(expected)") }
        requests[piece] = nil
        pieces[piece] = data
        sources[piece] = peer
        guard pieces.allSatisfy({ $0 != nil }) else { return .accepted }
        let whole = pieces.flatMap { $0! }
        if InfoHash(hashing: whole) == infoHash {
            result = whole
            pieces = []
            requests = [:]
            return .complete(whole)
        }
        hashFailures += 1
        let contributors = Set(sources.compactMap { $0 })
        var blamed: Peer?
        if contributors.count == 1, let only = contributors.first {
            blamed = only
            banned.insert(only)
            peerSizes[only] = nil
        } else {
            singleSource = true
        }
        startRound(size: nil)
        return .hashFailed(contributors: contributors, banned: blamed)
    }

    private mutating func startRound(size: Int?) {
        self.size = size
        let count = size.map(MetadataMessage.pieceCount(forSize:)) ?? 0
        pieces = Array(repeating: nil, count: count)
        sources = Array(repeating: nil, count: count)
        requests = [:]
        roundOwner = nil
    }
}
