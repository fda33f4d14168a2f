/// Tit-for-tat upload slots as BEP 3 describes them: a pure ranking that the engine calls from a timer.
///
/// Every ``rechokeInterval`` (10 s) the engine calls ``rechoke(peers:isSeeding:now:)`` and unchokes exactly
/// the peers in the returned ``Decision``:
/// - **Regular slots** go to the ``regularSlots`` interested peers that reciprocate best: while leeching,
///   the ones we download fastest from; while seeding, nobody uploads to us, so the ones we upload fastest
///   to (they take our data quickest, and spread it on). Snubbed peers (they stopped sending to us) rank
///   after every other peer, so they only get a regular slot that nobody else wants: a slot left empty is
///   upload capacity thrown away.
/// - **One optimistic unchoke** goes to a choked interested peer, kept for ``optimisticInterval`` (30 s)
///   and then rotated, so that we discover peers better than our current ones and newcomers, which have
///   nothing to trade yet, can get their first pieces. A peer connected within ``newPeerWindow`` (60 s) is
///   ``newPeerWeight`` (3) times as likely to be picked. The optimistic peer is in ``Decision/unchoked``.
/// - **Uninterested peers** that rank above the slowest regular peer stay unchoked too (BEP 3): it costs
///   nothing, since they request nothing, and if they become interested they can start at once; the next
///   rechoke then chokes the slowest regular peer.
/// - **Seeds** are never unchoked: they have every piece, so they have nothing to ask of us.
///
/// Ties in rate go to the peer connected longest, then to the lower key, so decisions are reproducible.
public struct Choker: Sendable {
    public struct Peer: Sendable, Equatable {
        public var key: PeerKey
        /// The peer is interested in us.
        public var isInterested: Bool
        /// Bytes/s we receive from it (recent, e.g. a 20 s average).
        public var downloadRate: Double
        /// Bytes/s we send to it.
        public var uploadRate: Double
        public var connectedAt: Duration
        /// It has sent us nothing for a while although we asked.
        public var isSnubbed: Bool
        /// It has every piece.
        public var isSeed: Bool

        public init(
            key: PeerKey, isInterested: Bool, downloadRate: Double = 0, uploadRate: Double = 0,
            connectedAt: Duration = .zero, isSnubbed: Bool = false, isSeed: Bool = false
        ) {
            self.key = key
            self.isInterested = isInterested
            self.downloadRate = downloadRate
            self.uploadRate = uploadRate
            self.connectedAt = connectedAt
            self.isSnubbed = isSnubbed
            self.isSeed = isSeed
        }
    }

    public struct Decision: Equatable, Sendable {
        /// Every peer to unchoke, the optimistic one included; all others are choked.
        public var unchoked: Set<PeerKey>
        public var optimistic: PeerKey?

        public init(unchoked: Set<PeerKey>, optimistic: PeerKey?) {
            self.unchoked = unchoked
            self.optimistic = optimistic
        }
    }

    public var regularSlots: Int
    public var rechokeInterval: Duration
    public var optimisticInterval: Duration
    /// Peers connected for less than this are favoured for the optimistic unchoke.
    public var newPeerWindow: Duration = .seconds(60)
    /// How many times as likely a new peer is to get the optimistic unchoke.
    public var newPeerWeight = 3

    /// When ``rechoke(peers:isSeeding:now:)`` last ran.
    public private(set) var lastRechoke: Duration?
    /// The current optimistic unchoke.
    public private(set) var optimisticPeer: PeerKey?
    /// When ``optimisticPeer`` was chosen.
    public private(set) var optimisticSince: Duration?
    private var generator: SplitMix64

    public init(
        regularSlots: Int = 4, rechokeInterval: Duration = .seconds(10), optimisticInterval: Duration = .seconds(30),
        seed: UInt64 = .random(in: .min ... .max)
    ) {
        precondition(regularSlots >= 0, "regularSlots must not be negative")
        self.regularSlots = regularSlots
        self.rechokeInterval = rechokeInterval
        self.optimisticInterval = optimisticInterval
        self.generator = SplitMix64(seed: seed)
    }

    /// True before the first rechoke and once ``rechokeInterval`` has passed since the last one.
    public func isRechokeDue(now: Duration) -> Bool {
        guard let lastRechoke else { return true }
        return now - lastRechoke >= rechokeInterval
    }

    /// Decides whom to unchoke. `peers` are the connected peers; any peer missing from it is choked.
    public mutating func rechoke(peers: [Peer], isSeeding: Bool, now: Duration) -> Decision {
        lastRechoke = now
        let ranked = peers.filter { !$0.isSeed }.sorted { ranks($0, before: $1, isSeeding: isSeeding) }
        let interested = ranked.filter(\.isInterested)
        let regular = Array(interested.prefix(regularSlots))
        var unchoked = Set(regular.map(\.key))

        if let slowest = regular.last, regular.count == regularSlots {
            for peer in ranked where !peer.isInterested && ranks(peer, before: slowest, isSeeding: isSeeding) {
                unchoked.insert(peer.key)
            }
        }

        let choked = interested.filter { !unchoked.contains($0.key) }
        if let current = optimisticPeer, let since = optimisticSince, now - since < optimisticInterval,
            choked.contains(where: { $0.key == current })
        {
            // Kept for its full period.
        } else {
            optimisticPeer = pickOptimistic(among: choked, previous: optimisticPeer, now: now)
            optimisticSince = optimisticPeer == nil ? nil : now
        }
        if let optimisticPeer { unchoked.insert(optimisticPeer) }
        return Decision(unchoked: unchoked, optimistic: optimisticPeer)
    }

    /// Reciprocation order: not snubbed first (while leeching), then the rate that matters, then the peer
    /// connected longest, then the lower key.
    private func ranks(_ a: Peer, before b: Peer, isSeeding: Bool) -> Bool {
        if !isSeeding && a.isSnubbed != b.isSnubbed { return !a.isSnubbed }
        let rateA = isSeeding ? a.uploadRate : a.downloadRate
        let rateB = isSeeding ? b.uploadRate : b.downloadRate
        if rateA != rateB { return rateA > rateB }
        if a.connectedAt != b.connectedAt { return a.connectedAt < b.connectedAt }
        return a.key < b.key
    }

    /// A weighted random choice; the previous optimistic peer only when there is nobody else.
    private mutating func pickOptimistic(among choked: [Peer], previous: PeerKey?, now: Duration) -> PeerKey? {
        let fresh = choked.filter { $0.key != previous }
        let pool = fresh.isEmpty ? choked : fresh
        let weights = pool.map { now - $0.connectedAt < newPeerWindow ? max(1, newPeerWeight) : 1 }
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var ticket = Int.random(in: 0..<total, using: &generator)
        for (peer, weight) in zip(pool, weights) {
            if ticket < weight { return peer.key }
            ticket -= weight
        }
        return nil
    }
}
