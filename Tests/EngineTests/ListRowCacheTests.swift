import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// An idle torrent's list row is cached (lists of thousands cost no hop per torrent), and every change
/// of what a row shows still reaches the list.
final class ListRowCacheTests: XCTestCase {
    func testAnIdleSeedsListStaysTheSameUntilSomethingChanges() async throws {
        let fixture = try TorrentFixture.singleFile(length: 8 * 16_384, pieceLength: 16_384)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let first = await seeder.listItems()
        XCTAssertEqual(first.map(\.activity), [.seeding])
        let revision = seeder.listRevision.current
        let again = await seeder.listItems()
        XCTAssertEqual(again, first)
        XCTAssertEqual(seeder.listRevision.current, revision, "nothing changed, so the list is the same")

        // A leecher takes every piece: the cached seed row gives way to one that counts the upload.
        let leecher = try await LoopbackSwarm.session()
        let download = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        _ = await leecher.listItems()
        await download.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        await LoopbackSwarm.waitUntil(download) { $0.isComplete }
        let deadline = ContinuousClock.now + .seconds(10)
        var uploaded: Int64 = 0
        while uploaded < fixture.metainfo.totalLength && ContinuousClock.now < deadline {
            uploaded = await seeder.listItems().first?.uploaded ?? 0
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertEqual(uploaded, fixture.metainfo.totalLength)
        XCTAssertNotEqual(seeder.listRevision.current, revision)
        let leecherRow = await leecher.listItems().first
        XCTAssertEqual(leecherRow?.piecesHave, fixture.metainfo.pieceCount)
        XCTAssertEqual(leecherRow?.downloaded, fixture.metainfo.totalLength)

        // A pause, a priority: each shows in the next list.
        try await seeder.pause(fixture.metainfo.infoHash)
        let paused = await seeder.listItems().first
        XCTAssertEqual(paused?.activity, .paused)
        try await seeder.setPriority(.high, of: fixture.metainfo.infoHash)
        let high = await seeder.listItems().first
        XCTAssertEqual(high?.priority, .high)
        try await seeder.resume(fixture.metainfo.infoHash)
        let resumed = await seeder.listItems().first
        XCTAssertEqual(resumed?.activity, .seeding)
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testRemovingATorrentChangesTheList() async throws {
        let one = try TorrentFixture.singleFile(length: 4 * 16_384, pieceLength: 16_384)
        let two = try TorrentFixture.singleFile(length: 5 * 16_384, pieceLength: 16_384)
        defer { [one, two].forEach { $0.remove() } }
        let session = try await LoopbackSwarm.session()
        _ = try await session.add(one.metainfo, directory: one.seedDirectory)
        _ = try await session.add(two.metainfo, directory: two.seedDirectory)
        let both = await session.listItems()
        XCTAssertEqual(both.map(\.infoHash), [one.metainfo.infoHash, two.metainfo.infoHash])
        try await session.remove(one.metainfo.infoHash, deleteData: false)
        let left = await session.listItems()
        XCTAssertEqual(left.map(\.infoHash), [two.metainfo.infoHash])
        await session.shutdown()
    }
}
