import Engine
import Foundation
import GRDB
import TorrentModel

/// The torrents of a session, kept across restarts in an SQLite database (WAL mode) in the state
/// directory. Every write is one transaction: a crash leaves either the old records or the new ones.
public final class SessionStore: Sendable {
    public static let fileName = "swarm.sqlite"
    public let databaseURL: URL
    private let database: DatabasePool
    private let writes = WriteCounter()
    /// The database, for the other files of this type.
    var reader: DatabasePool { database }
    var writer: DatabasePool { database }

    /// Opens (creating it if needed) the store in `directory`, which is created with mode 0700.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        databaseURL = directory.appendingPathComponent(Self.fileName)
        var configuration = Configuration()
        configuration.label = "swarm.store"
        // Another process (a `swarm add` while the engine runs) waits a little instead of failing.
        configuration.busyMode = .timeout(5)
        database = try DatabasePool(path: databaseURL.path, configuration: configuration)
        try StoreSchema.migrator.migrate(database)
    }

    /// Every saved torrent, in queue order. Rows that cannot be read as a torrent are skipped, never
    /// trusted: the engine hashes what a damaged row claims rather than believe it.
    public func loadAll() async throws -> [TorrentRecord] {
        try await database.read { db in
            var stamps: [String: [Int: FileStamp?]] = [:]
            let fileRows = try Row.fetchCursor(db, sql: "SELECT infoHash, fileIndex, size, modified FROM torrentFile")
            while let row = try fileRows.next() {
                let hash: String = row[0]
                let index: Int = row[1]
                let size: Int64? = row[2]
                let modified: Int64? = row[3]
                stamps[hash, default: [:]][index] = size.flatMap { size in modified.map { FileStamp(size: size, modified: $0) } }
            }
            var records: [TorrentRecord] = []
            // Most torrents share the same settings: each distinct one is decoded once.
            var decoded: [Data: TorrentSettings] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT infoHash, metainfo, name, directory, pieceCount, verifiedPieces, fileCount, settings, state,
                    queuePosition, uploaded, downloaded, seedingSeconds, addedAt, completedAt
                FROM torrent ORDER BY queuePosition
                """)
            while let row = try rows.next() {
                if let record = Self.record(from: row, stamps: stamps, settings: &decoded) { records.append(record) }
            }
            return records
        }
    }

    private static func record(
        from row: Row, stamps: [String: [Int: FileStamp?]], settings decoded: inout [Data: TorrentSettings]
    ) -> TorrentRecord? {
        guard let hex = row[0] as String?, let infoHash = InfoHash(hex: hex),
            let metainfo = row[1] as Data?, let name = row[2] as String?, let directory = row[3] as String?
        else { return nil }
        let pieceCount = max(0, min(row[4] as Int? ?? 0, 1 << 28))
        let verifiedBytes = (row[5] as Data?).map { [UInt8]($0) } ?? []
        // A bitfield of the wrong size is treated as nothing verified: everything is hashed again.
        let verified = Bitfield(wireBytes: verifiedBytes, count: pieceCount) ?? Bitfield(count: pieceCount)
        let fileCount = max(0, min(row[6] as Int? ?? 0, 1 << 20))
        let saved = stamps[hex] ?? [:]
        let files: [FileStamp?] = (0..<fileCount).map { saved[$0] ?? nil }
        var settings = TorrentSettings()
        if let blob = row[7] as Data? {
            if let known = decoded[blob] {
                settings = known
            } else {
                settings = (try? JSONDecoder().decode(TorrentSettings.self, from: blob)) ?? TorrentSettings()
                decoded[blob] = settings
            }
        }
        let state = (row[8] as String?).flatMap(TorrentRecord.State.init(rawValue:)) ?? .paused
        return TorrentRecord(
            metainfo: [UInt8](metainfo), infoHash: infoHash, name: name, directory: directory, state: state,
            settings: settings, queuePosition: row[9] as Int? ?? 0,
            resume: ResumeData(verified: verified, files: files),
            uploaded: row[10] as Int64? ?? 0, downloaded: row[11] as Int64? ?? 0,
            seedingSeconds: row[12] as Double? ?? 0,
            addedAt: Date(timeIntervalSince1970: row[13] as Double? ?? 0),
            completedAt: (row[14] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// Writes the records (replacing earlier ones of the same torrents) and deletes the removed torrents,
    /// all in one transaction.
    public func save(_ records: [TorrentRecord], removing removed: [InfoHash] = []) async throws {
        try await write(StoreWrite(records: records, removed: removed))
    }

    /// Writes all of `change` in one transaction.
    public func write(_ change: StoreWrite) async throws {
        guard !change.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = try change.records.map { try encoder.encode($0.settings) }
        let magnetSettings = try change.magnets.map { try $0.map { try encoder.encode($0.settings) } }
        try await database.write { db in
            if let magnets = change.magnets, let magnetSettings {
                try Self.replaceMagnets(in: db, with: magnets, settings: magnetSettings)
            }
            if let values = change.sessionValues { try Self.replaceSessionValues(in: db, with: values) }
            for hash in change.removed {
                try db.execute(sql: "DELETE FROM torrent WHERE infoHash = ?", arguments: [hash.hex])
            }
            for (hash, place) in change.queuePlaces {
                try db.execute(sql: "UPDATE torrent SET queuePosition = ? WHERE infoHash = ?", arguments: [place, hash.hex])
            }
            for (record, settingsJSON) in zip(change.records, settings) {
                try Self.write(record, settings: settingsJSON, in: db)
            }
        }
        writes.count(torrentRows: change.records.count)
    }

    private static func write(_ record: TorrentRecord, settings settingsJSON: Data, in db: Database) throws {
        let hex = record.infoHash.hex
        try db.execute(
            sql: """
                INSERT INTO torrent (infoHash, name, metainfo, directory, state, settings, queuePosition,
                    pieceCount, verifiedPieces, fileCount, uploaded, downloaded, seedingSeconds, addedAt, completedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(infoHash) DO UPDATE SET name = excluded.name, metainfo = excluded.metainfo,
                    directory = excluded.directory, state = excluded.state, settings = excluded.settings,
                    queuePosition = excluded.queuePosition, pieceCount = excluded.pieceCount,
                    verifiedPieces = excluded.verifiedPieces, fileCount = excluded.fileCount,
                    uploaded = excluded.uploaded, downloaded = excluded.downloaded,
                    seedingSeconds = excluded.seedingSeconds, addedAt = excluded.addedAt,
                    completedAt = excluded.completedAt
                """,
            arguments: [
                hex, record.name, Data(record.metainfo), record.directory, record.state.rawValue, settingsJSON,
                record.queuePosition, record.resume.verified.count, Data(record.resume.verified.bytes),
                record.resume.files.count, record.uploaded, record.downloaded, record.seedingSeconds,
                record.addedAt.timeIntervalSince1970, record.completedAt?.timeIntervalSince1970,
            ])
        try db.execute(sql: "DELETE FROM torrentFile WHERE infoHash = ?", arguments: [hex])
        for (index, stamp) in record.resume.files.enumerated() {
            try db.execute(
                sql: "INSERT INTO torrentFile (infoHash, fileIndex, size, modified) VALUES (?, ?, ?, ?)",
                arguments: [hex, index, stamp?.size, stamp?.modified])
        }
    }

    /// How many torrent rows this store has written since it was opened, and in how many transactions
    /// (for tests and logs: a change should write its own torrent, not every one).
    public var writeCounts: (torrentRows: Int, transactions: Int) { writes.value }

    /// Saves a torrent at the end of the queue, unless the store has it already (for adding while no
    /// engine runs: it starts with the next one). Returns whether it was added.
    @discardableResult
    public func append(_ record: TorrentRecord) async throws -> Bool {
        let hex = record.infoHash.hex
        let exists = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM torrent WHERE infoHash = ?", arguments: [hex]) != nil
        }
        guard !exists else { return false }
        var record = record
        record.queuePosition = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(queuePosition) + 1, 0) FROM torrent") ?? 0
        }
        try await save([record])
        return true
    }

    public func remove(_ hashes: [InfoHash]) async throws {
        try await save([], removing: hashes)
    }

    /// SQLite's own consistency check: `["ok"]` when the database is sound.
    public func integrityCheck() async throws -> [String] {
        try await database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The journal mode in force (`wal`).
    public func journalMode() async throws -> String {
        try await database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    public func count() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM torrent") ?? 0 }
    }

    /// Closes the database; the store is not usable afterwards.
    public func close() throws {
        try database.close()
    }
}

/// What one transaction of the store writes: torrents' records, removals, and, when not nil, the whole
/// set of waiting magnet links and of all torrents' options set live.
public struct StoreWrite: Sendable {
    public var records: [TorrentRecord]
    public var removed: [InfoHash]
    public var magnets: [MagnetRecord]?
    public var sessionValues: [SavedSessionValue]?
    /// New queue places of torrents whose rows are otherwise left as they are.
    public var queuePlaces: [(InfoHash, Int)] = []

    public init(
        records: [TorrentRecord] = [], removed: [InfoHash] = [], magnets: [MagnetRecord]? = nil,
        sessionValues: [SavedSessionValue]? = nil
    ) {
        self.records = records
        self.removed = removed
        self.magnets = magnets
        self.sessionValues = sessionValues
    }

    public var isEmpty: Bool {
        records.isEmpty && removed.isEmpty && magnets == nil && sessionValues == nil && queuePlaces.isEmpty
    }
}

/// Counts the store's writes.
private final class WriteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (torrentRows: 0, transactions: 0)

    func count(torrentRows: Int) {
        lock.withLock {
            counts.torrentRows += torrentRows
            counts.transactions += 1
        }
    }

    var value: (torrentRows: Int, transactions: Int) { lock.withLock { counts } }
}
