import Engine
import Foundation
import SessionStore
import TestSupport
import TorrentModel
import XCTest

/// What the daemon saves right after a control request: the one torrent it changed (or the session's
/// values), at once and in one transaction, while every other change waits for the periodic save.
final class ChangeSaveTests: XCTestCase {
    private var state: TemporaryDirectory!
    private var fixtures: [TorrentFixture] = []

    override func setUpWithError() throws { state = try TemporaryDirectory(prefix: "swarm-change") }
    override func tearDown() {
        state.remove()
        for fixture in fixtures { fixture.remove() }
    }

    private func seeding(_ session: Session, count: Int) async throws -> [InfoHash] {
        var hashes: [InfoHash] = []
        for seed in 0..<count {
            let fixture = try TorrentFixture.singleFile(name: "change\(seed).bin", length: 32 * 1024, seed: UInt64(40 + seed))
            fixtures.append(fixture)
            _ = try await session.add(fixture.metainfo, directory: fixture.seedDirectory)
            hashes.append(fixture.metainfo.infoHash)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, await session.snapshots().contains(where: { $0.activity != .seeding }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        return hashes
    }

    private func states(_ store: SessionStore) async throws -> [InfoHash: TorrentRecord.State] {
        Dictionary(uniqueKeysWithValues: try await store.loadAll().map { ($0.infoHash, $0.state) })
    }

    func testAChangeWritesItsTorrentAtOnceAndNoOther() async throws {
        let store = try SessionStore(directory: state.url)
        let session = try await LoopbackSwarm.session()
        let config = SessionValues(session.configuration)
        let saver = StoreSaver(store: store, session: session, configValues: config)
        let hashes = try await seeding(session, count: 3)
        try await saver.saveChanges()
        XCTAssertEqual(store.writeCounts.torrentRows, 3)

        // The first is paused through the daemon, the second behind its back (as the queue may do).
        try await session.pause(hashes[0])
        try await session.pause(hashes[1])
        let before = store.writeCounts
        try await saver.saveChange(of: [hashes[0]])
        let after = store.writeCounts
        XCTAssertEqual(after.torrentRows - before.torrentRows, 1, "only the torrent the request named is written")
        XCTAssertEqual(after.transactions - before.transactions, 1, "in one transaction")
        var saved = try await states(store)
        XCTAssertEqual(saved[hashes[0]], .paused, "saved at once")
        XCTAssertEqual(saved[hashes[1]], .active, "the other change waits for the periodic save")

        try await saver.saveChanges()
        saved = try await states(store)
        XCTAssertEqual(saved[hashes[1]], .paused)
        let periodic = await saver.lastSaveCount
        XCTAssertEqual(periodic, 1, "the periodic save writes what the change save left, not the paused one again")

        // All torrents' options: the session's values alone, no torrent.
        await session.setLimits(download: 65536, upload: nil)
        let beforeLimit = store.writeCounts
        try await saver.saveChange(of: [])
        XCTAssertEqual(store.writeCounts.torrentRows, beforeLimit.torrentRows)
        XCTAssertEqual(store.writeCounts.transactions, beforeLimit.transactions + 1)
        let values = try await store.loadSessionValues()
        XCTAssertEqual(values.first { $0.name == .downloadLimit }?.value, 65536)

        // A removal deletes the row, and writes no other.
        try await session.remove(hashes[2], deleteData: false)
        let beforeRemove = store.writeCounts
        try await saver.saveChange(of: [hashes[2]])
        XCTAssertEqual(store.writeCounts.torrentRows, beforeRemove.torrentRows)
        saved = try await states(store)
        XCTAssertEqual(Set(saved.keys), Set(hashes.prefix(2)))
        await session.shutdown()
        try store.close()
    }

    /// Removing the first torrent leaves the others' places as they were (a gap): nothing but the removal
    /// is written, and a torrent added after it goes after them all.
    func testARemovalWritesNoOtherTorrent() async throws {
        let store = try SessionStore(directory: state.url)
        let session = try await LoopbackSwarm.session()
        let saver = StoreSaver(store: store, session: session)
        let hashes = try await seeding(session, count: 3)
        try await saver.saveChanges()
        try await session.remove(hashes[0], deleteData: false)
        try await saver.saveChange(of: [hashes[0]])
        try await saver.saveChanges()
        let written = await saver.lastSaveCount
        XCTAssertEqual(written, 0)
        let records = try await store.loadAll()
        XCTAssertEqual(records.map(\.infoHash), Array(hashes.dropFirst()))
        XCTAssertEqual(records.map(\.queuePosition), [1, 2])
        await session.shutdown()
        try store.close()
    }
}
