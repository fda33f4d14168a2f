import Engine
import Foundation
import SessionStore
import TestSupport
import TorrentModel
import XCTest

/// Queue places: each torrent keeps the one it was given, a removal writes nothing for the others, and
/// duplicates or gaps in a store (written before places were kept, or damaged) restore to one queue.
final class QueuePlaceTests: XCTestCase {
    private var work: TemporaryDirectory!
    private var fixtures: [TorrentFixture] = []

    override func setUpWithError() throws { work = try TemporaryDirectory(prefix: "swarm-places") }
    override func tearDown() {
        work.remove()
        for fixture in fixtures { fixture.remove() }
    }

    private func record(_ byte: UInt8, place: Int, added: Double) -> TorrentRecord {
        TorrentRecord(
            metainfo: [], infoHash: InfoHash(bytes: [UInt8](repeating: byte, count: 20))!, name: "t\(byte)", directory: "/",
            state: .paused, settings: TorrentSettings(), queuePosition: place,
            resume: ResumeData(verified: Bitfield(count: 0), files: []), uploaded: 0, downloaded: 0, seedingSeconds: 0,
            addedAt: Date(timeIntervalSince1970: added), completedAt: nil)
    }

    func testNormalizedOrdersByPlaceThenTimeAddedAndGivesEachAPlaceOfItsOwn() {
        let records = [
            record(1, place: 7, added: 10), record(2, place: 3, added: 50), record(3, place: 3, added: 20),
            record(4, place: 4, added: 5), record(5, place: 12, added: 1), record(6, place: -9, added: 99),
            record(7, place: Int.max, added: 2), record(8, place: Int.max, added: 1), record(9, place: 3, added: .nan),
        ]
        let normalized = QueueOrder.normalized(records)
        XCTAssertEqual(normalized.map(\.name), ["t6", "t9", "t3", "t2", "t4", "t1", "t5", "t8", "t7"])
        XCTAssertEqual(
            normalized.map(\.queuePosition), [0, 3, 4, 5, 6, 7, 12, QueueOrder.largestPlace, QueueOrder.largestPlace + 1],
            "distinct and increasing; gaps stay, only places taken already move up")
        let tidy = [record(1, place: 0, added: 3), record(2, place: 4, added: 1), record(3, place: 9, added: 2)]
        XCTAssertEqual(QueueOrder.normalized(tidy), tidy, "a store without duplicates keeps its places")
        XCTAssertEqual(QueueOrder.normalized([]), [])
    }

    private func pausedRecords(places: [Int]) throws -> [TorrentRecord] {
        try places.enumerated().map { index, place in
            let fixture = try TorrentFixture.singleFile(name: "place\(index).bin", length: 16 * 1024, seed: UInt64(70 + index))
            fixtures.append(fixture)
            return TorrentRecord.new(
                fixture.metainfo, directory: fixture.seedDirectory, state: .paused, queuePosition: place,
                addedAt: Date(timeIntervalSince1970: 1_000 + Double(index)))
        }
    }

