import TorrentModel

/// What an uploader can see of whether the pieces it gave a peer went on from there: the evidence a seed
/// has against a free rider, which nobody uploads to us to reveal.
///
/// A seed cannot watch peers trade, but it hears every `have`. When peer Y announces a piece that exactly
/// one other connected peer X had, and we never sent Y any of that piece, Y got it from X: X **passed it
/// on**. When we *did* send it to Y, X had a piece another peer needed and Y had to come to us for it: X
/// **held it back** (or was busy, or Y simply asked us first). An honest peer does both; a free rider only
/// ever holds back, since it uploads to nobody. A peer that held back at least ``minimumEvidence`` times
/// and passed on fewer than one in ``passOnRatio`` is a **hoarder** (``isHoarder(_:)``).
///
/// No verdict without evidence: a lone leecher (nobody else needs its pieces), a late joiner (nobody has
/// asked for its pieces yet), a peer whose pieces others also had (several holders say nothing about who
/// gave), and a peer that hides its pieces (no `have`, no events) are never hoarders. Bitfields count as
/// holdings but not as events.
///
/// **Seeds are not holders**: peers whose first word on their pieces was a full set (``peerCameAsSeed(_:)``).
/// A seed has every piece, so a leecher's ledger would otherwise see nothing while the torrent's seed is
/// connected, and a free rider behind us (nothing we want, so our own rule never proves it) would pass for
/// honest once we seed. Y may then have got the piece from a seed rather than from X: peers ask a seed
/// mostly for pieces nobody else has (rarest first), so that is rare, and the mistake only ever credits X.
/// Peers that complete while we watch stay holders: they got their pieces from the swarm and pass them on,
/// and leaving them out made a free rider the only holder of every piece at the end of a download.
///
/// A value type without I/O; the engine reports the blocks it serves, the `have`s it hears (with how
/// many other connected peers had the piece before), the peers that come as seeds and those that leave.
public struct SpreadLedger: Sendable {
    public let pieceCount: Int
    /// Times a peer held back before it can be called a hoarder.
    public var minimumEvidence = 4
    /// A hoarder passes on fewer than one in this many of the pieces it could have.
    public var passOnRatio = 10
    /// Pieces we sent (some block of) to each peer.
    private var sent: [PeerKey: Bitfield] = [:]
    /// The one connected peer known to have each piece, while there is exactly one.
    private var soleHolder: [Int: PeerKey] = [:]
    public private(set) var passedOn: [PeerKey: Int] = [:]
    public private(set) var heldBack: [PeerKey: Int] = [:]
    /// Connected peers that came as seeds.
    public private(set) var seeds: Set<PeerKey> = []

    public init(pieceCount: Int) {
        self.pieceCount = pieceCount
    }

    /// We are sending the peer a block of the piece.
    public mutating func sent(_ piece: Int, to peer: PeerKey) {
        guard piece >= 0, piece < pieceCount else { return }
        sent[peer, default: Bitfield(count: pieceCount)][piece] = true
    }

    /// The peer's first word on its pieces (bitfield or have_all) said it has them all.
    public mutating func peerCameAsSeed(_ peer: PeerKey) {
        seeds.insert(peer)
    }

    /// The peer announced a piece (`have`) that `othersHaving` other connected peers had announced before
    /// (the seeds among them included: they are left out here).
    public mutating func peerAnnounced(_ piece: Int, by peer: PeerKey, othersHaving allHaving: Int) {
        guard piece >= 0, piece < pieceCount else { return }
        let othersHaving = allHaving - seeds.count
        defer { soleHolder[piece] = othersHaving == 0 ? peer : nil }
        guard othersHaving == 1, let holder = soleHolder[piece], holder != peer else { return }
        if sent[peer]?[piece] == true {
            heldBack[holder, default: 0] += 1
        } else {
            passedOn[holder, default: 0] += 1
        }
    }

    /// The peer disconnected: its record and sole holdings go.
    public mutating func peerLeft(_ peer: PeerKey) {
        sent[peer] = nil
        passedOn[peer] = nil
        heldBack[peer] = nil
        seeds.remove(peer)
        soleHolder = soleHolder.filter { $0.value != peer }
    }

    /// It held back pieces others needed often enough, and (almost) never passed one on.
    public func isHoarder(_ peer: PeerKey) -> Bool {
        let held = heldBack[peer] ?? 0
        return held >= minimumEvidence && (passedOn[peer] ?? 0) * passOnRatio < held
    }
}
