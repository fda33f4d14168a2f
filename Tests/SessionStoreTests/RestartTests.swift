import Engine
import Foundation
import SessionStore
import TestSupport
import TorrentModel
import XCTest

/// A session saved to the store and brought back: every torrent as it was, without hashing again what
/// was verified and has not changed since.
final class RestartTests: XCTestCase {
    private var state: TemporaryDirectory!
    private var fixtures: [TorrentFixture] = []

    override func setUpWithError() throws { state = try TemporaryDirectory(prefix: "swarm-restart") }
    override func tearDown() {
        state.remove()
        for fixture in fixtures { fixture.remove() }
    }

    /// Files on piece boundaries (16 KiB pieces): touching one file makes only its own pieces suspect.
    private func fixture(seed: UInt64) throws -> TorrentFixture {
        let fixture = try TorrentFixture.multiFile(
            name: "album\(seed)",
            files: [.init("a.bin", length: 8 * 16_384), .init("b.bin", length: 4 * 16_384), .init("c.bin", length: 6 * 16_384)],
            pieceLength: 16_384, seed: seed)
        fixtures.append(fixture)
        return fixture
    }

    private func file(_ fixture: TorrentFixture, _ index: Int) -> String {
        fixture.metainfo.relativePath(ofFile: index).reduce(fixture.seedDirectory) { $0.appendingPathComponent($1) }.path
    }

    /// Saves everything the way `swarm` does at exit: stop transfers, save all, shut down.
    private func saveAndStop(_ session: Session, _ store: SessionStore) async throws {
        let saver = StoreSaver(store: store, session: session)
        await session.stopTransfers()
        try await saver.saveChanges(everything: true)
        await session.shutdown()
    }

    private func restart(_ configure: (inout SessionConfiguration) -> Void = { _ in }) async throws -> (Session, SessionStore) {
        let store = try SessionStore(directory: state.url)
        let session = try await LoopbackSwarm.session(configure)
        let failures = await session.restore(try await store.loadAll())
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        return (session, store)
    }

    private func waitSteady(_ session: Session) async -> [TorrentSnapshot] {
        let deadline = ContinuousClock.now + .seconds(20)
        var snapshots = await session.snapshots()
        while snapshots.contains(where: { if case .checking = $0.activity { true } else { false } }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            snapshots = await session.snapshots()
        }
        return snapshots
    }

    func testEveryTorrentComesBackAsItWasWithoutHashing() async throws {
        let seeding = try fixture(seed: 1)
        let paused = try fixture(seed: 2)
        var store = try SessionStore(directory: state.url)
        var session = try await LoopbackSwarm.session()
        _ = try await session.add(seeding.metainfo, directory: seeding.seedDirectory)
        var settings = TorrentSettings()
        settings.priority = .high
        settings.filePriorities = [.high, .skip, .low]
        settings.sequential = true
        settings.uploadLimit = 50_000
        settings.seedRatioLimit = 3
        _ = try await session.add(paused.metainfo, directory: paused.seedDirectory, settings: settings, paused: true)
        let before = await waitSteady(session)
        XCTAssertEqual(before.map(\.activity), [.seeding, .paused])
        try await saveAndStop(session, store)
        try store.close()

        (session, store) = try await restart()
        let after = await waitSteady(session)
        XCTAssertEqual(after.map(\.infoHash), [seeding.metainfo.infoHash, paused.metainfo.infoHash], "same order")
        XCTAssertEqual(after.map(\.activity), [.seeding, .paused], "paused stays paused")
        XCTAssertEqual(after.map(\.piecesHave), before.map(\.piecesHave))
        XCTAssertEqual(after[1].settings, settings)
        for hash in after.map(\.infoHash) {
            let hashed = await session.torrent(for: hash)!.storage.piecesHashed
            XCTAssertEqual(hashed, 0, "unchanged files are not hashed again")
        }
        try await saveAndStop(session, store)
        try store.close()
    }

