import TorrentModel

/// The state of the built-in tracker: one swarm per info-hash, peers keyed by address (source IP and the
/// announced port). Pure: the server passes the source IP and the time in.
public struct TrackerRegistry: Sendable {
    public struct Peer: Sendable, Hashable {
        public var address: PeerAddress
        public var peerID: [UInt8]
        public var left: Int64
        public var lastSeen: Duration
        public var isSeeder: Bool { left == 0 }
    }

    struct Swarm: Sendable {
        var peers: [PeerAddress: Peer] = [:]
        var downloads = 0
    }

    /// Seconds between announces, told to clients.
    public let interval: Int
    /// Peers silent for longer than this are dropped (2 × interval).
    public var expiry: Duration { .seconds(2 * interval) }
    public let defaultNumWant: Int
    public let maxNumWant: Int
    /// New swarms are refused beyond this, to bound memory.
    public let maxSwarms: Int
    public let maxPeersPerSwarm: Int

    private var swarms: [InfoHash: Swarm] = [:]

    public init(
        interval: Int = 1800, defaultNumWant: Int = 50, maxNumWant: Int = 200, maxSwarms: Int = 100_000,
        maxPeersPerSwarm: Int = 10_000
    ) {
        self.interval = max(1, interval)
        self.defaultNumWant = defaultNumWant
        self.maxNumWant = maxNumWant
        self.maxSwarms = maxSwarms
        self.maxPeersPerSwarm = maxPeersPerSwarm
    }

    public var swarmCount: Int { swarms.count }

    /// The peers currently known for a torrent.
    public func peers(of infoHash: InfoHash) -> [Peer] { swarms[infoHash].map { Array($0.peers.values) } ?? [] }

    /// Handles an announce from `sourceIP`. Returns the response (with up to numwant other peers, never the
    /// announcing one) and the peer ids of the listed peers, for dictionary-form responses.
    public mutating func announce(
        _ request: AnnounceRequest, from sourceIP: String, now: Duration
    ) throws(TrackerError) -> (response: AnnounceResponse, peerIDs: [PeerAddress: [UInt8]]) {
        let address = PeerAddress(host: IPAddressText.normalize(sourceIP), port: request.port)
        guard request.port != 0 else { throw .invalidRequest("invalid port") }
        if swarms[request.infoHash] == nil {
            if request.event == .stopped { return (response(for: Swarm(), peers: []), [:]) }
            guard swarms.count < maxSwarms else { throw .invalidRequest("tracker is full") }
            swarms[request.infoHash] = Swarm()
        }
        var swarm = swarms[request.infoHash]!
        expire(&swarm, now: now)
        var listed: [Peer] = []
        if request.event == .stopped {
            swarm.peers[address] = nil
        } else {
            let previous = swarm.peers[address]
            if request.event == .completed && (previous.map { !$0.isSeeder } ?? true) { swarm.downloads += 1 }
            if previous != nil || swarm.peers.count < maxPeersPerSwarm {
                swarm.peers[address] = Peer(
                    address: address, peerID: request.peerID, left: max(0, request.left), lastSeen: now)
            }
            let want = min(max(0, request.numWant ?? defaultNumWant), maxNumWant)
            var others = swarm.peers.values.filter { $0.address != address }
            // A seeder has no use for other seeders.
            if request.left == 0 { others = others.filter { !$0.isSeeder } }
            listed = Array(others.shuffled().prefix(want))
        }
        let result = response(for: swarm, peers: listed)
        if swarm.peers.isEmpty && swarm.downloads == 0 {
            swarms[request.infoHash] = nil
        } else {
            swarms[request.infoHash] = swarm
        }
        var ids: [PeerAddress: [UInt8]] = [:]
        for p in listed { ids[p.address] = p.peerID }
        return (result, ids)
    }

    /// Counts for one torrent (zeros when unknown).
    public func scrape(_ infoHash: InfoHash, now: Duration) -> ScrapeResult {
        guard var swarm = swarms[infoHash] else { return ScrapeResult(seeders: 0, leechers: 0, downloaded: 0) }
        expire(&swarm, now: now)
        let seeders = swarm.peers.values.count { $0.isSeeder }
        return ScrapeResult(seeders: seeders, leechers: swarm.peers.count - seeders, downloaded: swarm.downloads)
    }

    /// All known torrents, for a scrape without info-hash (at most `limit`).
    public func allInfoHashes(limit: Int = 1000) -> [InfoHash] { Array(swarms.keys.prefix(limit)) }

    /// Drops peers not seen for `expiry`, and empty swarms.
    public mutating func expire(now: Duration) {
        for hash in Array(swarms.keys) {
            var swarm = swarms[hash]!
            expire(&swarm, now: now)
            swarms[hash] = swarm.peers.isEmpty && swarm.downloads == 0 ? nil : swarm
        }
    }

    private func expire(_ swarm: inout Swarm, now: Duration) {
        let limit = expiry
        swarm.peers = swarm.peers.filter { now - $0.value.lastSeen <= limit }
    }

    private func response(for swarm: Swarm, peers: [Peer]) -> AnnounceResponse {
        let seeders = swarm.peers.values.count { $0.isSeeder }
        return AnnounceResponse(
            interval: interval, minInterval: max(1, interval / 2), peers: peers.map(\.address), seeders: seeders,
            leechers: swarm.peers.count - seeders)
    }
}
