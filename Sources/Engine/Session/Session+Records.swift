import Foundation
import TorrentModel

/// Saving and restoring torrents across restarts (the store itself is the `SessionStore` module).
extension Session {
    /// Why a saved torrent could not be brought back.
    public enum RestoreError: Error, CustomStringConvertible, Sendable {
        case badMetainfo(String)
        case wrongInfoHash(String)
        case directoryUnusable(String)

        public var description: String {
            switch self {
            case .badMetainfo(let why): "the saved torrent file is damaged: \(why)"
            case .wrongInfoHash(let name): "the saved torrent file of '\(name)' does not match its info-hash"
            case .directoryUnusable(let why): why
            }
        }
    }

    /// Brings back saved torrents, in their queue order, each as it was (paused ones stay paused, queued
    /// ones queued) and without hashing again the pieces saved as verified whose files did not change. A
    /// torrent whose data cannot be reached (folder gone) stays listed in Error. Runs a few dozen at a time.
    /// Returns, for each record that could not be restored at all (a damaged torrent file, a duplicate),
    /// the reason.
    /// `listed` runs once every torrent is listed, before their files are looked at.
    public func restore(_ records: [TorrentRecord], listed: (@Sendable () -> Void)? = nil) async -> [(InfoHash, String)] {
        let began = ContinuousClock.now
        var failures: [(InfoHash, String)] = []
        var started: [(Torrent, TorrentRecord)] = []
        let sorted = QueueOrder.normalized(records)
        let made = await Self.makeInParallel(sorted, factory: torrentFactory)
        // Torrents made but not kept registered themselves on the queue's board: taken off again below.
        var discarded: Set<InfoHash> = []
        for (record, result) in zip(sorted, made) {
            let torrent: Torrent
            switch result {
            case .success(let value): torrent = value
            case .failure(let error):
                failures.append((record.infoHash, RestoreError.badMetainfo("\(error)").description))
                continue
            }
            let metainfo = torrent.metainfo
            guard metainfo.infoHash == record.infoHash else {
                failures.append((record.infoHash, RestoreError.wrongInfoHash(record.name).description))
                discarded.insert(metainfo.infoHash)
                continue
            }
            guard torrents[metainfo.infoHash] == nil, fetches[metainfo.infoHash] == nil else {
                failures.append((record.infoHash, SessionError.duplicateTorrent(metainfo.name).description))
                discarded.insert(metainfo.infoHash)
                continue
            }
            torrents[metainfo.infoHash] = torrent
            appendToOrder(metainfo.infoHash, savedPlace: record.queuePosition)
            started.append((torrent, record))
        }
        for hash in discarded {
            if let kept = torrents[hash] { await kept.registerOnQueueBoard() } else { queueBoard.unregister(hash) }
        }
        logger.info("listed \(started.count) torrents in \(ContinuousClock.now - began)")
        listed?()
        // Listed at once (as checking); the disk work runs a few torrents at a time. Each download
        // directory is checked once, not once per torrent.
        var directories: [String: String?] = [:]
        for (torrent, _) in started where directories[torrent.storage.directory.path] == nil {
            do {
                try await torrent.storage.checkDirectory()
                directories[torrent.storage.directory.path] = .some(nil)
            } catch {
                directories[torrent.storage.directory.path] = "\(error)"
            }
        }
        let usable = directories
        let limited = isQueueLimited
        // The files of every torrent compared with their saved stamps in a few trips to the disk threads;
        // only torrents with changed files go to the disk again, one by one, to be hashed.
        let unchanged = await Storage.resumeUnchanged(started.map { ($0.0.storage, $0.1.resume) }, pool: pool)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for ((torrent, record), unchanged) in zip(started, unchanged) {
                // Enough in flight to keep the disk threads busy (two of them: no more disk work than that
                // runs at once); too few and each torrent waits for a thread to wake up.
                if running == 32 {
                    await group.next()
                    running -= 1
                }
                running += 1
                let problem = usable[torrent.storage.directory.path] ?? nil
                group.addTask {
                    await Self.start(
                        torrent, from: record, unchanged: unchanged, queueLimited: limited, directoryProblem: problem)
                }
            }
        }
        await replanQueue()
        return failures
    }

    /// Parses the saved torrent files and makes their torrents on every core (hashing each info dictionary
    /// is most of the work).
    private static func makeInParallel(_ records: [TorrentRecord], factory: TorrentFactory) async -> [Result<Torrent, MetainfoError>] {
        let workers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let chunk = (records.count + workers - 1) / max(workers, 1)
        guard chunk > 0 else { return [] }
        return await withTaskGroup(of: (Int, [Result<Torrent, MetainfoError>]).self) { group in
            for start in stride(from: 0, to: records.count, by: chunk) {
                let slice = records[start..<min(records.count, start + chunk)]
                group.addTask {
                    // Most torrents share a download directory: one URL each.
                    var directories: [String: URL] = [:]
                    return (start, slice.map { record in
                        Result { () throws(MetainfoError) in
                            let metainfo = try Metainfo(bytes: record.metainfo)
                            let directory = directories[record.directory] ?? URL(fileURLWithPath: record.directory)
                            directories[record.directory] = directory
                            let storage = Storage(metainfo: metainfo, directory: directory, pool: factory.pool)
                            return factory.make(metainfo, storage: storage, settings: record.settings, savedHave: record.resume.verified)
                        }
                    })
                }
            }
            var parts: [(Int, [Result<Torrent, MetainfoError>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private static func start(
        _ torrent: Torrent, from record: TorrentRecord, unchanged: Bitfield?, queueLimited: Bool, directoryProblem: String?
    ) async {
        let holding: TorrentActivity? = switch record.state {
        case .paused: .paused
        case .queued: .queued
        case .active: queueLimited ? .queued : nil
        }
        await torrent.startRestored(record, holding: holding, unchanged: unchanged, directoryProblem: directoryProblem)
    }

    /// Every torrent's save mark, in order (see `TorrentRecord.Mark`).
    /// Marks their torrents cache are read without a hop (see `Torrent+RowCache.swift`).
    public func saveMarks() async -> [(InfoHash, TorrentRecord.Mark)] {
        var marks: [(InfoHash, TorrentRecord.Mark)] = []
        marks.reserveCapacity(order.count)
        let now = ContinuousClock.now
        for hash in order {
            guard let torrent = torrents[hash] else { continue }
            var mark: TorrentRecord.Mark
            if let cached = torrent.rowCache.mark(at: now) {
                mark = cached
            } else {
                mark = await torrent.saveMarkCaching()
            }
            mark.queuePosition = queuePlace(of: hash)
            marks.append((hash, mark))
        }
        return marks
    }

    /// The records of the given torrents (all when nil), flushed to disk first; torrents whose files
    /// cannot be flushed are left out (they are saved as they were).
    public func records(of hashes: Set<InfoHash>? = nil) async -> [TorrentRecord] {
        var result: [TorrentRecord] = []
        for hash in order where hashes?.contains(hash) ?? true {
            guard let torrent = torrents[hash] else { continue }
            do {
                result.append(try await torrent.record(queuePosition: queuePlace(of: hash)))
            } catch {
                logger.warning("cannot save \(torrent.metainfo.name): \(error)")
            }
        }
        return result
    }

    /// The info-hashes of every torrent, in order.
    public var infoHashes: [InfoHash] { order }
}
