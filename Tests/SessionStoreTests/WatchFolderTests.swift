import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

final class WatchFolderTests: XCTestCase {
    func testDroppedTorrentsAreAddedAndRenamed() async throws {
        let watch = try TemporaryDirectory(prefix: "swarm-watch")
        defer { watch.remove() }
        let fixture = try TorrentFixture.singleFile(length: 40_000)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let folder = WatchFolder(directory: watch.url, session: session, downloadDirectory: fixture.seedDirectory)

        try watch.write("good.torrent", fixture.torrentBytes)
        try watch.write("notes.txt", Array("not a torrent".utf8))
        try watch.write("broken.torrent", Array("d4:infoi1ee".utf8))
        var outcomes = await folder.scan()
        XCTAssertEqual(outcomes["good.torrent"], .added(fixture.metainfo.infoHash))
        XCTAssertEqual(outcomes["broken.torrent"], .waiting, "perhaps still being copied in")
        XCTAssertNil(outcomes["notes.txt"])
        let added = await session.torrent(for: fixture.metainfo.infoHash)
        XCTAssertNotNil(added)

        outcomes = await folder.scan()
        guard case .invalid(let why) = outcomes["broken.torrent"] else { return XCTFail("\(outcomes)") }
        XCTAssertFalse(why.isEmpty)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: watch.path))
        XCTAssertEqual(names, ["good.torrent.added", "broken.torrent.invalid", "notes.txt"])

        // The same torrent dropped again is not added twice, and not tried again either.
        try watch.write("again.torrent", fixture.torrentBytes)
        outcomes = await folder.scan()
        XCTAssertEqual(outcomes, ["again.torrent": .alreadyPresent(fixture.metainfo.infoHash)])
        XCTAssertTrue(FileManager.default.fileExists(atPath: watch.appending("again.torrent.added").path))
        let count = await session.snapshots().count
        XCTAssertEqual(count, 1)
        await session.shutdown()
    }

    /// A torrent copied in over two scans: the half-written file waits, the finished one is added.
    func testAFileStillBeingWrittenIsAddedOnceComplete() async throws {
        let watch = try TemporaryDirectory(prefix: "swarm-watch")
        defer { watch.remove() }
        let fixture = try TorrentFixture.singleFile(length: 40_000)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let folder = WatchFolder(directory: watch.url, session: session, downloadDirectory: fixture.seedDirectory)
        try watch.write("slow.torrent", Array(fixture.torrentBytes.prefix(30)))
        var outcomes = await folder.scan()
        XCTAssertEqual(outcomes["slow.torrent"], .waiting)
        try watch.write("slow.torrent", fixture.torrentBytes)
        outcomes = await folder.scan()
        XCTAssertEqual(outcomes["slow.torrent"], .added(fixture.metainfo.infoHash))
        await session.shutdown()
    }

    func testPollingPicksUpFilesOnItsOwn() async throws {
        let watch = try TemporaryDirectory(prefix: "swarm-watch")
        defer { watch.remove() }
        let fixture = try TorrentFixture.singleFile(length: 40_000)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let folder = WatchFolder(directory: watch.url, session: session, downloadDirectory: fixture.seedDirectory)
        await folder.start(every: .milliseconds(50))
        try watch.write("dropped.torrent", fixture.torrentBytes)
        let deadline = ContinuousClock.now + .seconds(10)
        while await session.torrent(for: fixture.metainfo.infoHash) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let added = await session.torrent(for: fixture.metainfo.infoHash)
        XCTAssertNotNil(added)
        await folder.stop()
        await session.shutdown()
    }
}
