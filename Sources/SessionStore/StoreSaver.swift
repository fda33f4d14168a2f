import Engine
import Foundation
import Logging
import TorrentModel

/// Keeps the store in step with a running session: `saveChanges()` writes the torrents that changed
/// since their last save (and deletes the removed ones) in one transaction; `run(every:)` calls it on a
/// schedule. Unchanged torrents cost one actor hop, no disk access.
public actor StoreSaver {
    public let store: SessionStore
    let session: Session
    nonisolated let logger: Logger
    private var saved: [InfoHash: TorrentRecord.Mark] = [:]
    /// The magnet links as last saved (written again only when they change).
    private var savedMagnets: [MagnetRecord]?
    /// The configuration file's values for all torrents' options: those set live that differ are saved.
    let configValues: SessionValues?
    /// All torrents' options as last saved.
    private var savedValues: SessionValues?
    private var task: Task<Void, Never>?
    /// How many torrents each save wrote, for tests and logs.
    public private(set) var lastSaveCount = 0

    /// With `configValues`, all torrents' options set live are saved too (see `SessionValueMemory`).
    public init(
        store: SessionStore, session: Session, configValues: SessionValues? = nil, logger: Logger = Logger(label: "swarm.store")
    ) {
        self.store = store
        self.session = session
        self.configValues = configValues
        self.logger = logger
    }

    /// Takes the session's current state as already saved (right after restoring it from the store),
    /// and remembers which stored torrents exist so that their removal is saved too.
    public func adoptCurrentState(storedHashes: [InfoHash]) async {
        let marks = await session.saveMarks()
        saved = Dictionary(marks, uniquingKeysWith: { a, _ in a })
        let present = Set(marks.map(\.0))
        let gone = storedHashes.filter { !present.contains($0) }
        if !gone.isEmpty {
            do { try await store.remove(gone) } catch { logger.error("cannot update the store: \(error)") }
        }
    }

    /// Writes what changed since the last save; with `everything`, every torrent (at shutdown).
    public func saveChanges(everything: Bool = false) async throws {
        let magnets = await session.magnetRecords()
        if everything || magnets != savedMagnets {
            try await store.replaceMagnets(with: magnets)
            savedMagnets = magnets
        }
        if let configValues {
            let current = await SessionValues(of: session)
            if everything || current != savedValues {
                try await store.replaceSessionValues(with: SessionValueMemory.toSave(current: current, config: configValues))
                savedValues = current
            }
        }
        let marks = await session.saveMarks()
        var changed = Set<InfoHash>()
        for (hash, mark) in marks where everything || saved[hash] != mark { changed.insert(hash) }
        let present = Set(marks.map(\.0))
        let removed = saved.keys.filter { !present.contains($0) }
        guard !changed.isEmpty || !removed.isEmpty else {
            lastSaveCount = 0
            return
        }
        let records = changed.isEmpty ? [] : await session.records(of: changed)
        try await store.save(records, removing: removed)
        for hash in removed { saved[hash] = nil }
        let savedHashes = Set(records.map(\.infoHash))
        for (hash, mark) in marks where savedHashes.contains(hash) { saved[hash] = mark }
        lastSaveCount = records.count
    }

    /// Saves every `interval` until `stop()`.
    public func start(every interval: Duration) {
        task?.cancel()
        task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                do { try await self.saveChanges() } catch { self.logger.error("cannot save the session: \(error)") }
            }
        }
    }

    public func stop() {
        task?.cancel()
        task = nil
    }
}
