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
}
