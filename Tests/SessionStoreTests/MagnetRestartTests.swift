import Engine
import Foundation
import SessionStore
import TestSupport
import TorrentModel
import XCTest

/// A magnet link whose metadata has not come yet is saved too, and comes back after a restart as it was.
final class MagnetRestartTests: XCTestCase {
    func testAMagnetStillFetchingComesBackAfterARestart() async throws {
        let state = try TemporaryDirectory(prefix: "swarm-magnet-restart")
        defer { state.remove() }
        let download = state.url.appendingPathComponent("download")
        let hash = String(repeating: "ab", count: 20)
        // Nobody listens on port 9: the fetch waits, as one does for a link whose peers are away.
        let link = try MagnetLink(parsing: "magnet:?xt=urn:btih:\(hash)&dn=Later&x.pe=127.0.0.1:9&so=0,2")
        var settings = TorrentSettings()
        settings.priority = .high

        var store = try SessionStore(directory: state.url)
        var session = try await LoopbackSwarm.session()
        try await session.addMagnet(link, directory: download, settings: settings, paused: true, stopAfterMetadata: true)
        try await session.addMagnet(
            try MagnetLink(parsing: "magnet:?xt=urn:btih:\(String(repeating: "cd", count: 20))&dn=Running"),
            directory: download)
        let saver = StoreSaver(store: store, session: session)
        try await saver.saveChanges()
        let saved = await session.magnetRecords()
        XCTAssertEqual(saved.count, 2)
        await session.shutdown()  // as a kill would: no save at the end
        try store.close()

        store = try SessionStore(directory: state.url)
        session = try await LoopbackSwarm.session()
        let failures = await session.restoreMagnets(try await store.loadMagnets())
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        let restored = await session.magnetRecords()
        func sameButTime(_ records: [MagnetRecord]) -> [MagnetRecord] {
            records.map { var r = $0; r.addedAt = Date(timeIntervalSince1970: 0); return r }
        }
        XCTAssertEqual(sameButTime(restored), sameButTime(saved), "link, folder, paused, stop-after-metadata and settings kept")
        for (a, b) in zip(restored, saved) { XCTAssertEqual(a.addedAt.timeIntervalSince1970, b.addedAt.timeIntervalSince1970, accuracy: 0.001) }
        XCTAssertEqual(restored.first?.link, link.uri)
        XCTAssertEqual(restored.map(\.paused), [true, false])
        let snapshot = await session.snapshot(of: link.infoHash)
        XCTAssertEqual(snapshot?.activity.label, "Paused")

        // Removed: gone from the store with the next save.
        try await session.remove(link.infoHash, deleteData: false)
        let nextSaver = StoreSaver(store: store, session: session)
        try await nextSaver.saveChanges()
        let left = try await store.loadMagnets()
        XCTAssertEqual(left.map(\.infoHash.hex), [String(repeating: "cd", count: 20)])
        await session.shutdown()
        try store.close()
    }

    func testMovingAMagnetBeforeItsMetadataIsSaved() async throws {
        let state = try TemporaryDirectory(prefix: "swarm-magnet-move")
        defer { state.remove() }
        let hash = String(repeating: "12", count: 20)
        let link = try MagnetLink(parsing: "magnet:?xt=urn:btih:\(hash)&dn=Later&x.pe=127.0.0.1:9")
        let store = try SessionStore(directory: state.url)
        let session = try await LoopbackSwarm.session()
        try await session.addMagnet(link, directory: state.url.appendingPathComponent("first"), paused: true)
        let saver = StoreSaver(store: store, session: session)
        try await saver.saveChanges()
        let target = state.url.appendingPathComponent("second/deeper")
        try await session.move(link.infoHash, to: target)
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) && isDirectory.boolValue,
                      "the new folder is made (and checked writable) at once")
        try await saver.saveChanges()
        let saved = try await store.loadMagnets()
        XCTAssertEqual(saved.map(\.directory), [target.path])
        XCTAssertEqual(saved.map(\.paused), [true])
        await session.shutdown()
        try store.close()
    }
}
