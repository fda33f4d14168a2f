import TorrentModel

extension Torrent {
    /// Dials known peers until the connection limit is reached. A peer that failed waits longer before
    /// each new attempt (`reconnectDelay`, then twice that, and so on).
    func connectMore() {
        guard activity == .downloading || activity == .seeding else { return }
        let now = self.now
        // Outgoing connections count from the moment we dial; incoming ones once attached.
        let slots = peerLimit - pendingConnections - peers.values.filter(\.link.isIncoming).count
        let reconnectDelay = configuration.reconnectDelay
        let seeding = activity == .seeding
        let due = knownPeers.takeDue(
            slots: slots, now: now, banned: bannedHosts,
            // A peer that failed waits; one that merely closed a working connection waits a second, so that
            // a peer that accepts and hangs up at once cannot put us in a tight loop.
            wait: { $0.failures > 0 ? reconnectDelay * (1 << min($0.failures - 1, 6)) : .seconds(1) },
            skipping: { seeding && $0.isSeed }, reached: incomingListenAddresses)
        for address in due {
            pendingConnections += 1
            connector.connect(address, self)
        }
    }

    /// Where the peers that dialled us listen (host and the port from their extension handshake). Dialling
    /// one of them again, when the tracker lists it, made a second connection that replaced the first a
    /// second into a flash crowd, dropping its requests and a super-seed's offers.
    private var incomingListenAddresses: Set<PeerAddress> {
        Set(peers.values.compactMap { peer in
            guard peer.link.isIncoming, let port = peer.state.listenPort, port != 0 else { return nil }
            return PeerAddress(host: peer.link.address.host, port: port).normalized
        })
    }

    /// The session reports that an outgoing connection ended; `failed` when it never got past the handshake.
    func connectionEnded(_ address: PeerAddress, failed: Bool) {
        pendingConnections -= 1
        knownPeers[address]?.connected = false
        if failed { knownPeers[address]?.failures += 1 } else { knownPeers[address]?.failures = 0 }
        connectMore()
    }
}

extension Torrent {
    /// Whether a peer that just finished its handshake may stay when we may already be connected to it
    /// (the same peer id). When both ends dialled each other at once, both must keep the same one of the
    /// two connections: the one dialled by the end with the lower peer id. The other, if already attached,
    /// is closed here. Two connections in the same direction: the first stays.
    func resolveDuplicate(of link: PeerLink, peerID: [UInt8], localPeerID: [UInt8]) -> Bool {
        guard let (key, existing) = peers.first(where: { $0.value.peerID == peerID }) else { return true }
        guard existing.link.isIncoming != link.isIncoming else { return false }
        let weDialFirst = localPeerID.lexicographicallyPrecedes(peerID)
        let keepNew = link.isIncoming != weDialFirst
        guard keepNew else { return false }
        existing.link.close()
        releaseRequests(of: key)
        detach(key, reason: "duplicate connection; keeping the one from the other direction")
        return true
    }
}
