import TorrentModel

extension [PeerAddress: KnownPeer] {
    /// Picks up to `slots` peers to dial now and marks them as being dialled: those not connected, not
    /// banned, not `skipped`, not `reached` already (an incoming peer's listen address), and whose `wait`
    /// since their last attempt is over.
    mutating func takeDue(
        slots: Int, now: Duration, banned: Set<String>, wait: (KnownPeer) -> Duration,
        skipping skipped: (KnownPeer) -> Bool = { _ in false }, reached: Set<PeerAddress> = []
    ) -> [PeerAddress] {
        guard slots > 0 else { return [] }
        var due: [PeerAddress] = []
        for (address, known) in self
        where !known.connected && !banned.contains(address.host) && !skipped(known) && !reached.contains(address) {
            if let last = known.lastAttempt, now - last < wait(known) { continue }
            self[address]!.lastAttempt = now
            self[address]!.connected = true
            due.append(address)
            if due.count == slots { break }
        }
        return due
    }
}
