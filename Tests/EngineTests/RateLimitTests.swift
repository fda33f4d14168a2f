import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// Rate limits hold within 10% over 10 s on a loopback swarm (where, unlimited, the transfer would take
/// a fraction of a second), and changes apply while the transfer runs.
final class RateLimitTests: XCTestCase {
    private let limit = 1024.0 * 1024

    /// Bytes the torrent downloaded in a 10 s window that starts once the transfer is under way (the
    /// bucket's initial burst is behind us).
    private func bytesOverTenSeconds(_ torrent: Torrent, total: (TorrentSnapshot) -> Int64) async -> Double {
        await LoopbackSwarm.waitUntil(torrent) { total($0) > 2 * 1024 * 1024 }
        let start = total(await torrent.snapshot())
        try? await Task.sleep(for: .seconds(10))
        return Double(total(await torrent.snapshot()) - start)
    }

    func testTorrentDownloadLimitHolds() async throws {
        let fixture = try TorrentFixture.singleFile(length: 24 * 1024 * 1024, pieceLength: 256 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        var settings = TorrentSettings()
        settings.downloadLimit = limit
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory, settings: settings)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let bytes = await bytesOverTenSeconds(torrent) { $0.downloaded }
        XCTAssertEqual(bytes / 10, limit, accuracy: limit * 0.1, "download rate under a 1 MiB/s limit")
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testSessionUploadLimitHoldsAndChangesLive() async throws {
        let fixture = try TorrentFixture.singleFile(length: 40 * 1024 * 1024, pieceLength: 256 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session { $0.uploadLimit = 1024 * 1024 }
        let leecher = try await LoopbackSwarm.session()
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let first = await bytesOverTenSeconds(seeding) { $0.uploaded }
        XCTAssertEqual(first / 10, limit, accuracy: limit * 0.1, "upload rate under a 1 MiB/s session limit")

        await seeder.setLimits(download: nil, upload: 2 * limit)
        try await Task.sleep(for: .seconds(1))
        let before = await seeding.snapshot().uploaded
        try await Task.sleep(for: .seconds(10))
        let second = Double(await seeding.snapshot().uploaded - before)
        XCTAssertEqual(second / 10, 2 * limit, accuracy: 2 * limit * 0.1, "the raised limit applies at once")
        await leecher.shutdown()
        await seeder.shutdown()
    }

    /// What `total` grew by in each of 16 quarters of a second, once the transfer is under way.
    private func quarterSecondSteps(_ torrent: Torrent, total: (TorrentSnapshot) -> Int64) async throws -> [Int64] {
        await LoopbackSwarm.waitUntil(torrent) { total($0) > 2 * 1024 * 1024 }
        var last = total(await torrent.snapshot())
        var steps: [Int64] = []
        for _ in 0..<16 {
            try await Task.sleep(for: .milliseconds(250))
            let now = total(await torrent.snapshot())
            steps.append(now - last)
            last = now
        }
        return steps
    }

    /// Under an upload limit the data leaves 64 KiB at a time as the limit allows, not as a burst of a whole
    /// batch of requests after one long wait: the uploaded total grows smoothly (a 10 s window that starts
    /// and ends next to a burst of megabytes would otherwise read a whole burst low).
    func testUploadLimitSendsInSmallSteps() async throws {
        let fixture = try TorrentFixture.singleFile(length: 16 * 1024 * 1024, pieceLength: 256 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session { $0.uploadLimit = 1024 * 1024 }
        let leecher = try await LoopbackSwarm.session()
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let steps = try await quarterSecondSteps(seeding) { $0.uploaded }
        // A quarter of a second at 1 MiB/s is 256 KiB; a batch of requests is 1 MiB or more.
        XCTAssertLessThan(steps.max() ?? 0, 640 * 1024, "uploaded per 250 ms: \(steps)")
        XCTAssertGreaterThanOrEqual(steps.filter { $0 > 0 }.count, 12, "uploaded per 250 ms: \(steps)")
        await leecher.shutdown()
        await seeder.shutdown()
    }

    /// The same for a download limit: a read of up to 1 MiB is let through over its wait, not at its end.
    func testDownloadLimitLetsDataThroughInSmallSteps() async throws {
        let fixture = try TorrentFixture.singleFile(length: 16 * 1024 * 1024, pieceLength: 256 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session { $0.downloadLimit = 1024 * 1024 }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let steps = try await quarterSecondSteps(torrent) { $0.downloaded }
        XCTAssertLessThan(steps.max() ?? 0, 640 * 1024, "downloaded per 250 ms: \(steps)")
        XCTAssertGreaterThanOrEqual(steps.filter { $0 > 0 }.count, 12, "downloaded per 250 ms: \(steps)")
        await leecher.shutdown()
        await seeder.shutdown()
    }
}
