import Foundation
import NIOCore
import TorrentModel
import Tracker

/// Magnet links: a fetch of the metadata first, then a torrent like any other.
extension Session {
    /// Adds a magnet link. Its metadata is fetched from peers (the link's trackers and `x.pe` peers, and
    /// peers that connect to us); once verified, the fetch becomes a torrent with the same info-hash, and
    /// the link's `so` selection sets the other files to skip. With `stopAfterMetadata` the torrent then
    /// stays paused, so that files can be chosen before the download starts. Returns the info-hash, which
    /// names the fetch and then the torrent in every other call.
    @discardableResult
    public func addMagnet(
        _ link: MagnetLink, directory: URL, settings: TorrentSettings = TorrentSettings(), paused: Bool = false,
        stopAfterMetadata: Bool = false, addedAt: Date = Date()
    ) async throws -> InfoHash {
        let hash = link.infoHash
        let name = link.displayName ?? hash.hex
        guard torrents[hash] == nil, fetches[hash] == nil else { throw SessionError.duplicateTorrent(name) }
        try await checkDirectory(directory)
        guard torrents[hash] == nil, fetches[hash] == nil else { throw SessionError.duplicateTorrent(name) }
        let port = listenPort > 0 ? UInt16(listenPort) : nil
        let connector = FetchConnector(listenPort: port) { [weak self] address, fetch in
            guard let self else { return }
            Task { await self.dial(address, for: fetch) }
        }
        let announcer = link.trackers.isEmpty ? nil : TrackerAnnouncer(
            tiers: [link.trackers], infoHash: hash, peerID: peerID, listenPort: UInt16(listenPort),
            bindHost: configuration.specificBindHost, transport: trackerTransport)
        let fetch = MetadataFetch(
            link: link, directory: directory, settings: settings, stopAfterMetadata: stopAfterMetadata,
            addedAt: addedAt, configuration: configuration.magnet, maxPeers: configuration.torrent.maxPeers,
            usesDHT: configuration.dht.enabled, announcer: announcer,
            connector: connector, logger: logger)
        fetches[hash] = fetch
        appendToOrder(hash)
        await fetch.start(paused: paused) { [weak self] bytes in
            await self?.metadataFetched(hash, infoBytes: bytes)
        }
        return hash
    }

    /// The fetch of a magnet link with this info-hash, while its metadata is not known yet.
    public func metadataFetch(for infoHash: InfoHash) -> MetadataFetch? { fetches[infoHash] }

    /// What the front ends show of a torrent or a fetch.
    public func snapshot(of infoHash: InfoHash) async -> TorrentSnapshot? {
        if let torrent = torrents[infoHash] { return await torrent.snapshot() }
        return await fetches[infoHash]?.snapshot()
    }

    /// Turns a fetch whose metadata arrived into a torrent, handing over the peers it knows.
    private func metadataFetched(_ hash: InfoHash, infoBytes: [UInt8]) async {
        guard let fetch = fetches[hash], !isShutDown else { return }
        let link = fetch.link
        let metainfo: Metainfo
        do {
            metainfo = try Metainfo(infoBytes: infoBytes, trackerTiers: link.trackers.isEmpty ? [] : [link.trackers])
        } catch {
            await fetch.fail("the metadata is not a usable torrent: \(error)")
            return
        }
        var settings = fetch.settings
        if let selection = link.selectedFiles, settings.filePriorities.isEmpty {
            settings.filePriorities = metainfo.files.indices.map { selection.contains($0) ? .normal : .skip }
        }
        let peers = await fetch.dialablePeers()
        let directory = await fetch.directory
        do {
            // The fetch stays listed until the torrent takes its place, so that its row never vanishes.
            let torrent = try await add(
                metainfo, directory: directory, settings: settings, paused: fetch.stopAfterMetadata)
            // A move that came while the torrent was being added went to the fetch: carry it out now.
            let movedTo = await fetch.directory
            if movedTo != directory {
                do { try await torrent.move(to: movedTo) } catch { logger.error("\(metainfo.name): cannot move to \(movedTo.path): \(error)") }
            }
            for source in Set(peers.map(\.1)) {
                await torrent.addPeers(peers.filter { $0.1 == source }.map(\.0), source: source)
            }
        } catch {
            // Shown on the fetch's row, which stays until removed.
            if torrents[hash] == nil {
                fetches[hash] = fetch
                if queuePlaces[hash] == nil { appendToOrder(hash) }
            }
            await fetch.fail("\(error)")
        }
    }

    func removeFetch(_ hash: InfoHash) async {
        guard let fetch = fetches.removeValue(forKey: hash) else { return }
        removeFromOrder(hash)
        await fetch.stop()
    }

    private func dial(_ address: PeerAddress, for fetch: MetadataFetch) async {
        let offered = await dial(address) { connection in
            await PeerConnection.run(connection, address: address, torrent: nil, fetch: fetch, session: self)
        }
        await fetch.connectionEnded(address, failed: !offered)
    }

    func checkDirectory(_ directory: URL) async throws {
        let path = directory.path
        try await pool.runIfActive { try Storage.makeWritableDirectory(path) }
    }
}
