import Engine
import Foundation
import Logging
import TorrentModel

/// Keeps the store in step with a running session. `saveChanges()` writes the torrents that changed
/// since their last save (and deletes the removed ones), the magnet links and all torrents' options when
/// they changed, in one transaction; `run(every:)` calls it on a schedule. Unchanged torrents cost one
/// actor hop each, no disk access. `saveChange(of:)` writes what one control request changed without
/// looking at the other torrents, so that it costs the same with ten torrents or ten thousand. Saves run
/// one at a time, in the order they were asked for: an older view of a torrent never overwrites a newer one.
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
    /// The save running or last asked for: the next one starts after it.
    private var lastSave: Task<Void, Never>?
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

    /// Takes the session's current state as already saved (right after restoring it from the store;
    /// `stored` gives each stored torrent's queue place), deletes the stored torrents that did not come
    /// back, and saves the queue places the restore had to change (duplicates in an older store, see
    /// `QueueOrder`): a later save of one torrent then never puts it out of order with the others.
    public func adoptCurrentState(stored: [InfoHash: Int]) async {
        let marks = await session.saveMarks()
        saved = Dictionary(marks, uniquingKeysWith: { a, _ in a })
        let present = Set(marks.map(\.0))
        var change = StoreWrite(removed: stored.keys.filter { !present.contains($0) })
        change.queuePlaces = marks.compactMap { hash, mark in
            stored[hash].flatMap { $0 == mark.queuePosition ? nil : (hash, mark.queuePosition) }
        }
        do { try await store.write(change) } catch { logger.error("cannot update the store: \(error)") }
    }

    /// Writes what changed since the last save; with `everything`, every torrent (at shutdown).
    public func saveChanges(everything: Bool = false) async throws {
        try await inTurn { try await $0.write(only: nil, everything: everything) }
    }

    /// Writes at once the records of `torrents` (deleting those no longer in the session), and the magnet
    /// links and all torrents' options if they changed: what one control request changed. Other torrents
    /// changed meanwhile (a pause that lets a queued torrent start, progress) wait for the periodic save.
    public func saveChange(of torrents: Set<InfoHash>) async throws {
        try await inTurn { try await $0.write(only: torrents, everything: false) }
    }

    /// Runs `save` once the saves asked for before it are over.
    private func inTurn(_ save: @escaping @Sendable (isolated StoreSaver) async throws -> Void) async throws {
        let previous = lastSave
        let current = Task<Result<Void, Error>, Never> {
            await previous?.value
            do {
                return .success(try await save(self))
            } catch {
                return .failure(error)
            }
        }
        lastSave = Task { _ = await current.value }
        try await current.value.get()
    }

    /// One transaction: the torrents of `only` (every changed torrent when nil; every torrent with
    /// `everything`), removals among them, magnet links and options when they changed.
    private func write(only: Set<InfoHash>?, everything: Bool) async throws {
        var change = StoreWrite()
        let magnets = await session.magnetRecords()
        if everything || magnets != savedMagnets { change.magnets = magnets }
        var values: SessionValues?
        if let configValues {
            let current = await SessionValues(of: session)
            if everything || current != savedValues {
                change.sessionValues = SessionValueMemory.toSave(current: current, config: configValues)
                values = current
            }
        }
        let marks: [(InfoHash, TorrentRecord.Mark)]
        var toWrite = Set<InfoHash>()
        if let only {
            marks = await session.saveMarks(of: only)
            toWrite = Set(marks.map(\.0))
            change.removed = only.filter { saved[$0] != nil && !toWrite.contains($0) }
        } else {
            marks = await session.saveMarks()
            for (hash, mark) in marks where everything || saved[hash] != mark { toWrite.insert(hash) }
            let present = Set(marks.map(\.0))
            change.removed = saved.keys.filter { !present.contains($0) }
        }
        // The marks are taken before the records: a change in between is seen by the next save.
        change.records = toWrite.isEmpty ? [] : await session.records(of: toWrite)
        try await store.write(change)
        if let magnets = change.magnets { savedMagnets = magnets }
        if let values { savedValues = values }
        for hash in change.removed { saved[hash] = nil }
        let savedHashes = Set(change.records.map(\.infoHash))
        for (hash, mark) in marks where savedHashes.contains(hash) { saved[hash] = mark }
        lastSaveCount = change.records.count
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
