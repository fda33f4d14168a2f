import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// Downloads into a small tmpfs, which needs root (CI runs as root).
final class DiskFullTests: XCTestCase {
    private var mountPoint: URL!

    override func setUpWithError() throws {
        guard getuid() == 0 else {
            if ProcessInfo.processInfo.environment["SWARM_REQUIRE_INTEROP"] == "1" {
                XCTFail("disk-full tests need root to mount a tmpfs")
            }
            throw XCTSkip("disk-full tests need root to mount a tmpfs")
        }
        mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try run("/bin/mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint.path)
    }

    override func tearDown() {
        guard let mountPoint else { return }
        try? run("/bin/umount", mountPoint.path)
        try? FileManager.default.removeItem(at: mountPoint)
    }

    private func run(_ tool: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("\(tool) failed: cannot set up a tmpfs here") }
    }

    func testTorrentLargerThanFreeSpaceIsRefusedUpFront() async throws {
        let fixture = try TorrentFixture.singleFile(length: 6 << 20, pieceLength: 64 * 1024)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        do {
            _ = try await session.add(fixture.metainfo, directory: mountPoint)
            XCTFail("6 MiB cannot fit in a 4 MiB file system")
        } catch let error as SessionError {
            XCTAssertTrue("\(error)".contains("not enough space"), "\(error)")
        }
        await session.shutdown()
    }

    func testDiskFillingUpDuringDownloadStopsTheTorrentWithTheReason() async throws {
        let fixture = try TorrentFixture.singleFile(length: 3 << 20, pieceLength: 64 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: mountPoint)
        // Something else fills the disk after the torrent started.
        let filler = mountPoint.appendingPathComponent("filler")
        XCTAssertTrue(FileManager.default.createFile(atPath: filler.path, contents: nil))
        let handle = try FileHandle(forWritingTo: filler)
        let chunk = Data(repeating: 7, count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let failed = await LoopbackSwarm.waitUntil(torrent) {
            if case .error = $0.activity { return true } else { return false }
        }
        guard case .error(let reason) = failed.activity else { return XCTFail("expected an error, got \(failed.activity)") }
        XCTAssertTrue(reason.contains("No space left"), reason)
        XCTAssertFalse(failed.isComplete)
        let verifiedBefore = failed.piecesHave

        // Another torrent of the same session, on another disk, carries on.
        let other = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 64 * 1024)
        defer { other.remove() }
        _ = try await seeder.add(other.metainfo, directory: other.seedDirectory)
        let otherTorrent = try await leecher.add(other.metainfo, directory: other.downloadDirectory)
        await otherTorrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let otherDone = await LoopbackSwarm.waitUntil(otherTorrent) { $0.isComplete }
        XCTAssertTrue(otherDone.isComplete, "a full disk stops only the torrent on it")

        // Space comes back: resuming rechecks, keeps what was verified, and finishes.
        try FileManager.default.removeItem(at: filler)
        try await leecher.resume(fixture.metainfo.infoHash)
        let rechecked = await LoopbackSwarm.waitUntil(torrent) {
            if case .checking = $0.activity { return false } else { return true }
        }
        XCTAssertGreaterThanOrEqual(rechecked.piecesHave, verifiedBefore, "nothing verified before the error is lost")
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        let data = try Data(contentsOf: mountPoint.appendingPathComponent(fixture.metainfo.name))
        XCTAssertEqual([UInt8](data), fixture.payload)
        await leecher.shutdown()
        await seeder.shutdown()
    }
}
