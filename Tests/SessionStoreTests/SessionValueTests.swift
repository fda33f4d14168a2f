import Engine
import Foundation
import GRDB
@testable import SessionStore
import TestSupport
import XCTest

/// All torrents' options set live are kept across restarts; the configuration file's newer changes win.
final class SessionValueTests: XCTestCase {
    private func values(ratio: Double? = nil, connections: Int = 200, downloads: Int? = nil, download: Double? = nil) -> SessionValues {
        SessionValues(
            downloadLimit: download, uploadLimit: nil,
            options: Session.Options(
                seedRatioLimit: ratio, seedTimeLimit: nil, maxConnections: connections, maxPeersPerTorrent: 60,
                maxActiveDownloads: downloads, maxActiveSeeds: nil))
    }

    func testOnlyValuesThatDifferFromTheConfigurationAreSaved() {
        let config = values(ratio: 2, connections: 100)
        let live = values(ratio: nil, connections: 100, downloads: 3, download: 51200)
        let saved = SessionValueMemory.toSave(current: live, config: config)
        XCTAssertEqual(saved, [
            SavedSessionValue(name: .downloadLimit, value: 51200, configValue: nil),
            SavedSessionValue(name: .seedRatioLimit, value: nil, configValue: 2),
            SavedSessionValue(name: .maxActiveDownloads, value: 3, configValue: nil),
        ])
        XCTAssertEqual(SessionValueMemory.toSave(current: config, config: config), [])
        XCTAssertEqual(SessionValueMemory.starting(config: config, saved: saved), live, "the file unchanged: the live values come back")
    }

    func testAConfigurationValueChangedSinceWins() {
        let saved = SessionValueMemory.toSave(current: values(ratio: 5, connections: 40), config: values(ratio: 2, connections: 100))
        // The file's seed ratio went from 2 to 3 since: the file's wins; its connections did not change: the live one stays.
        let starting = SessionValueMemory.starting(config: values(ratio: 3, connections: 100), saved: saved)
        XCTAssertEqual(starting, values(ratio: 3, connections: 40))
    }

    func testDamagedValuesLeaveTheOptionAsItWas() {
        let config = values(connections: 100)
        let saved = [
            SavedSessionValue(name: .maxConnections, value: nil, configValue: 100),
            SavedSessionValue(name: .maxActiveDownloads, value: -4, configValue: nil),
            SavedSessionValue(name: .seedRatioLimit, value: .infinity, configValue: nil),
            SavedSessionValue(name: .downloadLimit, value: -1, configValue: nil),
        ]
        let starting = SessionValueMemory.starting(config: config, saved: saved)
        XCTAssertEqual(starting.options.maxConnections, 100)
        XCTAssertNil(starting.options.maxActiveDownloads)
        XCTAssertNil(starting.options.seedRatioLimit)
        XCTAssertNil(starting.downloadLimit)
    }

    func testTheSaverKeepsLiveChangesAndTheyComeBack() async throws {
        let state = try TemporaryDirectory(prefix: "swarm-session-values")
        defer { state.remove() }
        var configuration = SessionConfiguration(bindHost: "127.0.0.1", listenPort: 0)
        configuration.maxConnections = 100
        let config = SessionValues(configuration)

        var store = try SessionStore(directory: state.url)
        var session = try await LoopbackSwarm.session { $0 = configuration }
        let saver = StoreSaver(store: store, session: session, configValues: config)
        try await saver.saveChanges()
        var stored = try await store.loadSessionValues()
        XCTAssertEqual(stored, [], "nothing set live yet")
        var options = await session.options
        options.maxActiveSeeds = 2
        options.seedTimeLimit = 3600
        await session.setOptions(options)
        await session.setLimits(download: nil, upload: 102_400)
        try await saver.saveChanges()
        stored = try await store.loadSessionValues()
        XCTAssertEqual(Set(stored.map(\.name)), [.maxActiveSeeds, .seedTimeLimit, .uploadLimit])
        await session.shutdown()
        try store.close()

        store = try SessionStore(directory: state.url)
        var restarted = configuration
        SessionValueMemory.starting(config: config, saved: try await store.loadSessionValues()).apply(to: &restarted)
        session = try await LoopbackSwarm.session { $0 = restarted }
        let back = await SessionValues(of: session)
        XCTAssertEqual(back.options.maxActiveSeeds, 2)
        XCTAssertEqual(back.options.seedTimeLimit, 3600)
        XCTAssertEqual(back.options.maxConnections, 100)
        XCTAssertEqual(back.uploadLimit, 102_400)
        XCTAssertNil(back.downloadLimit)
        await session.shutdown()
        try store.close()
    }

    /// A store written by the previous version (schema up to v3) opens, keeps its rows and gains the table.
    func testAStoreFromThePreviousSchemaIsMigrated() async throws {
        let state = try TemporaryDirectory(prefix: "swarm-migrate-v4")
        defer { state.remove() }
        let path = state.url.appendingPathComponent(SessionStore.fileName).path
        let old = try DatabasePool(path: path)
        try StoreSchema.migrator.migrate(old, upTo: "v3: magnet links waiting for their metadata")
        let hash = String(repeating: "ef", count: 20)
        try await old.write { db in
            try db.execute(
                sql: "INSERT INTO magnet (infoHash, link, directory, paused, stopAfterMetadata, settings, addedAt) VALUES (?, ?, ?, 1, 0, ?, 5)",
                arguments: [hash, "magnet:?xt=urn:btih:\(hash)", "/tmp/d", Data("{}".utf8)])
        }
        let before = try await old.read { db in try db.tableExists("sessionValue") }
        XCTAssertFalse(before)
        try old.close()

        let store = try SessionStore(directory: state.url)
        let magnets = try await store.loadMagnets()
        XCTAssertEqual(magnets.map(\.infoHash.hex), [hash])
        let none = try await store.loadSessionValues()
        XCTAssertEqual(none, [])
        let saved = [SavedSessionValue(name: .maxConnections, value: 30, configValue: 200)]
        try await store.replaceSessionValues(with: saved)
        let loaded = try await store.loadSessionValues()
        XCTAssertEqual(loaded, saved)
        let integrity = try await store.integrityCheck()
        XCTAssertEqual(integrity, ["ok"])
        try store.close()
    }
}
