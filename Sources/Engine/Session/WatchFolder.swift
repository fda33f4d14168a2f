import Foundation
import Logging
import TorrentModel

/// A folder where dropped `.torrent` files are added to the session, as rTorrent and Transmission do:
/// once added, `NAME.torrent` becomes `NAME.torrent.added`; one that is not a usable torrent becomes
/// `NAME.torrent.invalid`, and the log says why. `scan()` does one pass (tests call it directly);
/// `start(every:)` polls.
public actor WatchFolder {
    /// What a scan did with one file.
    public enum Outcome: Sendable, Equatable {
        case added(InfoHash)
        /// Already in the session: renamed `.added` all the same, so it is not tried again.
        case alreadyPresent(InfoHash)
        case invalid(String)
        /// Not readable as a torrent yet, seen for the first time: perhaps still being written.
        case waiting
    }

    public nonisolated let directory: URL
    let session: Session
    let downloadDirectory: URL
    let logger: Logger
    private var task: Task<Void, Never>?
    /// Files that failed to parse at the last scan, with their size and modification time then.
    private var unreadable: [String: FileStamp] = [:]

    public static let addedSuffix = ".added"
    public static let invalidSuffix = ".invalid"
    /// Larger files are not torrents anyone should add by dropping them in a folder.
    static let maxTorrentSize = 16 << 20

    public init(directory: URL, session: Session, downloadDirectory: URL, logger: Logger = Logger(label: "swarm.watch")) {
        self.directory = directory
        self.session = session
        self.downloadDirectory = downloadDirectory
        self.logger = logger
    }

    /// Adds every `.torrent` file in the folder; returns what happened to each, by file name.
    @discardableResult
    public func scan() async -> [String: Outcome] {
        let folder = directory
        let found = await session.onPool { () -> [(String, FileStamp, Data?)] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0.lowercased().hasSuffix(".torrent") }.sorted().compactMap { name in
                let path = folder.appendingPathComponent(name).path
                var info = stat()
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
                #if canImport(Darwin)
                let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
                #else
                let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                #endif
                let stamp = FileStamp(size: Int64(info.st_size), modified: modified)
                let data = info.st_size <= Self.maxTorrentSize ? FileManager.default.contents(atPath: path) : nil
                return (name, stamp, data)
            }
        } ?? []
        var outcomes: [String: Outcome] = [:]
        let names = Set(found.map(\.0))
        unreadable = unreadable.filter { names.contains($0.key) }
        for (name, stamp, data) in found {
            let outcome = await handle(name, stamp: stamp, data: data)
            outcomes[name] = outcome
            switch outcome {
            case .added, .alreadyPresent: await rename(name, suffix: Self.addedSuffix)
            case .invalid(let why):
                logger.warning("watch folder: \(name) is not usable: \(why)")
                await rename(name, suffix: Self.invalidSuffix)
            case .waiting: break
            }
        }
        return outcomes
    }

    private func handle(_ name: String, stamp: FileStamp, data: Data?) async -> Outcome {
        guard let data else {
            return stamp.size > Self.maxTorrentSize ? .invalid("larger than 16 MiB") : .invalid("cannot read it")
        }
        let metainfo: Metainfo
        do {
            metainfo = try Metainfo(bytes: data)
        } catch {
            // A file still being copied in fails to parse: give it until the next scan if it is new or
            // still changing.
            if unreadable[name] != stamp {
                unreadable[name] = stamp
                return .waiting
            }
            unreadable[name] = nil
            return .invalid("\(error)")
        }
        unreadable[name] = nil
        if await session.torrent(for: metainfo.infoHash) != nil { return .alreadyPresent(metainfo.infoHash) }
        do {
            _ = try await session.add(metainfo, directory: downloadDirectory)
            logger.info("watch folder: added \(metainfo.name) from \(name)")
            return .added(metainfo.infoHash)
        } catch SessionError.duplicateTorrent {
            return .alreadyPresent(metainfo.infoHash)
        } catch {
            return .invalid("\(error)")
        }
    }

    private func rename(_ name: String, suffix: String) async {
        let from = directory.appendingPathComponent(name).path
        let to = from + suffix
        let failed = await session.onPool { () -> Int32? in
            Foundation.rename(from, to) == 0 ? nil : errno
        } ?? nil
        if let failed { logger.error("watch folder: cannot rename \(name): \(String(cString: strerror(failed)))") }
    }

    /// Scans now and then every `interval` until `stop()`.
    public func start(every interval: Duration = .seconds(2)) {
        task?.cancel()
        task = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.scan()
                try? await Task.sleep(for: interval)
            }
        }
    }

    public func stop() {
        task?.cancel()
        task = nil
    }
}

extension Session {
    /// Runs blocking file work on the session's thread pool; nil once the pool has stopped.
    func onPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        try? await pool.runIfActive(work)
    }
}
