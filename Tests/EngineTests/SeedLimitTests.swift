import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// Seeding stops at a ratio, as qBittorrent does it: the torrent pauses.
final class SeedLimitTests: XCTestCase {
    func testSeedPausesAtItsRatioAndSeedsOnWhenResumed() async throws {
        let fixture = try TorrentFixture.singleFile(length: 64 * 16_384, pieceLength: 16_384)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        var settings = TorrentSettings()
        settings.seedRatioLimit = 1.0
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory, settings: settings)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let value1 = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }.isComplete
        XCTAssertTrue(value1)
        let stopped = await LoopbackSwarm.waitUntil(seeding, timeout: .seconds(5)) { $0.activity == .paused }
        XCTAssertEqual(stopped.activity, .paused, "ratio 1.0 reached after one copy")
        XCTAssertGreaterThanOrEqual(stopped.uploaded, fixture.metainfo.totalLength)

        try await seeder.resume(fixture.metainfo.infoHash)
        try await Task.sleep(for: .seconds(1.5))
        let value2 = await seeding.snapshot().activity
        XCTAssertEqual(value2, .seeding, "a manual resume seeds on past the limit")
        await leecher.shutdown()
        await seeder.shutdown()
    }
}
