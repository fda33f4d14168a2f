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
                let hash: String = row["infoHash"]
                let index: Int = row["fileIndex"]
                let size: Int64? = row["size"]
                let modified: Int64? = row["modified"]
                stamps[hash, default: [:]][index] = size.flatMap { size in modified.map { FileStamp(size: size, modified: $0) } }
            }
            var records: [TorrentRecord] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM torrent ORDER BY queuePosition")
            while let row = try rows.next() {
                if let record = Self.record(from: row, stamps: stamps) { records.append(record) }
            }
            return records
        }
    }

    private static func record(from row: Row, stamps: [String: [Int: FileStamp?]]) -> TorrentRecord? {
        guard let hex = row["infoHash"] as String?, let infoHash = InfoHash(hex: hex),
            let metainfo = row["metainfo"] as Data?, let name = row["name"] as String?,
            let directory = row["directory"] as String?
        else { return nil }
        let pieceCount = max(0, min(row["pieceCount"] as Int? ?? 0, 1 << 28))
        let verifiedBytes = (row["verifiedPieces"] as Data?).map { [UInt8]($0) } ?? []
        // A bitfield of the wrong size is treated as nothing verified: everything is hashed again.
        let verified = Bitfield(wireBytes: verifiedBytes, count: pieceCount) ?? Bitfield(count: pieceCount)
        let fileCount = max(0, min(row["fileCount"] as Int? ?? 0, 1 << 20))
        let saved = stamps[hex] ?? [:]
        let files: [FileStamp?] = (0..<fileCount).map { saved[$0] ?? nil }
        let settings = (row["settings"] as Data?).flatMap { try? JSONDecoder().decode(TorrentSettings.self, from: $0) }
            ?? TorrentSettings()
        let state = (row["state"] as String?).flatMap(TorrentRecord.State.init(rawValue:)) ?? .paused
        return TorrentRecord(
            metainfo: [UInt8](metainfo), infoHash: infoHash, name: name, directory: directory, state: state,
            settings: settings, queuePosition: row["queuePosition"] as Int? ?? 0,
            resume: ResumeData(verified: verified, files: files),
            uploaded: row["uploaded"] as Int64? ?? 0, downloaded: row["downloaded"] as Int64? ?? 0,
            seedingSeconds: row["seedingSeconds"] as Double? ?? 0,
            addedAt: Date(timeIntervalSince1970: row["addedAt"] as Double? ?? 0),
            completedAt: (row["completedAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// Writes the records (replacing earlier ones of the same torrents) and deletes the removed torrents,
    /// all in one transaction.
    public func save(_ records: [TorrentRecord], removing removed: [InfoHash] = []) async throws {
        guard !records.isEmpty || !removed.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = try records.map { try encoder.encode($0.settings) }
        try await database.write { db in
            for hash in removed {
                try db.execute(sql: "DELETE FROM torrent WHERE infoHash = ?", arguments: [hash.hex])
            }
            for (record, settingsJSON) in zip(records, settings) {
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
        }
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
