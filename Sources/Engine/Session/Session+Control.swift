import Foundation
import Strategy
import TorrentModel

/// What the front ends ask of the engine: pause, resume, remove, priorities, limits, the queue.
extension Session {
    /// Why a control request could not be carried out.
    public enum ControlError: Error, CustomStringConvertible, Sendable {
        case noSuchTorrent(String)
        /// A magnet link whose metadata is still being fetched: it has no files or pieces yet.
        case noMetadataYet(String)

        public var description: String {
            switch self {
            case .noSuchTorrent(let what): "no torrent \(what)"
            case .noMetadataYet(let name): "'\(name.terminalSafe)' has no metadata yet: wait until it is fetched"
            }
        }
    }

    func existing(_ infoHash: InfoHash) throws -> Torrent {
        guard let torrent = torrents[infoHash] else {
            if let fetch = fetches[infoHash] { throw ControlError.noMetadataYet(fetch.displayName) }
            throw ControlError.noSuchTorrent(infoHash.hex)
        }
        return torrent
    }

    public func pause(_ infoHash: InfoHash) async throws {
        if let fetch = fetches[infoHash] { return await fetch.pause() }
        try await existing(infoHash).pause()
        await replanQueue(after: infoHash)
    }

    /// Resumes a paused torrent; it may wait Queued when the session's slots are taken.
    public func resume(_ infoHash: InfoHash) async throws {
        if let fetch = fetches[infoHash] { return await fetch.resume() }
        let torrent = try existing(infoHash)
        if isQueueLimited {
            await torrent.markQueued()
        } else {
            await torrent.resume()
        }
        await replanQueue(after: infoHash)
    }

    /// Removes a torrent from the session; with `deleteData`, its files too (and the folders they leave
    /// empty). Other torrents are untouched.
    public func remove(_ infoHash: InfoHash, deleteData: Bool) async throws {
        if fetches[infoHash] != nil { return await removeFetch(infoHash) }
        let torrent = try existing(infoHash)
        torrents[infoHash] = nil
        removeFromOrder(infoHash)
        await torrent.stop()
        torrent.storage.close()
        if deleteData { try await torrent.storage.deleteFiles() }
        await replanQueue(after: infoHash)
    }

    public func recheck(_ infoHash: InfoHash) async throws {
        try await existing(infoHash).recheck()
        await replanQueue(after: infoHash)
    }

    /// Changes a torrent's settings (priorities, file priorities, limits, order options) while it runs.
    public func apply(_ settings: TorrentSettings, to infoHash: InfoHash) async throws {
        try await existing(infoHash).apply(settings)
        await replanQueue(after: infoHash)
    }

    public func setPriority(_ priority: TorrentPriority, of infoHash: InfoHash) async throws {
        let torrent = try existing(infoHash)
        var settings = await torrent.currentSettings()
        settings.priority = priority
        try await torrent.apply(settings)
        await replanQueue(after: infoHash)
    }

    /// Session-wide rate limits in bytes per second (nil for none), effective at once.
    public func setLimits(download: Double?, upload: Double?) {
        downloadLimiter.setRate(download)
        uploadLimiter.setRate(upload)
    }

    public var limits: (download: Double?, upload: Double?) { (downloadLimiter.rate, uploadLimiter.rate) }

    /// How many torrents may download and seed at once (nil for no limit); the others are Queued.
    public func setQueueLimits(maxActiveDownloads: Int?, maxActiveSeeds: Int?) async {
        queue = QueuePlanner(maxActiveDownloads: maxActiveDownloads, maxActiveSeeds: maxActiveSeeds)
        await replanQueue()
    }

    public var queueLimits: QueuePlanner { queue }

    /// Whether torrents wait for slots at all.
    var isQueueLimited: Bool { queue.maxActiveDownloads != nil || queue.maxActiveSeeds != nil }

    /// `replanQueue()` after a change of one torrent. Without queue limits no other torrent is visited:
    /// none waits Queued then (they all left the queue when the limits went), so only this one can need to.
    func replanQueue(after infoHash: InfoHash) async {
        guard isQueueLimited else {
            await torrents[infoHash]?.leaveQueue()
            return
        }
        await replanQueue()
    }

    /// Starts queued torrents that have a slot and queues running ones that lost theirs (to a higher
    /// priority, or because the limits shrank). Runs after every change and once a second, since
    /// downloads become seeds on their own. Reads no torrent: the torrents keep their queue facts on the
    /// board, and the ranking takes only those that changed; nothing is planned when none did and the limits
    /// are the same, and only the torrents whose activity must change are visited.
    func replanQueue() async {
        let changed = takeQueueChanges()
        guard isQueueLimited else {
            plannedQueue = nil
            for hash in queueRanking.changes(under: QueuePlanner()).start { await torrents[hash]?.leaveQueue() }
            return
        }
        guard changed || plannedQueue != queue else { return }
        plannedQueue = queue
        let (start, stop) = queueRanking.changes(under: queue)
        // Slots are freed first, so that the limits hold at every moment.
        for hash in stop { await torrents[hash]?.enqueue() }
        for hash in start { await torrents[hash]?.leaveQueue() }
    }

    /// Brings the ranking up to date with the board; whether anything changed. A torrent is ranked by its
    /// queue place from the moment the session lists it (there is no wait between making it and listing it).
    private func takeQueueChanges() -> Bool {
        let changes = queueBoard.takeChanges()
        guard !changes.isEmpty else { return false }
        queueRanking.apply(changes.map { hash, facts in
            guard let facts, let place = queuePlaces[hash], torrents[hash] != nil else { return (hash, nil) }
            return (hash, .init(id: hash, priority: facts.priority, place: place, isComplete: facts.isComplete, phase: facts.phase))
        })
        return true
    }

    /// Keeps the queue right as torrents finish downloading. Without queue limits there is nothing to
    /// plan (a change of limits replans at once), so thousands of torrents cost no hop a second.
    func startQueueLoop() {
        queueTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard let self else { return }
                if await self.isQueueLimited { await self.replanQueue() }
            }
        }
    }
}

extension Session {
    /// Bytes free on the file system that holds `directory` (or its nearest existing parent); nil when
    /// unknown. Runs on the storage pool.
    public func freeSpace(at directory: URL) async -> Int64? {
        try? await pool.runIfActive {
            var path = directory.standardizedFileURL.path
            var info = statvfs()
            while statvfs(path, &info) != 0 {
                guard path != "/", !path.isEmpty else { return nil }
                path = (path as NSString).deletingLastPathComponent
            }
            return Int64(info.f_bavail) * Int64(info.f_frsize)
        }
    }
}

extension Session {
    /// Moves a torrent's data to another directory. A magnet link still fetching its metadata has no data
    /// yet: its files will go there instead.
    public func move(_ infoHash: InfoHash, to directory: URL) async throws {
        if torrents[infoHash] == nil, let fetch = fetches[infoHash] {
            try await checkDirectory(directory)
            // The metadata may have come meanwhile: then the torrent's data moves.
            if torrents[infoHash] == nil {
                await fetch.setDirectory(directory)
                return
            }
        }
        try await existing(infoHash).move(to: directory)
    }
}

extension Session {
    /// Peer connections of all torrents together at most; existing connections above it stay until they end.
    public func setConnectionLimit(_ limit: Int) {
        connectionLimit = max(1, limit)
    }
}
