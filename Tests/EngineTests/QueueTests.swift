import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// At most N downloads at once; the rest wait Queued in priority order.
final class QueueTests: XCTestCase {
    func testSecondDownloadWaitsForTheFirstAndPriorityJumpsTheQueue() async throws {
        let first = try TorrentFixture.singleFile(length: 40 * 16_384, pieceLength: 16_384)
        let second = try TorrentFixture.singleFile(length: 30 * 16_384, pieceLength: 16_384)
        let third = try TorrentFixture.singleFile(length: 20 * 16_384, pieceLength: 16_384)
        defer { [first, second, third].forEach { $0.remove() } }
        let seeder = try await LoopbackSwarm.session()
        // The leecher downloads slowly enough that the queue's decisions can be watched.
        let leecher = try await LoopbackSwarm.session {
            $0.maxActiveDownloads = 1
            $0.downloadLimit = 256 * 1024
        }
        let address = await LoopbackSwarm.address(of: seeder)
        for fixture in [first, second, third] { _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory) }

        let a = try await leecher.add(first.metainfo, directory: first.downloadDirectory)
        let b = try await leecher.add(second.metainfo, directory: second.downloadDirectory)
        let c = try await leecher.add(third.metainfo, directory: third.downloadDirectory)
        for torrent in [a, b, c] { await torrent.addPeers([address], source: .manual) }
        let value1 = await a.snapshot().activity
        XCTAssertEqual(value1, .downloading)
        let value2 = await b.snapshot().activity
        XCTAssertEqual(value2, .queued)
        let value3 = await c.snapshot().activity
        XCTAssertEqual(value3, .queued)

        // High priority takes the only slot from the running one.
        try await leecher.setPriority(.high, of: third.metainfo.infoHash)
        let value4 = await c.snapshot().activity
        XCTAssertEqual(value4, .downloading)
        let value5 = await a.snapshot().activity
        XCTAssertEqual(value5, .queued)
        let value6 = await b.snapshot().activity
        XCTAssertEqual(value6, .queued)

        // Pausing the running one hands the slot on, in the order they were added.
        try await leecher.pause(third.metainfo.infoHash)
        let value7 = await a.snapshot().activity
        XCTAssertEqual(value7, .downloading)
        let value8 = await b.snapshot().activity
        XCTAssertEqual(value8, .queued)

        // Lifting the rate limit lets `a` finish; then `b` starts on its own.
        await leecher.setLimits(download: nil, upload: nil)
        await LoopbackSwarm.waitUntil(a) { $0.isComplete }
        let started = await LoopbackSwarm.waitUntil(b, timeout: .seconds(10)) { $0.activity != .queued }
        XCTAssertNotEqual(started.activity, .queued)
        let value9 = await LoopbackSwarm.waitUntil(b) { $0.isComplete }.isComplete
        XCTAssertTrue(value9)
        let value10 = await c.snapshot().activity
        XCTAssertEqual(value10, .paused, "a paused torrent is not started by the queue")

        // Resuming with the slot free runs it.
        try await leecher.resume(third.metainfo.infoHash)
        let value11 = await LoopbackSwarm.waitUntil(c) { $0.isComplete }.isComplete
        XCTAssertTrue(value11)
        await leecher.shutdown()
        await seeder.shutdown()
    }

    /// Seed slots follow pauses, removals, priorities and limits; a change that touches no torrent's queue
    /// facts (a torrent's peer limit) leaves the queue as it was.
    func testSeedSlotsFollowPausesRemovalsPrioritiesAndLimits() async throws {
        let fixtures = try (0..<3).map { try TorrentFixture.singleFile(name: "seed\($0).bin", length: 32 * 1024, seed: UInt64(60 + $0)) }
        defer { fixtures.forEach { $0.remove() } }
        let session = try await LoopbackSwarm.session { $0.maxActiveSeeds = 1 }
        var torrents: [Torrent] = []
        for fixture in fixtures { torrents.append(try await session.add(fixture.metainfo, directory: fixture.seedDirectory)) }
        let hashes = fixtures.map(\.metainfo.infoHash)
        func activities() async -> [TorrentActivity] {
            var result: [TorrentActivity] = []
            for torrent in torrents { result.append(await torrent.snapshot().activity) }
            return result
        }
        var now = await activities()
        XCTAssertEqual(now, [.seeding, .queued, .queued])

        try await session.pause(hashes[0])
        now = await activities()
        XCTAssertEqual(now, [.paused, .seeding, .queued], "the slot goes to the next in order")

        var settings = TorrentSettings()
        settings.maxPeers = 5
        try await session.apply(settings, to: hashes[2])
        now = await activities()
        XCTAssertEqual(now, [.paused, .seeding, .queued])

        try await session.setPriority(.high, of: hashes[2])
        now = await activities()
        XCTAssertEqual(now, [.paused, .queued, .seeding], "a higher priority takes the slot")

        try await session.resume(hashes[0])
        now = await activities()
        XCTAssertEqual(now, [.queued, .queued, .seeding], "a resumed torrent waits its turn")

        try await session.remove(hashes[2], deleteData: false)
        torrents.removeLast()
        now = await activities()
        XCTAssertEqual(now, [.seeding, .queued], "a removal frees its slot for the first in order")

        await session.setQueueLimits(maxActiveDownloads: nil, maxActiveSeeds: 2)
        now = await activities()
        XCTAssertEqual(now, [.seeding, .seeding])
        await session.setQueueLimits(maxActiveDownloads: nil, maxActiveSeeds: 0)
        now = await activities()
        XCTAssertEqual(now, [.queued, .queued])
        await session.setQueueLimits(maxActiveDownloads: nil, maxActiveSeeds: nil)
        now = await activities()
        XCTAssertEqual(now, [.seeding, .seeding], "without limits nothing waits")
        await session.shutdown()
    }
}
