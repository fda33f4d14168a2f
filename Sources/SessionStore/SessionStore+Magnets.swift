import Engine
import Foundation
import GRDB
import TorrentModel

extension SessionStore {
    /// The magnet links saved while their metadata was still coming, oldest first.
    public func loadMagnets() async throws -> [MagnetRecord] {
        let decoder = JSONDecoder()
        return try await reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM magnet ORDER BY addedAt").compactMap { row -> MagnetRecord? in
                guard let hash = InfoHash(hex: row["infoHash"]) else { return nil }
                let settings = (try? decoder.decode(TorrentSettings.self, from: row["settings"] as Data)) ?? TorrentSettings()
                return MagnetRecord(
                    infoHash: hash, link: row["link"], directory: row["directory"], paused: row["paused"],
                    stopAfterMetadata: row["stopAfterMetadata"], settings: settings,
                    addedAt: Date(timeIntervalSince1970: row["addedAt"]))
            }
        }
    }

    /// Replaces the saved magnet links with these (few rows: written whole, in one transaction).
    public func replaceMagnets(with records: [MagnetRecord]) async throws {
        try await write(StoreWrite(magnets: records))
    }

    static func replaceMagnets(in db: Database, with records: [MagnetRecord], settings: [Data]) throws {
        try db.execute(sql: "DELETE FROM magnet")
        for (record, settingsJSON) in zip(records, settings) {
            try db.execute(
                sql: """
                    INSERT INTO magnet (infoHash, link, directory, paused, stopAfterMetadata, settings, addedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.infoHash.hex, record.link, record.directory, record.paused, record.stopAfterMetadata,
                    settingsJSON, record.addedAt.timeIntervalSince1970,
                ])
        }
    }
}
