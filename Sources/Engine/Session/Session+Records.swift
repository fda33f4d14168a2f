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
    public func restore(_ records: [TorrentRecord]) async -> [(InfoHash, String)] {
        let began = ContinuousClock.now
        var failures: [(InfoHash, String)] = []
        var started: [(Torrent, TorrentRecord)] = []
        let sorted = QueueOrder.normalized(records)
        let parsed = await Self.parseInParallel(sorted)
        for (record, result) in zip(sorted, parsed) {
            let metainfo: Metainfo
            switch result {
            case .success(let value): metainfo = value
            case .failure(let error):
                failures.append((record.infoHash, RestoreError.badMetainfo("\(error)").description))
                continue
            }
            guard metainfo.infoHash == record.infoHash else {
                failures.append((record.infoHash, RestoreError.wrongInfoHash(record.name).description))
                continue
            }
            guard torrents[metainfo.infoHash] == nil, fetches[metainfo.infoHash] == nil else {
                failures.append((record.infoHash, SessionError.duplicateTorrent(metainfo.name).description))
                continue
            }
            let storage = Storage(metainfo: metainfo, directory: URL(fileURLWithPath: record.directory), pool: pool)
            let torrent = makeTorrent(metainfo, storage: storage, settings: record.settings, savedHave: record.resume.verified)
            torrents[metainfo.infoHash] = torrent
            appendToOrder(metainfo.infoHash, savedPlace: record.queuePosition)
            started.append((torrent, record))
        }
        logger.info("listed \(started.count) torrents in \(ContinuousClock.now - began)")
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
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (torrent, record) in started {
                // Enough in flight to keep the disk threads busy (two of them: no more disk work than that
                // runs at once); too few and each torrent waits for a thread to wake up.
                if running == 32 {
                    await group.next()
                    running -= 1
                }
                running += 1
                let problem = usable[torrent.storage.directory.path] ?? nil
                group.addTask {
                    await Self.start(torrent, from: record, queueLimited: limited, directoryProblem: problem)
                }
            }
        }
        await replanQueue()
        return failures
    }

    /// Parses the saved torrent files on every core (hashing each info dictionary is most of the work).
    private static func parseInParallel(_ records: [TorrentRecord]) async -> [Result<Metainfo, MetainfoError>] {
        let workers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let chunk = (records.count + workers - 1) / max(workers, 1)
        guard chunk > 0 else { return [] }
        return await withTaskGroup(of: (Int, [Result<Metainfo, MetainfoError>]).self) { group in
            for start in stride(from: 0, to: records.count, by: chunk) {
                let slice = records[start..<min(records.count, start + chunk)]
                group.addTask {
                    (start, slice.map { record in Result { () throws(MetainfoError) in try Metainfo(bytes: record.metainfo) } })
                }
            }
            var parts: [(Int, [Result<Metainfo, MetainfoError>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private static func start(
        _ torrent: Torrent, from record: TorrentRecord, queueLimited: Bool, directoryProblem: String?
    ) async {
        await torrent.restoreHistory(from: record)
        let holding: TorrentActivity? = switch record.state {
        case .paused: .paused
        case .queued: .queued
        case .active: queueLimited ? .queued : nil
        }
        do {
            if let directoryProblem { throw RestoreError.directoryUnusable(directoryProblem) }
            try await torrent.start(holding: holding, resume: record.resume)
        } catch {
            await torrent.failedToStart(error, keeping: record.resume)
        }
    }

    /// Every torrent's save mark, in order (see `TorrentRecord.Mark`).
    public func saveMarks() async -> [(InfoHash, TorrentRecord.Mark)] {
        var marks: [(InfoHash, TorrentRecord.Mark)] = []
        for hash in order {
            guard let torrent = torrents[hash] else { continue }
            var mark = await torrent.saveMark()
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
