import TorrentModel

/// Peers that announced themselves to us (announce_peer), by info-hash, to hand out in get_peers
/// replies. Entries expire after `lifetime`; the number of info-hashes and of peers per info-hash is capped
/// so that announcements cannot fill memory.
public struct PeerStore: Sendable {
    public static let lifetime: Duration = .seconds(30 * 60)
    public let maxTorrents: Int
    public let maxPeersPerTorrent: Int
    private var torrents: [NodeID: [PeerAddress: Duration]] = [:]

    public init(maxTorrents: Int = 2000, maxPeersPerTorrent: Int = 500) {
        self.maxTorrents = maxTorrents
        self.maxPeersPerTorrent = maxPeersPerTorrent
    }

    public var torrentCount: Int { torrents.count }

    /// Records an announcement; returns false when a cap refused it.
    @discardableResult
    public mutating func add(_ peer: PeerAddress, for infoHash: NodeID, now: Duration) -> Bool {
        if torrents[infoHash] == nil && torrents.count >= maxTorrents {
            expire(now: now)
            guard torrents.count < maxTorrents else { return false }
        }
        var peers = torrents[infoHash] ?? [:]
        if peers[peer] == nil && peers.count >= maxPeersPerTorrent {
            peers = peers.filter { now - $0.value < Self.lifetime }
            if peers.count >= maxPeersPerTorrent, let oldest = peers.min(by: { $0.value < $1.value }) {
                peers[oldest.key] = nil
            }
        }
        peers[peer] = now
        torrents[infoHash] = peers
        return true
    }

    /// Up to `limit` live peers of the info-hash, the most recent announcers first.
    public func peers(for infoHash: NodeID, now: Duration, limit: Int = 50) -> [PeerAddress] {
        guard let peers = torrents[infoHash] else { return [] }
        return peers.filter { now - $0.value < Self.lifetime }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.description < $1.key.description }
            .prefix(limit).map(\.key)
    }

    /// Drops every expired entry.
    public mutating func expire(now: Duration) {
        for (hash, peers) in torrents {
            let live = peers.filter { now - $0.value < Self.lifetime }
            torrents[hash] = live.isEmpty ? nil : live
        }
    }
}
