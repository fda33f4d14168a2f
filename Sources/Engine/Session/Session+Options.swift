import Strategy

/// The session-wide options front ends change while it runs: seeding limits, connection limits, queue sizes.
extension Session {
    public struct Options: Sendable, Hashable, Codable {
        /// Uploaded / size at which a torrent stops seeding; nil to seed on. A torrent's own limit wins.
        public var seedRatioLimit: Double?
        /// Seconds of seeding after which a torrent stops; nil to seed on. A torrent's own limit wins.
        public var seedTimeLimit: Double?
        public var maxConnections: Int
        /// Connected peers of a torrent that sets no limit of its own.
        public var maxPeersPerTorrent: Int
        /// Torrents downloading / seeding at once; nil for no limit.
        public var maxActiveDownloads: Int?
        public var maxActiveSeeds: Int?

        public init(
            seedRatioLimit: Double?, seedTimeLimit: Double?, maxConnections: Int, maxPeersPerTorrent: Int,
            maxActiveDownloads: Int?, maxActiveSeeds: Int?
        ) {
            self.seedRatioLimit = seedRatioLimit
            self.seedTimeLimit = seedTimeLimit
            self.maxConnections = maxConnections
            self.maxPeersPerTorrent = maxPeersPerTorrent
            self.maxActiveDownloads = maxActiveDownloads
            self.maxActiveSeeds = maxActiveSeeds
        }
    }

    public var options: Options {
        Options(
            seedRatioLimit: torrentDefaults.seedRatioLimit, seedTimeLimit: torrentDefaults.seedTimeLimit,
            maxConnections: connectionLimit, maxPeersPerTorrent: torrentDefaults.maxPeers,
            maxActiveDownloads: queue.maxActiveDownloads, maxActiveSeeds: queue.maxActiveSeeds)
    }

    /// Applies `new` at once: to every torrent (whose own settings still win), to those added later, and to
    /// the queue. Limits below 1 are raised to 1.
    public func setOptions(_ new: Options) async {
        connectionLimit = max(1, new.maxConnections)
        let defaults = torrentDefaults
        torrentDefaults.seedRatioLimit = new.seedRatioLimit
        torrentDefaults.seedTimeLimit = new.seedTimeLimit
        torrentDefaults.maxPeers = max(1, new.maxPeersPerTorrent)
        // Only the torrents' own defaults need every torrent visited (thousands of hops).
        let torrentsConcerned = defaults.seedRatioLimit != torrentDefaults.seedRatioLimit
            || defaults.seedTimeLimit != torrentDefaults.seedTimeLimit || defaults.maxPeers != torrentDefaults.maxPeers
        for hash in order where torrentsConcerned {
            await torrents[hash]?.adoptSessionDefaults(
                seedRatioLimit: new.seedRatioLimit, seedTimeLimit: new.seedTimeLimit, maxPeers: torrentDefaults.maxPeers)
        }
        if new.maxActiveDownloads != queue.maxActiveDownloads || new.maxActiveSeeds != queue.maxActiveSeeds {
            await setQueueLimits(
                maxActiveDownloads: new.maxActiveDownloads.map { max(0, $0) }, maxActiveSeeds: new.maxActiveSeeds.map { max(0, $0) })
        }
    }
}

extension Torrent {
    /// The session's seeding limits and peer limit changed; this torrent's own settings still win.
    func adoptSessionDefaults(seedRatioLimit: Double?, seedTimeLimit: Double?, maxPeers: Int) {
        let seedLimitsChanged = configuration.seedRatioLimit != seedRatioLimit || configuration.seedTimeLimit != seedTimeLimit
        configuration.seedRatioLimit = seedRatioLimit
        configuration.seedTimeLimit = seedTimeLimit
        configuration.maxPeers = maxPeers
        if seedLimitsChanged && (settings.seedRatioLimit == nil || settings.seedTimeLimit == nil) {
            ignoresSeedLimits = false
            wakeTicking()
        }
    }

    /// Changes the priority of several files at once; nothing changes when an index is out of range.
    public func setPriority(_ priority: FilePriority, ofFiles indices: [Int]) async throws {
        if let bad = indices.first(where: { !metainfo.files.indices.contains($0) }) {
            throw TorrentControlError.fileIndexOutOfRange(bad, files: metainfo.files.count)
        }
        var new = settings
        if new.filePriorities.isEmpty { new.filePriorities = Array(repeating: .normal, count: metainfo.files.count) }
        for index in indices { new.filePriorities[index] = priority }
        try await apply(new)
    }
}
