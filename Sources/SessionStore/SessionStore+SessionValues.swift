import GRDB

extension SessionStore {
    /// All torrents' options saved as set live; rows with an unknown name are skipped.
    public func loadSessionValues() async throws -> [SavedSessionValue] {
        try await reader.read { db in
            try Row.fetchAll(db, sql: "SELECT name, value, configValue FROM sessionValue ORDER BY name").compactMap { row in
                guard let name = (row["name"] as String?).flatMap(SessionValues.Name.init(rawValue:)) else { return nil }
                return SavedSessionValue(name: name, value: row["value"], configValue: row["configValue"])
            }
        }
    }

    /// Replaces the saved options with these, in one transaction.
    public func replaceSessionValues(with values: [SavedSessionValue]) async throws {
        try await write(StoreWrite(sessionValues: values))
    }

    static func replaceSessionValues(in db: Database, with values: [SavedSessionValue]) throws {
        try db.execute(sql: "DELETE FROM sessionValue")
        for entry in values {
            try db.execute(
                sql: "INSERT INTO sessionValue (name, value, configValue) VALUES (?, ?, ?)",
                arguments: [entry.name.rawValue, entry.value, entry.configValue])
        }
    }
}
