import PeerWire
import Strategy
import TorrentModel

/// Super-seeding (BEP 16): a seed that pretends to have nothing and announces pieces one by one, so that it
/// sends each piece about once and the peers spread them. ``SuperSeeder`` decides which piece each peer is
/// offered; this file feeds it what peers announce and sends its offers as `have` messages.
extension Torrent {
    /// Offers outstanding per peer: two keep a lone peer busy while it verifies the previous piece.
    static let superSeedOffersPerPeer = 2

    /// Starts super-seeding when the torrent is configured for it and starts out complete. A torrent that
    /// completes while running has already announced its pieces, so it seeds normally.
    func startSuperSeedingIfConfigured() {
        guard configuration.superSeeding, activity == .seeding else { return }
        superSeeder = SuperSeeder(pieceCount: metainfo.pieceCount, offersPerPeer: Self.superSeedOffersPerPeer)
        logger.info("\(metainfo.name): super-seeding")
    }

    public var isSuperSeeding: Bool { superSeeder != nil }

    /// Greets a new peer as a super-seed: have_none (or nothing) instead of a bitfield, then its first
    /// offers. Returns false when not super-seeding, so that the caller sends the bitfield.
    func superSeedGreet(_ key: PeerKey) -> Bool {
        guard superSeeder != nil, let peer = peers[key] else { return false }
        if peer.state.supportsFastExtension { peer.link.send(.haveNone) }
        superSeedPeerAnnounced(key)
        return true
    }

    /// The peer told us its pieces (bitfield, have_all, have_none), or just connected.
    func superSeedPeerAnnounced(_ key: PeerKey) {
        guard superSeeder != nil, let bits = picker.peerBitfield(key) else { return }
        send(superSeeder!.peerJoined(key, has: bits, now: now))
    }

    func superSeedPeerHas(_ key: PeerKey, piece: Int) {
        guard superSeeder != nil else { return }
        send(superSeeder!.peerHas(key, piece: piece, now: now))
    }

    func superSeedPeerLeft(_ key: PeerKey) {
        guard superSeeder != nil else { return }
        send(superSeeder!.peerLeft(key, now: now))
    }

    /// Offers pieces that did not spread in time to peers waiting for one (from the torrent's tick).
    func superSeedTick() {
        guard superSeeder != nil else { return }
        send(superSeeder!.tick(now: now))
    }

    /// A super-seed unchokes every interested peer: each may only fetch the pieces it was offered, so a slot
    /// limit would leave offers waiting while the upload sits idle (the upload limit shares the bandwidth).
    func superSeedDecision(_ candidates: [Choker.Peer]) -> Choker.Decision? {
        guard superSeeder != nil else { return nil }
        return Choker.Decision(
            unchoked: Set(candidates.filter { $0.isInterested && !$0.isSeed }.map(\.key)), optimistic: nil)
    }

    private func send(_ offers: [SuperSeeder.Offer]) {
        for offer in offers { peers[offer.peer]?.link.send(.have(piece: offer.piece)) }
    }
}
