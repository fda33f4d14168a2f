import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// `Torrent.untilFinished()`, which lets `swarm download` report completion the moment it happens.
final class FinishWaitTests: XCTestCase {
    func testWaiterWakesWhenTheDownloadFinishesWithItsFilesInPlace() async throws {
        let fixture = try TorrentFixture.singleFile(length: 2 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let waiter = Task { await torrent.untilFinished() }
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        await waiter.value
        let snapshot = await torrent.snapshot()
        XCTAssertTrue(snapshot.isFinished, "woken only once every piece is verified")
        XCTAssertTrue(snapshot.filesFinalized, "and the file has its final name")
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
        // A finished torrent answers at once.
        await torrent.untilFinished()
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testCancelledWaiterReturnsWithoutTheDownload() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        // No peer: the download cannot finish, so only cancellation ends these waits.
        let waiters = (0..<3).map { _ in Task { await torrent.untilFinished() } }
        try await Task.sleep(for: .milliseconds(50))
        for waiter in waiters { waiter.cancel() }
        for waiter in waiters { await waiter.value }
        // Cancelled before it starts waiting: returns too.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await torrent.untilFinished()
        }
        await early.value
        let snapshot = await torrent.snapshot()
        XCTAssertFalse(snapshot.isFinished)
        await leecher.shutdown()
    }
}
