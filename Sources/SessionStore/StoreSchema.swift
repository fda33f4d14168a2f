import GRDB

/// The database schema, one migration per version. Never edit a migration that has shipped: add one.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: torrents and their files") { db in
            try db.execute(sql: """
                CREATE TABLE torrent (
                    infoHash TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    metainfo BLOB NOT NULL,
                    directory TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'queued')),
                    settings BLOB NOT NULL,
                    queuePosition INTEGER NOT NULL,
                    pieceCount INTEGER NOT NULL,
                    verifiedPieces BLOB NOT NULL,
                    fileCount INTEGER NOT NULL,
                    uploaded INTEGER NOT NULL DEFAULT 0,
                    downloaded INTEGER NOT NULL DEFAULT 0,
                    seedingSeconds REAL NOT NULL DEFAULT 0,
                    addedAt REAL NOT NULL,
                    completedAt REAL
                );
                CREATE TABLE torrentFile (
                    infoHash TEXT NOT NULL REFERENCES torrent(infoHash) ON DELETE CASCADE,
                    fileIndex INTEGER NOT NULL,
                    size INTEGER,
                    modified INTEGER,
                    PRIMARY KEY (infoHash, fileIndex)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2: queue order index") { db in
            // Start-up reads every torrent in queue order: without the index SQLite sorts whole rows,
            // torrent files and all.
            try db.execute(sql: "CREATE INDEX torrentQueueOrder ON torrent(queuePosition)")
        }
        migrator.registerMigration("v3: magnet links waiting for their metadata") { db in
            try db.execute(sql: """
                CREATE TABLE magnet (
                    infoHash TEXT PRIMARY KEY NOT NULL,
                    link TEXT NOT NULL,
                    directory TEXT NOT NULL,
                    paused INTEGER NOT NULL,
                    stopAfterMetadata INTEGER NOT NULL,
                    settings BLOB NOT NULL,
                    addedAt REAL NOT NULL
                )
                """)
        }
        migrator.registerMigration("v4: all torrents' options set live") { db in
            // One row per option that differs from the configuration file's: the value set live (NULL: none)
            // and the file's value then (see `SessionValueMemory`).
            try db.execute(sql: """
                CREATE TABLE sessionValue (
                    name TEXT PRIMARY KEY NOT NULL,
                    value REAL,
                    configValue REAL
                )
                """)
        }
        return migrator
    }
}
