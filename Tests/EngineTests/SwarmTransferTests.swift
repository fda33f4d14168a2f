import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// Whole transfers between Swarm sessions on loopback.
final class SwarmTransferTests: XCTestCase {
    /// Uneven files, one smaller than a piece, one empty, and a short last piece.
    private func multiFileFixture() throws -> TorrentFixture {
        try .multiFile(
            files: [
                .init("a/first.bin", length: 300_000), .init("tiny.txt", length: 1000),
                .init("empty.dat", length: 0), .init("b/c/last.bin", length: 777_777),
            ],
            pieceLength: 32 * 1024)
    }

    func testLeecherDownloadsMultiFileTorrentFromSeeder() async throws {
        let fixture = try multiFileFixture()
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let seedState = await seeding.snapshot()
        XCTAssertTrue(seedState.isComplete, "the seeder verifies its data and has every piece")

        let downloading = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await downloading.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(downloading) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        XCTAssertEqual(done.hashFailures, 0)
        await leecher.shutdown()
        await seeder.shutdown()

        for (index, file) in fixture.metainfo.files.enumerated() {
            let url = fixture.metainfo.relativePath(ofFile: index)
                .reduce(fixture.downloadDirectory) { $0.appendingPathComponent($1) }
            let data = try Data(contentsOf: url)
            XCTAssertEqual(data.count, Int(file.length), file.displayPath)
            XCTAssertEqual([UInt8](data), Array(fixture.contents(ofFile: index)), file.displayPath)
        }
    }

    func testDataAlreadyOnDiskIsVerifiedAndOnlyBadPiecesFetched() async throws {
        let fixture = try TorrentFixture.singleFile(length: 20 * 16 * 1024 + 5000, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        // Put the payload in the download folder with piece 3 damaged.
        var damaged = fixture.payload
        damaged[3 * 16 * 1024 + 100] ^= 0xff
        let target = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        try FileManager.default.createDirectory(at: fixture.downloadDirectory, withIntermediateDirectories: true)
        try Data(damaged).write(to: target)

        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let checked = await torrent.snapshot()
        XCTAssertEqual(checked.piecesHave, fixture.metainfo.pieceCount - 1, "every piece but the damaged one")
        XCTAssertEqual(checked.activity, .downloading)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "an incomplete file does not look finished")
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.path + ".part"))

        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        XCTAssertEqual(done.downloaded, 16 * 1024, "only the damaged piece is fetched again")
        await leecher.shutdown()
        await seeder.shutdown()
        XCTAssertEqual([UInt8](try Data(contentsOf: target)), fixture.payload)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path + ".part"))
    }

    func testLeechersShareWithEachOther() async throws {
        let fixture = try TorrentFixture.singleFile(length: 3 << 20, pieceLength: 64 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let seedAddress = await LoopbackSwarm.address(of: seeder)

        var sessions: [Session] = []
        var torrents: [Torrent] = []
        for index in 0..<3 {
            let session = try await LoopbackSwarm.session()
            let directory = fixture.root.appendingPathComponent("leecher\(index)")
            let torrent = try await session.add(fixture.metainfo, directory: directory)
            var peers = [seedAddress]
            for other in sessions { peers.append(await LoopbackSwarm.address(of: other)) }
            await torrent.addPeers(peers, source: .manual)
            sessions.append(session)
            torrents.append(torrent)
        }
        var uploadedByLeechers: Int64 = 0
        for torrent in torrents {
            let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
            XCTAssertTrue(done.isComplete)
        }
        for torrent in torrents { uploadedByLeechers += await torrent.snapshot().uploaded }
        for session in sessions { await session.shutdown() }
        await seeder.shutdown()
        for index in 0..<3 {
            let file = fixture.root.appendingPathComponent("leecher\(index)/\(fixture.metainfo.name)")
            XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
        }
        _ = uploadedByLeechers  // Sharing is shown with real clients in the interop tests.
    }

    func testSeederHonoursItsConnectionLimit() async throws {
        let fixture = try TorrentFixture.singleFile(length: 2 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session { $0.torrent.maxPeers = 1 }
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)
        var leechers: [(Session, Torrent)] = []
        for index in 0..<2 {
            let session = try await LoopbackSwarm.session { $0.torrent.reconnectDelay = .milliseconds(200) }
            let torrent = try await session.add(fixture.metainfo, directory: fixture.root.appendingPathComponent("l\(index)"))
            await torrent.addPeers([address], source: .manual)
            leechers.append((session, torrent))
        }
        var most = 0
        let deadline = ContinuousClock.now + .seconds(60)
        var complete = 0
        while complete < 2 && ContinuousClock.now < deadline {
            most = max(most, await seeding.snapshot().peers.count)
            complete = 0
            for (_, torrent) in leechers where await torrent.snapshot().isComplete { complete += 1 }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertEqual(complete, 2, "the second leecher gets in once the first leaves")
        XCTAssertEqual(most, 1, "never more peers than the limit")
        for (session, _) in leechers { await session.shutdown() }
        await seeder.shutdown()
    }

    func testUnwritableDirectoryIsRejected() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1000)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        do {
            _ = try await session.add(fixture.metainfo, directory: URL(fileURLWithPath: "/proc/swarm-cannot-write"))
            XCTFail("adding into /proc must fail")
        } catch let error as SessionError {
            XCTAssertTrue("\(error)".contains("/proc/swarm-cannot-write"), "\(error)")
        }
        await session.shutdown()
    }

    func testPortInUseIsReported() async throws {
        let first = try await LoopbackSwarm.session()
        let port = await first.listenPort
        let second = Session(configuration: SessionConfiguration(bindHost: "127.0.0.1", listenPort: port))
        do {
            try await second.start()
            XCTFail("a second listener on port \(port) must fail")
        } catch let error as SessionError {
            XCTAssertTrue("\(error)".contains("\(port)"), "\(error)")
        }
        await second.shutdown()
        await first.shutdown()
    }
}
