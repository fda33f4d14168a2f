import DHT
import Foundation
import PeerWire
import TorrentModel

/// The session's DHT node and when each torrent was last looked up.
struct SessionDHT {
    let node: DHTNode
    let port: UInt16
    var task: Task<Void, Never>?
    var nextLookup: [InfoHash: ContinuousClock.Instant] = [:]
    var inProgress: Set<InfoHash> = []
    /// Lookups in a row that found no peer, per torrent: the wait before the next one doubles with each.
    var misses: [InfoHash: Int] = [:]
}

extension Session {
    /// Starts the DHT node when the configuration asks for one. A UDP port that cannot be bound turns
    /// the DHT off with a warning; the session runs on.
    func startDHT() async {
        let settings = configuration.dht
        guard settings.enabled, dht == nil else { return }
        var ports = [settings.port ?? listenPort]
        if settings.port == nil && listenPort != 0 { ports.append(0) }
        for port in ports {
            let node = DHTNode(
                configuration: settings.nodeConfiguration(sessionBindHost: configuration.bindHost, port: port),
                group: group, pool: pool, logger: logger)
            do {
                let bound = try await node.start()
                dht = SessionDHT(node: node, port: UInt16(bound))
                logger.info("DHT node on UDP port \(bound)")
                break
            } catch {
                logger.warning("DHT: cannot bind UDP port \(port): \(error)")
            }
        }
        guard dht != nil else { return }
        dht?.task = Task { [weak self] in
            while !Task.isCancelled {
                await self?.lookUpDueTorrents()
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    func stopDHT() async {
        dht?.task?.cancel()
        await dht?.node.stop()
    }

    /// The DHT's health for the UI; nil when the DHT is off.
    public func dhtStatus() async -> DHTStatus? {
        await dht?.node.status()
    }

    /// Peers of an info-hash from the DHT, announcing our listening port too when `announce` is set: for a
    /// magnet link whose metadata (and so its private flag) is not known yet. Nil when the DHT is off.
    public func dhtPeers(for infoHash: InfoHash, announce: Bool) async -> [PeerAddress]? {
        guard let node = dht?.node else { return nil }
        return announce
            ? await node.announce(infoHash, port: UInt16(clamping: listenPort)).peers
            : await node.getPeers(infoHash).peers
    }

    /// The DHT node's UDP port; nil when the DHT is off.
    public var dhtPort: Int? { dht.map { Int($0.port) } }

    /// Reserved handshake bits for a torrent: the DHT bit (BEP 5) only when our DHT may serve it.
    nonisolated func handshakeReserved(for metainfo: Metainfo) -> [UInt8] {
        var reserved = Handshake.defaultReserved
        if configuration.dht.enabled && !metainfo.isPrivate { reserved[7] |= Handshake.dhtBit }
        return reserved
    }

    /// A peer told us its DHT port (PORT message): ping that node.
    func heardDHTNode(_ address: PeerAddress) async {
        await dht?.node.addNode(NodeAddress(host: address.host, port: address.port))
    }

    /// Looks up (get_peers) and announces every running public torrent and magnet fetch whose turn has
    /// come; the peers found go to the torrent or fetch.
    private func lookUpDueTorrents() async {
        guard let dht else { return }
        let now = ContinuousClock.now
        for hash in order where !dht.inProgress.contains(hash) && (dht.nextLookup[hash].map { $0 <= now } ?? true) {
            let node = dht.node
            let port = UInt16(clamping: listenPort)
            if let torrent = torrents[hash], !torrent.metainfo.isPrivate, await torrent.isRunning {
                self.dht?.inProgress.insert(hash)
                Task {
                    let result = await node.announce(hash, port: port)
                    await torrent.addPeers(result.peers, source: .dht)
                    self.lookupFinished(hash, result: result)
                }
            } else if let fetch = fetches[hash], await fetch.isFetching {
                // A magnet: whether it is private is not known before its metadata, and magnets of private
                // torrents carry their tracker; so the DHT is asked, as libtorrent and Transmission do.
                self.dht?.inProgress.insert(hash)
                Task {
                    let result = await node.announce(hash, port: port)
                    await fetch.addPeers(result.peers, source: .dht)
                    self.lookupFinished(hash, result: result)
                }
            }
        }
    }

    /// Schedules the next lookup: after `announceInterval` when it found peers and announced; otherwise
    /// soon (a few seconds, doubling with each miss up to `retryInterval`), since a young DHT fills fast;
    /// while no node answers at all, every `dhtFirstRetry`.
    private func lookupFinished(_ hash: InfoHash, result: DHTNode.PeersResult) {
        guard dht != nil else { return }
        dht!.inProgress.remove(hash)
        let settings = configuration.dht
        let wait: Duration
        if result.nodesResponded == 0 {
            // Nobody to ask yet (an empty table): try again shortly, without backing off.
            wait = min(settings.retryInterval, Self.dhtFirstRetry)
        } else if result.peers.isEmpty || result.announcedTo == 0 {
            let misses = dht!.misses[hash, default: 0]
            dht!.misses[hash] = misses + 1
            wait = min(settings.retryInterval, Self.dhtFirstRetry * (1 << min(misses, 8)))
        } else {
            dht!.misses[hash] = nil
            wait = settings.announceInterval
        }
        dht!.nextLookup[hash] = ContinuousClock.now + wait
        logger.debug("DHT lookup \(hash): \(result.peers.count) peers, \(result.nodesResponded) nodes answered, announced to \(result.announcedTo); next in \(wait)")
    }

    static let dhtFirstRetry: Duration = .seconds(2)
}
