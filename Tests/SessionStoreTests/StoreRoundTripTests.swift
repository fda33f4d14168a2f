import Engine
import Foundation
import GRDB
import SessionStore
import TestSupport
import TorrentModel
import XCTest

final class StoreRoundTripTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "swarm-store") }
    override func tearDown() { dir.remove() }

    private func record(seed: UInt64, position: Int, state: TorrentRecord.State = .active) throws -> TorrentRecord {
        let files: [TorrentFixture.File] = [.init("a.bin", length: 40_000), .init("sub/b.bin", length: 9_000)]
        let payload = TestData.bytes(count: 49_000, seed: seed)
        let bytes = TorrentFixture.torrentBytes(
            name: "t\(seed)", files: files, payload: payload, pieceLength: 16_384, trackers: ["http://127.0.0.1:1/announce"])
        let metainfo = try Metainfo(bytes: bytes)
        var verified = Bitfield(count: metainfo.pieceCount)
        verified[0] = true
        verified[2] = true
        var settings = TorrentSettings()
        settings.priority = .high
        settings.filePriorities = [.skip, .high]
        settings.sequential = true
        settings.downloadLimit = 1234
        settings.seedRatioLimit = 1.5
        return TorrentRecord(
            metainfo: metainfo.torrentFileBytes, infoHash: metainfo.infoHash, name: metainfo.name,
            directory: "/data/dl", state: state, settings: settings, queuePosition: position,
            resume: ResumeData(verified: verified, files: [FileStamp(size: 40_000, modified: 1_700_000_000_123_456_789), nil]),
            uploaded: 123_456_789_012, downloaded: 49_000, seedingSeconds: 3600.5,
            addedAt: Date(timeIntervalSince1970: 1_700_000_000), completedAt: Date(timeIntervalSince1970: 1_700_000_100))
    }

    func testRecordsComeBackAsSaved() async throws {
        let store = try SessionStore(directory: dir.url)
        let first = try record(seed: 1, position: 0)
        let second = try record(seed: 2, position: 1, state: .paused)
        try await store.save([second, first])
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded, [first, second], "in queue order, every field as saved")
        let journal = try await store.journalMode()
        XCTAssertEqual(journal, "wal")
        try store.close()

        // A second open (a restart) sees the same.
        let reopened = try SessionStore(directory: dir.url)
        let again = try await reopened.loadAll()
        XCTAssertEqual(again, [first, second])
        let check = try await reopened.integrityCheck()
        XCTAssertEqual(check, ["ok"])
        try reopened.close()
    }

    /// The table is read in two halves (by row) at once: the halves' queue positions interleave, and
    /// every torrent comes back once, in queue order, with its file stamps.
    func testManyRecordsComeBackInQueueOrderWhateverTheirRowOrder() async throws {
        let store = try SessionStore(directory: dir.url)
        let positions = [7, 0, 12, 3, 9, 1, 11, 5, 2, 10, 4, 8, 6]
        let records = try positions.enumerated().map { try record(seed: UInt64($0.offset + 1), position: $0.element) }
        for record in records { try await store.save([record]) }  // one row after another: rowids follow this order
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded.map(\.queuePosition), Array(0...12))
        XCTAssertEqual(loaded, records.sorted { $0.queuePosition < $1.queuePosition })
        // One torrent: both halves, one of them empty.
        try await store.remove(records.dropFirst().map(\.infoHash))
        let one = try await store.loadAll()
        XCTAssertEqual(one, [records[0]])
        try await store.remove([records[0].infoHash])
        let none = try await store.loadAll()
        XCTAssertEqual(none, [])
        try store.close()
    }

    func testSavingAgainReplacesAndRemovingDeletes() async throws {
        let store = try SessionStore(directory: dir.url)
        var first = try record(seed: 1, position: 0)
        let second = try record(seed: 2, position: 1)
        try await store.save([first, second])
        first.state = .queued
        first.resume.verified[1] = true
        first.resume.files = [nil, FileStamp(size: 9_000, modified: 5)]
        try await store.save([first], removing: [second.infoHash])
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded, [first])
        try await store.remove([first.infoHash])
        let empty = try await store.loadAll()
        XCTAssertEqual(empty, [])
        // The files' rows went with their torrent.
        let queue = try DatabaseQueue(path: store.databaseURL.path)
        let rows = try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM torrentFile") }
        XCTAssertEqual(rows, 0)
        try store.close()
    }

    /// A damaged row claims nothing: a bitfield of the wrong size means nothing verified, unreadable
    /// settings mean the defaults, and a row without a usable info-hash is skipped.
    func testDamagedRowsAreNotTrusted() async throws {
        let store = try SessionStore(directory: dir.url)
        let good = try record(seed: 1, position: 0)
        try await store.save([good])
        let queue = try DatabaseQueue(path: store.databaseURL.path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE torrent SET verifiedPieces = x'FFFFFFFF', settings = x'00'")
            try db.execute(sql: """
                INSERT INTO torrent (infoHash, name, metainfo, directory, state, settings, queuePosition, pieceCount,
                    verifiedPieces, fileCount, addedAt) VALUES ('zz', 'bad', x'00', '/', 'active', x'', 5, 1, x'', 0, 0)
                """)
        }
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded.count, 1)
        XCTAssertEqual(loaded.first?.resume.verified.setCount, 0)
        XCTAssertEqual(loaded.first?.resume.verified.count, good.resume.verified.count)
        XCTAssertEqual(loaded.first?.settings, TorrentSettings())
        try store.close()
    }

    func testStateDirectoryFollowsFlagThenEnvironment() {
        XCTAssertEqual(StateDirectory.resolve(explicit: "/s", environment: ["SWARM_HOME": "/h"]).path, "/s")
        XCTAssertEqual(StateDirectory.resolve(explicit: nil, environment: ["SWARM_HOME": "/h", "XDG_DATA_HOME": "/x"]).path, "/h")
        XCTAssertEqual(StateDirectory.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/home/u"]).path, "/x/swarm")
        XCTAssertEqual(StateDirectory.resolve(explicit: nil, environment: ["HOME": "/home/u"]).path, "/home/u/.local/share/swarm")
        XCTAssertEqual(StateDirectory.resolve(explicit: "~/st", environment: ["HOME": "/home/u"]).path, "/home/u/st")
    }
}

extension StoreRoundTripTests {
    /// A torrent added while no engine runs: stored at the end of the queue, started (and hashed) by the
    /// next engine.
    func testAppendedTorrentStartsWithTheNextEngine() async throws {
        let fixture = try TorrentFixture.singleFile(length: 50_000)
        defer { fixture.remove() }
        let store = try SessionStore(directory: dir.url)
        try await store.save([try record(seed: 1, position: 4)])
        let added = try await store.append(.new(fixture.metainfo, directory: fixture.seedDirectory, state: .paused))
        XCTAssertTrue(added)
        let again = try await store.append(.new(fixture.metainfo, directory: fixture.seedDirectory))
        XCTAssertFalse(again, "already stored")
        let records = try await store.loadAll()
        XCTAssertEqual(records.last?.infoHash, fixture.metainfo.infoHash)
        XCTAssertEqual(records.last?.queuePosition, 5)

        let session = try await LoopbackSwarm.session()
        _ = await session.restore([records.last!])
        let torrent = await session.torrent(for: fixture.metainfo.infoHash)!
        let snapshot = await LoopbackSwarm.waitUntil(torrent) { $0.activity == .paused }
        XCTAssertEqual(snapshot.piecesHave, snapshot.pieceCount, "the data on disk was hashed and found")
        await session.shutdown()
        try store.close()
    }
}
