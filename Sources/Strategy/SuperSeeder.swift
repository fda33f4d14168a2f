import TorrentModel

/// Super-seeding (BEP 16): which pieces a seed announces to each peer, so that it sends every piece about
/// once and the peers spread the rest among themselves.
///
/// A super-seed pretends to have nothing (no bitfield, no have_all) and announces pieces one at a time with
/// `have` messages, each an ``Offer``:
/// - **A peer is offered a piece nobody has and nobody is getting**: no connected peer has it and it is
///   not offered to anyone; the fewest offers ever made first, then the lowest index.
/// - **A second copy only of a piece that did not spread.** A piece that one peer holds, or that is on
///   its way to a peer, is offered again only once it has sat there for ``spreadTimeout`` (its holder
///   does not upload it, or its download stalls); until then the peer waits, and gets the piece from its
///   holder. Re-offering such pieces at once made the seed send a fifth of the payload twice at the end
///   of a flash crowd, when every piece was out once and the seed had nothing new to offer.
/// - **A new piece only once the last one spread.** A peer holds at most ``offersPerPeer`` outstanding
///   offers. An offer ends when a *different* peer announces that piece (`have`): the peer we gave it to has
///   passed it on (or the swarm got it elsewhere, which is just as good). Until then the peer gets nothing
///   new from us, which also starves a peer that never uploads: it gets ``offersPerPeer`` pieces from the
///   seed and no more while others still need that piece.
/// - **Never a third copy.** A piece that two connected peers already have is not offered again: the
///   swarm can trade it, and every byte the seed sends of it is a byte it does not send of something
///   rarer. So a seed sends about one copy of each piece, plus the pieces whose only holder sits on them.
/// - **Nobody left to spread to.** When the peer has the piece and no other connected peer lacks it (a
///   lone leecher, or the end of a download), the offer ends too, or a lone peer would wait forever.
///
/// A value type without I/O and with an injected clock: the engine reports what peers have and leave, calls
/// ``tick(now:)`` every so often (pieces that did not spread become offerable), and sends a `have` for each
/// returned offer.
public struct SuperSeeder: Sendable {
    public struct Offer: Hashable, Sendable, CustomStringConvertible {
        public var peer: PeerKey
        public var piece: Int

        public init(peer: PeerKey, piece: Int) {
            self.peer = peer
            self.piece = piece
        }

        public var description: String { "\(peer):\(piece)" }
    }

    private struct PeerEntry: Sendable {
        var has: Bitfield
        var offers: [Int] = []
    }

    public let pieceCount: Int
    /// Pieces announced to one peer and not yet seen spreading. BEP 16 uses one; two keep a lone peer's
    /// request pipeline full while it verifies the previous piece.
    public let offersPerPeer: Int
    /// How long a piece may sit at one peer (held, or on its way) before the seed offers it to another.
    public let spreadTimeout: Duration
    /// Copies among connected peers from which on a piece is left to the swarm.
    public static let enoughCopies = 2
    private var peers: [PeerKey: PeerEntry] = [:]
    /// Connected peers known to have each piece.
    private var availability: [Int]
    /// Outstanding offers of each piece.
    private var outstanding: [Int]
    /// Offers of each piece ever made.
    private var offered: [Int]
    /// When each piece was last offered.
    private var lastOfferedAt: [Duration?]
    /// Since when exactly one connected peer has each piece (nil when none or several do).
    private var heldByOneSince: [Duration?]

    public init(pieceCount: Int, offersPerPeer: Int = 1, spreadTimeout: Duration = .seconds(3)) {
        precondition(offersPerPeer >= 1, "offersPerPeer must be at least 1")
        self.pieceCount = pieceCount
        self.offersPerPeer = offersPerPeer
        self.spreadTimeout = spreadTimeout
        availability = Array(repeating: 0, count: pieceCount)
        outstanding = Array(repeating: 0, count: pieceCount)
        offered = Array(repeating: 0, count: pieceCount)
        lastOfferedAt = Array(repeating: nil, count: pieceCount)
        heldByOneSince = Array(repeating: nil, count: pieceCount)
    }

    /// The pieces announced to the peer and not yet seen spreading, oldest first.
    public func offers(to peer: PeerKey) -> [Int] { peers[peer]?.offers ?? [] }