    /// Saved places 2, 2, 0, 9 (a duplicate, a gap) come back as one queue, in order of place then time
    /// added; the store is brought in line; a removal then writes no other row; a new torrent goes last.
    func testDuplicateAndGappedPlacesRestoreToOneQueueAndARemovalWritesNoOtherRow() async throws {
        let records = try pausedRecords(places: [2, 2, 0, 9])
        let hashes = records.map(\.infoHash)
        let store = try SessionStore(directory: work.url)
        try await store.save(records)
        let session = try await LoopbackSwarm.session()
        let loaded = try await store.loadAll()
        let failures = await session.restore(loaded)
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        let expected = [hashes[2], hashes[0], hashes[1], hashes[3]]
        let restoredOrder = await session.infoHashes
        XCTAssertEqual(restoredOrder, expected)
        let saver = StoreSaver(store: store, session: session)
        await saver.adoptCurrentState(stored: Dictionary(uniqueKeysWithValues: loaded.map { ($0.infoHash, $0.queuePosition) }))
        var stored = try await store.loadAll()
        XCTAssertEqual(stored.map(\.infoHash), expected)
        XCTAssertEqual(stored.map(\.queuePosition), [0, 2, 3, 9], "the duplicate moved up and was saved")

        let before = store.writeCounts
        try await session.remove(hashes[0], deleteData: false)
        try await saver.saveChange(of: [hashes[0]])
        try await saver.saveChanges()
        XCTAssertEqual(store.writeCounts.torrentRows - before.torrentRows, 0, "no other torrent is written again")
        stored = try await store.loadAll()
        XCTAssertEqual(stored.map(\.infoHash), [hashes[2], hashes[1], hashes[3]])

        let extra = try TorrentFixture.singleFile(name: "place-new.bin", length: 16 * 1024, seed: 99)
        fixtures.append(extra)
        _ = try await session.add(extra.metainfo, directory: extra.seedDirectory, paused: true)
        try await saver.saveChange(of: [extra.metainfo.infoHash])
        stored = try await store.loadAll()
        XCTAssertEqual(stored.map(\.infoHash), [hashes[2], hashes[1], hashes[3], extra.metainfo.infoHash])
        XCTAssertEqual(stored.last?.queuePosition, 10, "after the last place, whatever the gaps")
        await session.shutdown()
        try store.close()
    }

    /// The daemon, saving only what each command changed (periodic saves an hour apart), is killed right
    /// after a removal and an add: the store holds distinct places in the order of the list, and the
    /// restarted daemon lists the torrents in that order.
    func testAKillRightAfterARemovalAndAnAddKeepsTheQueueInOrder() async throws {
        let names = ["first.bin", "second.bin", "third.bin", "fourth.bin"]
        let torrents = try names.enumerated().map { index, name in
            try TorrentFixture.singleFile(name: name, length: 16 * 1024, seed: UInt64(80 + index))
        }
        fixtures += torrents
        let state = work.appending("state").path
        func swarm(_ arguments: [String]) throws -> ProcessOutput {
            try ProcessOutput.run(try SwarmExecutable.locate(), arguments + ["--state-dir", state])
        }
        func listed() throws -> [String] {
            let output = try swarm(["list", "--json"])
            guard output.status == 0 else { throw CocoaError(.fileReadUnknown) }
            let rows = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]] ?? []
            return rows.compactMap { $0["name"] as? String }
        }
        func start() throws -> Process {
            try SwarmExecutable.startDaemon(state: state, downloads: work.url.path, extra: ["--save-interval", "3600"])
        }
        var daemon = try start()
        defer { if daemon.isRunning { daemon.terminate(); daemon.waitUntilExit() } }
        for fixture in torrents.prefix(3) {
            let added = try swarm(["add", fixture.torrentURL.path, "--paused", "--dir", fixture.seedDirectory.path])
            XCTAssertEqual(added.status, 0, added.stderr)
        }
        XCTAssertEqual(try swarm(["remove", "first"]).status, 0)
        XCTAssertEqual(try swarm(["add", torrents[3].torrentURL.path, "--paused", "--dir", torrents[3].seedDirectory.path]).status, 0)
        XCTAssertEqual(try listed(), ["second.bin", "third.bin", "fourth.bin"])
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()

        let store = try SessionStore(directory: URL(fileURLWithPath: state))
        let stored = try await store.loadAll()
        try store.close()
        XCTAssertEqual(stored.map(\.name), ["second.bin", "third.bin", "fourth.bin"])
        XCTAssertEqual(Set(stored.map(\.queuePosition)).count, 3, "distinct places: \(stored.map(\.queuePosition))")

        daemon = try start()
        XCTAssertEqual(try listed(), ["second.bin", "third.bin", "fourth.bin"])
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon.waitUntilExit()
    }
}
