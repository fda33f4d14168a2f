import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// The download directory disappears mid-download (an unplugged disk, an `rm -rf`): the torrent stops
/// with the reason instead of writing into deleted files, and resumes once the folder is back.
final class DirectoryGoneTests: XCTestCase {
    func testDeletedDirectoryStopsTheTorrentAndResumeRecovers() async throws {
        let fixture = try TorrentFixture.singleFile(length: 4 << 20, pieceLength: 64 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await LoopbackSwarm.session { $0.downloadLimit = 512 * 1024 }
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        await LoopbackSwarm.waitUntil(torrent) { $0.piecesHave >= 4 }

        try FileManager.default.removeItem(at: fixture.downloadDirectory)
        let failed = await LoopbackSwarm.waitUntil(torrent, timeout: .seconds(15)) {
            if case .error = $0.activity { return true } else { return false }
        }
        guard case .error(let reason) = failed.activity else { return XCTFail("expected an error, got \(failed.activity)") }
        XCTAssertTrue(reason.contains(fixture.downloadDirectory.path), reason)

        await leecher.setLimits(download: nil, upload: nil)
        try FileManager.default.createDirectory(at: fixture.downloadDirectory, withIntermediateDirectories: true)
        try await leecher.resume(fixture.metainfo.infoHash)
        await LoopbackSwarm.waitUntil(torrent) {
            if case .checking = $0.activity { return false } else { return true }
        }
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        let data = try Data(contentsOf: fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name))
        XCTAssertEqual([UInt8](data), fixture.payload)
        await leecher.shutdown()
        await seeder.shutdown()
    }
}