    /// A peer connected, or told us its pieces (bitfield, have_all, have_none); replaces what we knew.
    public mutating func peerJoined(_ peer: PeerKey, has: Bitfield, now: Duration) -> [Offer] {
        precondition(has.count == pieceCount, "bitfield size does not match the torrent")
        if let old = peers[peer] {
            for piece in old.has.setIndices { changeAvailability(of: piece, by: -1, now: now) }
        }
        for piece in has.setIndices { changeAvailability(of: piece, by: 1, now: now) }
        var entry = peers[peer] ?? PeerEntry(has: has)
        entry.has = has
        peers[peer] = entry
        settle(peer)
        return refill(peer, now: now)
    }

    /// A peer announced a piece. Returns the new offers this allows, to this peer or others.
    public mutating func peerHas(_ peer: PeerKey, piece: Int, now: Duration) -> [Offer] {
        guard peers[peer] != nil, piece >= 0, piece < pieceCount, !peers[peer]!.has[piece] else { return [] }
        peers[peer]!.has[piece] = true
        changeAvailability(of: piece, by: 1, now: now)
        var result: [Offer] = []
        // The piece spread to `peer`: whoever was offered it has passed it on.
        for other in peers.keys.sorted() where other != peer && peers[other]!.offers.contains(piece) {
            withdraw(piece, from: other)
            result += refill(other, now: now)
        }
        settle(peer)
        result += refill(peer, now: now)
        return result
    }

    /// A peer left. Others may now have nobody left to spread their offers to.
    public mutating func peerLeft(_ peer: PeerKey, now: Duration) -> [Offer] {
        guard let entry = peers.removeValue(forKey: peer) else { return [] }
        for piece in entry.has.setIndices { changeAvailability(of: piece, by: -1, now: now) }
        for piece in entry.offers { outstanding[piece] -= 1 }
        var result: [Offer] = []
        for other in peers.keys.sorted() {
            settle(other)
            result += refill(other, now: now)
        }
        return result
    }

    /// Time passed: pieces that sat at one peer for ``spreadTimeout`` may now go to peers waiting for an
    /// offer.
    public mutating func tick(now: Duration) -> [Offer] {
        var result: [Offer] = []
        for peer in peers.keys.sorted() where peers[peer]!.offers.count < offersPerPeer {
            result += refill(peer, now: now)
        }
        return result
    }

    private mutating func changeAvailability(of piece: Int, by delta: Int, now: Duration) {
        availability[piece] += delta
        if availability[piece] != 1 {
            heldByOneSince[piece] = nil
        } else if heldByOneSince[piece] == nil {
            heldByOneSince[piece] = now
        }
    }

    /// Ends the peer's offers that it already has: another peer announced them, or nobody else needs them.
    private mutating func settle(_ peer: PeerKey) {
        guard let entry = peers[peer] else { return }
        for piece in entry.offers where entry.has[piece] && !someoneElseLacks(piece, besides: peer) {
            withdraw(piece, from: peer)
        }
    }

    private func someoneElseLacks(_ piece: Int, besides peer: PeerKey) -> Bool {
        peers.contains { $0.key != peer && !$0.value.has[piece] }
    }

    private mutating func withdraw(_ piece: Int, from peer: PeerKey) {
        guard let index = peers[peer]?.offers.firstIndex(of: piece) else { return }
        peers[peer]!.offers.remove(at: index)
        outstanding[piece] -= 1
    }

    /// Whether the piece may be offered (to a peer that lacks it): nobody has it and nobody is getting it,
    /// or the copy that one peer has or is getting has not spread for ``spreadTimeout``.
    private func isOfferable(_ piece: Int, now: Duration) -> Bool {
        switch availability[piece] {
        case 0: break
        case 1: guard let since = heldByOneSince[piece], now - since >= spreadTimeout else { return false }
        default: return false
        }
        guard outstanding[piece] > 0 else { return true }
        guard let last = lastOfferedAt[piece] else { return true }
        return now - last >= spreadTimeout
    }

    /// Offers the peer the rarest offerable pieces it lacks until it holds ``offersPerPeer`` offers.
    private mutating func refill(_ peer: PeerKey, now: Duration) -> [Offer] {
        var result: [Offer] = []
        while let entry = peers[peer], entry.offers.count < offersPerPeer {
            var best: Int?
            for piece in 0..<pieceCount
            where !entry.has[piece] && !entry.offers.contains(piece) && isOfferable(piece, now: now) {
                guard let current = best else {
                    best = piece
                    continue
                }
                if (availability[piece] + outstanding[piece], offered[piece])
                    < (availability[current] + outstanding[current], offered[current])
                {
                    best = piece
                }
            }
            guard let piece = best else { break }
            peers[peer]!.offers.append(piece)
            outstanding[piece] += 1
            offered[piece] += 1
            lastOfferedAt[piece] = now
            result.append(Offer(peer: peer, piece: piece))
        }
        return result
    }
}
