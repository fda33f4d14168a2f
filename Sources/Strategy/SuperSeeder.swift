import TorrentModel

/// Super-seeding (BEP 16): which pieces a seed announces to each peer, so that it sends every piece about
/// once and the peers spread the rest among themselves.
///
/// A super-seed pretends to have nothing (no bitfield, no have_all) and announces pieces one at a time with
/// `have` messages, each an ``Offer``:
/// - **A peer is offered a piece nobody has yet**: the piece with the fewest copies in the swarm, counting
///   the peers known to have it and the outstanding offers of it, then the fewest offers ever made, then
///   the lowest index. So two peers are never handed the same piece while another piece is still unknown to
///   the swarm and not on its way.
/// - **A new piece only once the last one spread.** A peer holds at most ``offersPerPeer`` outstanding
///   offers. An offer ends when a *different* peer announces that piece (`have`): the peer we gave it to has
///   passed it on (or the swarm got it elsewhere, which is just as good). Until then the peer gets nothing
///   new from us, which also starves a peer that never uploads: it gets ``offersPerPeer`` pieces from the
///   seed and no more while others still need that piece.
/// - **Never a third copy.** A piece that two connected peers already have is not offered again: the
///   swarm can trade it, and every byte the seed sends of it is a byte it does not send of something
///   rarer. (A piece held by one peer may be offered again: that peer may be slow, leaving, or a free
///   rider.) So a seed sends about one copy of each piece, plus the pieces whose only holder sits on them.
/// - **Nobody left to spread to.** When the peer has the piece and no other connected peer lacks it (a
///   lone leecher, or the end of a download), the offer ends too, or a lone peer would wait forever.
///
/// A value type without I/O: the engine reports what peers have and leave, and sends a `have` for each
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
    /// Copies among connected peers from which on a piece is left to the swarm.
    public static let enoughCopies = 2
    private var peers: [PeerKey: PeerEntry] = [:]
    /// Connected peers known to have each piece.
    private var availability: [Int]
    /// Outstanding offers of each piece.
    private var outstanding: [Int]
    /// Offers of each piece ever made.
    private var offered: [Int]

    public init(pieceCount: Int, offersPerPeer: Int = 1) {
        precondition(offersPerPeer >= 1, "offersPerPeer must be at least 1")
        self.pieceCount = pieceCount
        self.offersPerPeer = offersPerPeer
        availability = Array(repeating: 0, count: pieceCount)
        outstanding = Array(repeating: 0, count: pieceCount)
        offered = Array(repeating: 0, count: pieceCount)
    }

    /// The pieces announced to the peer and not yet seen spreading, oldest first.
    public func offers(to peer: PeerKey) -> [Int] { peers[peer]?.offers ?? [] }

    /// A peer connected, or told us its pieces (bitfield, have_all, have_none); replaces what we knew.
    public mutating func peerJoined(_ peer: PeerKey, has: Bitfield) -> [Offer] {
        precondition(has.count == pieceCount, "bitfield size does not match the torrent")
        if let old = peers[peer] {
            for piece in old.has.setIndices { availability[piece] -= 1 }
        }
        for piece in has.setIndices { availability[piece] += 1 }
        var entry = peers[peer] ?? PeerEntry(has: has)
        entry.has = has
        peers[peer] = entry
        settle(peer)
        return refill(peer)
    }

    /// A peer announced a piece. Returns the new offers this allows, to this peer or others.
    public mutating func peerHas(_ peer: PeerKey, piece: Int) -> [Offer] {
        guard peers[peer] != nil, piece >= 0, piece < pieceCount, !peers[peer]!.has[piece] else { return [] }
        peers[peer]!.has[piece] = true
        availability[piece] += 1
        var result: [Offer] = []
        // The piece spread to `peer`: whoever was offered it has passed it on.
        for other in peers.keys.sorted() where other != peer && peers[other]!.offers.contains(piece) {
            withdraw(piece, from: other)
            result += refill(other)
        }
        settle(peer)
        result += refill(peer)
        return result
    }

    /// A peer left. Others may now have nobody left to spread their offers to.
    public mutating func peerLeft(_ peer: PeerKey) -> [Offer] {
        guard let entry = peers.removeValue(forKey: peer) else { return [] }
        for piece in entry.has.setIndices { availability[piece] -= 1 }
        for piece in entry.offers { outstanding[piece] -= 1 }
        var result: [Offer] = []
        for other in peers.keys.sorted() {
            settle(other)
            result += refill(other)
        }
        return result
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

    /// Offers the peer the rarest pieces it lacks until it holds ``offersPerPeer`` offers.
    private mutating func refill(_ peer: PeerKey) -> [Offer] {
        var result: [Offer] = []
        while let entry = peers[peer], entry.offers.count < offersPerPeer {
            var best: Int?
            for piece in 0..<pieceCount
            where !entry.has[piece] && !entry.offers.contains(piece) && availability[piece] < Self.enoughCopies {
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
            result.append(Offer(peer: peer, piece: piece))
        }
        return result
    }
}
