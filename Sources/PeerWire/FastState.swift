/// One connection's fast-extension (BEP 6) bookkeeping: the allowed-fast sets both ways and the pieces
/// the peer suggested. A value type with no I/O; bounded, so a hostile peer cannot make it grow.
public struct FastState: Sendable, Equatable {
    /// Pieces the peer lets us request while it chokes us (its `allowed_fast` messages).
    public private(set) var allowedByPeer: Set<Int> = []
    /// Pieces we let the peer request while we choke it (the `allowed_fast` messages we sent).
    public private(set) var allowedToPeer: Set<Int> = []
    /// Pieces the peer suggested (`suggest_piece`), oldest first.
    public private(set) var suggested: [Int] = []

    /// Pieces the peer rejected a request for while unchoking us (or, while choking us, an allowed-fast
    /// piece: a peer may serve those to choked peers only sometimes), with when: not asked for again until
    /// it unchokes us anew or `rejectionMemory` passed (a choke comes with rejects that say nothing about
    /// the other pieces). See ``rejectedPieces(now:)``.
    public private(set) var rejected: [Int: Duration] = [:]
    public static let rejectionMemory: Duration = .seconds(15)

    /// More `allowed_fast` pieces than this from one peer are ignored (libtorrent allows 10 by default).
    public static let maxAllowedByPeer = 64
    /// Only the latest suggestions are kept.
    public static let maxSuggestions = 16

    public init() {}

    /// The peer allowed us a piece. False (and ignored) when the index is out of range or the set is full.
    @discardableResult
    public mutating func peerAllowed(_ piece: Int, pieceCount: Int) -> Bool {
        guard piece >= 0, piece < pieceCount else { return false }
        guard allowedByPeer.count < Self.maxAllowedByPeer || allowedByPeer.contains(piece) else { return false }
        allowedByPeer.insert(piece)
        return true
    }

    /// The peer suggested a piece: it is kept as the newest suggestion. Out-of-range indices are ignored.
    public mutating func peerSuggested(_ piece: Int, pieceCount: Int) {
        guard piece >= 0, piece < pieceCount else { return }
        suggested.removeAll { $0 == piece }
        suggested.append(piece)
        if suggested.count > Self.maxSuggestions { suggested.removeFirst(suggested.count - Self.maxSuggestions) }
    }

    /// Drops suggestions for pieces we no longer need.
    public mutating func forgetSuggestions(where done: (Int) -> Bool) {
        suggested.removeAll(where: done)
    }

    /// The peer rejected a request for the piece (see ``rejected``). At most `maxRejected` are kept.
    public mutating func peerRejected(_ piece: Int, now: Duration) {
        guard rejected.count < Self.maxRejected || rejected[piece] != nil else { return }
        rejected[piece] = now
    }

    /// The pieces not to ask the peer for now; forgets rejections older than `rejectionMemory`.
    public mutating func rejectedPieces(now: Duration) -> Set<Int> {
        guard !rejected.isEmpty else { return [] }
        rejected = rejected.filter { now - $0.value < Self.rejectionMemory }
        return Set(rejected.keys)
    }

    /// The peer unchoked us: it may serve what it rejected before.
    public mutating func peerUnchoked() {
        rejected.removeAll()
    }

    public static let maxRejected = 1024

    /// The peer's whole allowed-fast set (`AllowedFast`): its pieces are allowed as we come to have them.
    public private(set) var allowedSetForPeer: Set<Int> = []

    /// Takes the peer's allowed-fast set; returns the pieces of it we have, now allowed (to send at once).
    public mutating func assignAllowedSet(_ pieces: [Int], have: (Int) -> Bool) -> [Int] {
        allowedSetForPeer = Set(pieces)
        let now = pieces.filter(have)
        allowedToPeer.formUnion(now)
        return now
    }

    /// We verified a piece: true (and it is now allowed) when it is in the peer's set and was not allowed
    /// yet, so `allowed_fast` for it should go out.
    public mutating func pieceArrived(_ piece: Int) -> Bool {
        guard allowedSetForPeer.contains(piece) else { return false }
        return allowedToPeer.insert(piece).inserted
    }

    /// What to do with a request from the peer.
    public enum RequestAnswer: Equatable, Sendable {
        case serve
        /// Refuse with `reject_request` (the peer speaks the fast extension).
        case reject
        /// Drop it silently (without the fast extension there is no way to refuse).
        case ignore
    }

    /// A request is served when we have the piece, have room for it in the upload queue, and either do not
    /// choke the peer or allowed it the piece. Otherwise a fast peer hears `reject_request`.
    public func answer(
        toRequestFor piece: Int, have: Bool, amChoking: Bool, queueFull: Bool, supportsFast: Bool
    ) -> RequestAnswer {
        if have && !queueFull && (!amChoking || allowedToPeer.contains(piece)) { return .serve }
        return supportsFast ? .reject : .ignore
    }
}
