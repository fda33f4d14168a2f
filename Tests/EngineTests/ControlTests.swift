import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// The control API the UI and the command line use: remove, recheck, file priorities, the queue.
final class ControlTests: XCTestCase {
    /// Files that start and end on piece boundaries (16 KiB pieces), so that skipping one touches no
    /// piece of another.
    private func alignedFixture() throws -> TorrentFixture {
        try .multiFile(
            files: [
                .init("one/a.bin", length: 8 * 16_384), .init("two/b.bin", length: 4 * 16_384),
                .init("c.bin", length: 6 * 16_384),
            ],
            pieceLength: 16_384)
    }

    private func path(_ fixture: TorrentFixture, _ index: Int, in directory: URL) -> String {
        fixture.metainfo.relativePath(ofFile: index).reduce(directory) { $0.appendingPathComponent($1) }.path
    }

    func testRemoveKeepsOrDeletesTheData() async throws {
        let fixture = try alignedFixture()
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let other = try TorrentFixture.singleFile(length: 50_000, pieceLength: 16_384)
        defer { other.remove() }
        // Another torrent's file in the same folder must survive the delete.
        try FileManager.default.createDirectory(at: fixture.seedDirectory, withIntermediateDirectories: true)
        try Data(other.payload).write(to: fixture.seedDirectory.appendingPathComponent(other.metainfo.name))
        _ = try await session.add(other.metainfo, directory: fixture.seedDirectory)

        let torrent = try await session.add(fixture.metainfo, directory: fixture.seedDirectory)
        await session.removeAndWait(torrent.infoHash, deleteData: false)
        let value1 = await session.torrent(for: fixture.metainfo.infoHash)
        XCTAssertNil(value1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path(fixture, 0, in: fixture.seedDirectory)))

        _ = try await session.add(fixture.metainfo, directory: fixture.seedDirectory)
        try await session.remove(fixture.metainfo.infoHash, deleteData: true)
        let root = fixture.seedDirectory.appendingPathComponent(fixture.metainfo.name).path
        XCTAssertFalse(FileManager.default.fileExists(atPath: root), "the torrent's folder is gone")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: fixture.seedDirectory.appendingPathComponent(other.metainfo.name).path),
            "another torrent's file stays")
        let snapshots = await session.snapshots()
        XCTAssertEqual(snapshots.map(\.name), [other.metainfo.name])
        await session.shutdown()
    }

    func testRemoveOfAnUnknownTorrentSaysSo() async throws {
        let session = try await LoopbackSwarm.session()
        let hash = InfoHash(bytes: [UInt8](repeating: 7, count: 20))!
        do {
            try await session.remove(hash, deleteData: true)
            XCTFail("removed a torrent that was never added")
        } catch {
            XCTAssertTrue("\(error)".contains("no torrent"), "\(error)")
        }
        await session.shutdown()
    }

    func testSkippedFileIsNeitherDownloadedNorCreated() async throws {
        let fixture = try alignedFixture()
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        var settings = TorrentSettings()
        settings.filePriorities = [.normal, .skip, .high]
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory, settings: settings)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isFinished && $0.activity == .seeding }
        XCTAssertTrue(done.isFinished)
        XCTAssertFalse(done.isComplete, "the skipped file's pieces are missing")
        XCTAssertEqual(done.wantedLength, 14 * 16_384)
        XCTAssertEqual(done.downloaded, 14 * 16_384, "nothing of the skipped file came in")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(fixture, 1, in: fixture.downloadDirectory)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(fixture, 1, in: fixture.downloadDirectory) + ".part"))
        XCTAssertEqual(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(fixture, 2, in: fixture.downloadDirectory)))),
            Array(fixture.contents(ofFile: 2)))

        // Wanting it again downloads it.
        try await torrent.setPriority(.normal, ofFile: 1)
        let all = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(all.isComplete)
        XCTAssertEqual(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(fixture, 1, in: fixture.downloadDirectory)))),
            Array(fixture.contents(ofFile: 1)))
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testRecheckFindsDamageAndTheTorrentDownloadsItAgain() async throws {
        let fixture = try alignedFixture()
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }

        // Damage piece 2 (in the first file) behind the engine's back.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(fixture, 0, in: fixture.downloadDirectory)))
        try handle.seek(toOffset: 2 * 16_384 + 5)
        try handle.write(contentsOf: Data([0xde, 0xad]))
        try handle.close()

        try await leecher.recheck(fixture.metainfo.infoHash)
        let rechecked = await torrent.snapshot()
        XCTAssertEqual(rechecked.piecesHave, fixture.metainfo.pieceCount - 1)
        XCTAssertEqual(rechecked.activity, .downloading)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        XCTAssertEqual(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(fixture, 0, in: fixture.downloadDirectory)))),
            Array(fixture.contents(ofFile: 0)))
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testMovedDataKeepsSeeding() async throws {
        let fixture = try alignedFixture()
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let destination = fixture.root.appendingPathComponent("moved")
        try await seeder.move(fixture.metainfo.infoHash, to: destination)
        let value2 = await seeding.snapshot().activity
        XCTAssertEqual(value2, .seeding)
        XCTAssertFalse(FileManager.default.fileExists(
            atPath: fixture.seedDirectory.appendingPathComponent(fixture.metainfo.name).path), "the old folder is gone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path(fixture, 2, in: destination)))

        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let value3 = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }.isComplete
        XCTAssertTrue(value3, "served from the new place")
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testPausedTorrentStaysPausedThroughRecheck() async throws {
        let fixture = try alignedFixture()
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let torrent = try await session.add(fixture.metainfo, directory: fixture.seedDirectory, paused: true)
        let value4 = await torrent.snapshot().activity
        XCTAssertEqual(value4, .paused)
        let value5 = await torrent.snapshot().isComplete
        XCTAssertTrue(value5, "a paused torrent still knows what it has")
        try await session.recheck(fixture.metainfo.infoHash)
        let value6 = await torrent.snapshot().activity
        XCTAssertEqual(value6, .paused)
        try await session.resume(fixture.metainfo.infoHash)
        let value7 = await torrent.snapshot().activity
        XCTAssertEqual(value7, .seeding)
        await session.shutdown()
    }
}

extension Session {
    /// Removes and fails the test on error.
    func removeAndWait(_ hash: InfoHash, deleteData: Bool) async {
        do { try await remove(hash, deleteData: deleteData) } catch { XCTFail("\(error)") }
    }
}