    func testATouchedFileIsCheckedAgainAndOnlyIt() async throws {
        let fixture = try fixture(seed: 3)
        var store = try SessionStore(directory: state.url)
        var session = try await LoopbackSwarm.session()
        _ = try await session.add(fixture.metainfo, directory: fixture.seedDirectory)
        _ = await waitSteady(session)
        try await saveAndStop(session, store)
        try store.close()

        // Same bytes, new modification time: its 4 pieces are hashed again, and still good.
        var times = [timeval(tv_sec: 1_600_000_000, tv_usec: 0), timeval(tv_sec: 1_600_000_000, tv_usec: 0)]
        XCTAssertEqual(utimes(file(fixture, 1), &times), 0)
        (session, store) = try await restart()
        var snapshot = await waitSteady(session)[0]
        var hashed = await session.torrent(for: fixture.metainfo.infoHash)!.storage.piecesHashed
        XCTAssertEqual(hashed, 4)
        XCTAssertEqual(snapshot.piecesHave, 18)
        XCTAssertEqual(snapshot.activity, .seeding)
        try await saveAndStop(session, store)
        try store.close()

        // A changed byte in the last file: its pieces are hashed, the damaged one is lost.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file(fixture, 2)))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([~fixture.contents(ofFile: 2)[fixture.contents(ofFile: 2).startIndex + 100]]))
        try handle.close()
        (session, store) = try await restart()
        snapshot = await waitSteady(session)[0]
        hashed = await session.torrent(for: fixture.metainfo.infoHash)!.storage.piecesHashed
        XCTAssertEqual(hashed, 6)
        XCTAssertEqual(snapshot.piecesHave, 17)
        XCTAssertEqual(snapshot.activity, .downloading)
        await session.shutdown()
        try store.close()
    }

    func testQueuedStaysQueuedInItsPlace() async throws {
        let first = try fixture(seed: 4)
        let second = try fixture(seed: 5)
        let limit: (inout SessionConfiguration) -> Void = { $0.maxActiveSeeds = 1 }
        var store = try SessionStore(directory: state.url)
        var session = try await LoopbackSwarm.session(limit)
        _ = try await session.add(first.metainfo, directory: first.seedDirectory)
        _ = try await session.add(second.metainfo, directory: second.seedDirectory)
        let before = await waitSteady(session)
        XCTAssertEqual(before.map(\.activity), [.seeding, .queued])
        try await saveAndStop(session, store)
        try store.close()

        (session, store) = try await restart(limit)
        let after = await waitSteady(session)
        XCTAssertEqual(after.map(\.infoHash), before.map(\.infoHash))
        XCTAssertEqual(after.map(\.activity), [.seeding, .queued])
        try await saveAndStop(session, store)
        try store.close()
    }

    func testRemovedTorrentsLeaveTheStoreAndTotalsCarryOver() async throws {
        let kept = try fixture(seed: 6)
        let removed = try fixture(seed: 7)
        let store = try SessionStore(directory: state.url)
        let session = try await LoopbackSwarm.session()
        let saver = StoreSaver(store: store, session: session)
        _ = try await session.add(kept.metainfo, directory: kept.seedDirectory)
        _ = try await session.add(removed.metainfo, directory: removed.seedDirectory)
        _ = await waitSteady(session)
        try await saver.saveChanges()
        let saved = await saver.lastSaveCount
        XCTAssertEqual(saved, 2)
        try await saver.saveChanges()
        let unchanged = await saver.lastSaveCount
        XCTAssertEqual(unchanged, 0, "nothing changed, nothing written")
        try await session.remove(removed.metainfo.infoHash, deleteData: false)
        try await saver.saveChanges()
        let left = try await store.loadAll()
        XCTAssertEqual(left.map(\.infoHash), [kept.metainfo.infoHash])
        await session.shutdown()

        // Totals and timestamps come back with the torrent.
        var record = left[0]
        record.uploaded = 777_000
        record.downloaded = 555
        try await store.save([record])
        let again = try await LoopbackSwarm.session()
        _ = await again.restore(try await store.loadAll())
        let snapshot = await waitSteady(again)[0]
        XCTAssertEqual(snapshot.uploaded, 777_000)
        XCTAssertEqual(snapshot.downloaded, 555)
        let restored = await again.records()
        XCTAssertEqual(restored.first?.addedAt, record.addedAt)
        XCTAssertEqual(restored.first?.completedAt, record.completedAt)
        await again.shutdown()
        try store.close()
    }

    /// A torrent whose folder is gone at restart stays listed, in Error, and keeps its saved state.
    func testAMissingFolderGivesErrorAndKeepsTheRecord() async throws {
        let fixture = try fixture(seed: 8)
        var store = try SessionStore(directory: state.url)
        var session = try await LoopbackSwarm.session()
        _ = try await session.add(fixture.metainfo, directory: fixture.seedDirectory)
        _ = await waitSteady(session)
        try await saveAndStop(session, store)
        try store.close()
        let saved = try await SessionStore(directory: state.url).loadAll()

        try FileManager.default.removeItem(at: fixture.seedDirectory)
        try Data().write(to: fixture.seedDirectory)  // a file where the folder was: unusable
        (session, store) = try await restart()
        let snapshot = await waitSteady(session)[0]
        guard case .error = snapshot.activity else { return XCTFail("\(snapshot.activity)") }
        let records = await session.records()
        XCTAssertEqual(records.first?.resume.verified, saved.first?.resume.verified)
        XCTAssertEqual(records.first?.state, .active)
        await session.shutdown()
        try store.close()
    }
}
