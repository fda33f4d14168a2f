import Bencode
import Engine
import Foundation
import NIOCore
import NIOPosix
import PeerWire
import TestSupport
import TorrentModel
import XCTest

/// Magnet links between Swarm sessions on loopback: metadata fetched from peers (BEP 9), then the download.
final class MagnetTests: XCTestCase {
    /// Polls the session until `condition` holds for the torrent or fetch with this hash.
    private func waitUntil(
        _ session: Session, _ hash: InfoHash, timeout: Duration = .seconds(30),
        _ condition: (TorrentSnapshot) -> Bool
    ) async -> TorrentSnapshot? {
        let deadline = ContinuousClock.now + timeout
        var snapshot = await session.snapshot(of: hash)
        while !(snapshot.map(condition) ?? false) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            snapshot = await session.snapshot(of: hash)
        }
        return snapshot
    }

    private func assertDownloaded(_ fixture: TorrentFixture, files: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        for index in files ?? Array(fixture.metainfo.files.indices) {
            let url = fixture.metainfo.relativePath(ofFile: index)
                .reduce(fixture.downloadDirectory) { $0.appendingPathComponent($1) }
            XCTAssertEqual([UInt8](try Data(contentsOf: url)), Array(fixture.contents(ofFile: index)), file: file, line: line)
        }
    }

    func testMagnetLeecherFetchesMetadataThenDownloads() async throws {
        let fixture = try TorrentFixture.multiFile(
            files: [.init("a.bin", length: 200_000), .init("dir/b.bin", length: 333_333)], pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let link = MagnetLink(
            infoHash: fixture.metainfo.infoHash, displayName: "magnet test",
            peers: [await LoopbackSwarm.address(of: seeder)])
        let hash = try await leecher.addMagnet(link, directory: fixture.downloadDirectory)
        XCTAssertEqual(hash, fixture.metainfo.infoHash)
        let done = await waitUntil(leecher, hash) { $0.isComplete }
        XCTAssertEqual(done?.isComplete, true)
        XCTAssertEqual(done?.name, fixture.metainfo.name, "the real name replaces the link's")
        let torrent = await leecher.torrent(for: hash)
        XCTAssertEqual(torrent?.metainfo.infoBytes, fixture.metainfo.infoBytes)
        XCTAssertEqual(done?.knownPeers, 1, "the x.pe peer is handed to the torrent")
        await leecher.shutdown()
        await seeder.shutdown()
        try assertDownloaded(fixture)
    }

    func testStopAfterMetadataLeavesThePausedTorrentWithTheLinksFileSelection() async throws {
        let fixture = try TorrentFixture.multiFile(
            files: [.init("one.bin", length: 50_000), .init("two.bin", length: 60_000), .init("three.bin", length: 70_000)],
            pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let leecher = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        var link = MagnetLink(infoHash: fixture.metainfo.infoHash, peers: [await LoopbackSwarm.address(of: seeder)])
        link.selectedFiles = FileSelection("0,2")
        let hash = try await leecher.addMagnet(link, directory: fixture.downloadDirectory, stopAfterMetadata: true)
        let paused = await waitUntil(leecher, hash) { $0.activity == .paused && $0.pieceCount > 0 && $0.knownPeers == 1 }
        XCTAssertEqual(paused?.activity, .paused)
        XCTAssertEqual(paused?.pieceCount, fixture.metainfo.pieceCount, "the metadata is known")
        XCTAssertEqual(paused?.settings.filePriorities, [.normal, .skip, .normal])
        XCTAssertEqual(paused?.bytesHave, 0, "nothing is downloaded before the user resumes")
        XCTAssertEqual(paused?.knownPeers, 1, "the fetch's peers wait in the paused torrent")
        try await Task.sleep(for: .milliseconds(500))
        let later = await leecher.snapshot(of: hash)
        XCTAssertEqual(later?.downloaded, 0)

        try await leecher.resume(hash)
        let done = await waitUntil(leecher, hash) { $0.isFinished }
        XCTAssertEqual(done?.isFinished, true)
        await leecher.shutdown()
        await seeder.shutdown()
        try assertDownloaded(fixture, files: [0, 2])
    }

    func testFetchWithNoPeersSaysSoAndAcceptsAnIncomingSeeder() async throws {
        let fixture = try TorrentFixture.singleFile(length: 300_000, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        let hash = try await leecher.addMagnet(
            MagnetLink(infoHash: fixture.metainfo.infoHash, displayName: "waiting"), directory: fixture.downloadDirectory)
        let waiting = await leecher.snapshot(of: hash)
        XCTAssertEqual(waiting?.activity, .fetchingMetadata(0))
        XCTAssertEqual(waiting?.name, "waiting")
        XCTAssertEqual(waiting?.status, "no trackers or peers in the link: waiting for peers to connect")

        // Paused and resumed while waiting: still a fetch.
        try await leecher.pause(hash)
        let paused = await leecher.snapshot(of: hash)
        XCTAssertEqual(paused?.activity, .paused)
        try await leecher.resume(hash)

        // A seeder that dials us: the fetch takes the incoming connection.
        let seeder = try await LoopbackSwarm.session()
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        await seeding.addPeers([await LoopbackSwarm.address(of: leecher)], source: .manual)
        let done = await waitUntil(leecher, hash, timeout: .seconds(45)) { $0.isComplete }
        XCTAssertEqual(done?.isComplete, true)
        await leecher.shutdown()
        await seeder.shutdown()
        try assertDownloaded(fixture)
    }

    func testAFetchCanBeRemoved() async throws {
        // A DHT with no node to join: it sends nothing, but the fetch says where it looks.
        let leecher = try await LoopbackSwarm.session { $0.dht = DHTSettings(enabled: true, port: 0) }
        let hash = try XCTUnwrap(InfoHash(hex: String(repeating: "ab", count: 20)))
        try await leecher.addMagnet(MagnetLink(infoHash: hash), directory: FileManager.default.temporaryDirectory)
        let looking = await leecher.snapshot(of: hash)
        XCTAssertEqual(looking?.status, "no trackers or peers in the link: looking in the DHT")
        do {
            try await leecher.addMagnet(MagnetLink(infoHash: hash), directory: FileManager.default.temporaryDirectory)
            XCTFail("a second add of the same link is refused")
        } catch {}
        do {
            try await leecher.recheck(hash)
            XCTFail("a fetch has nothing to check")
        } catch {
            XCTAssertEqual("\(error)", "'\(hash.hex)' has no metadata yet: wait until it is fetched")
        }
        let before = await leecher.snapshots()
        XCTAssertEqual(before.count, 1)
        try await leecher.remove(hash, deleteData: false)
        let after = await leecher.snapshots()
        XCTAssertEqual(after.count, 0)
        let fetch = await leecher.metadataFetch(for: hash)
        XCTAssertNil(fetch)
        await leecher.shutdown()
    }

    /// A peer that offers the metadata but sends garbage for every piece: it is banned after one round,
    /// and the fetch completes from an honest seeder.
    func testHostilePeerSendingMetadataThatDoesNotHashIsBannedAndAnHonestPeerFinishes() async throws {
        // 1,000 pieces: 20,000 bytes of hashes, so the metadata takes two pieces.
        let fixture = try TorrentFixture.singleFile(length: 1000 * 16 * 1024, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let size = fixture.metainfo.infoBytes.count
        XCTAssertGreaterThan(size, MetadataMessage.pieceLength)
        let hostile = try await MetadataTestPeer.listen(host: "127.0.0.2", infoHash: fixture.metainfo.infoHash) { peer in
            try await peer.send([.extended(id: 0, payload: ExtensionHandshake(
                extensions: ["ut_metadata": 3], metadataSize: size).payload)])
            var ourID: UInt8?
            while let message = try await peer.next() {
                guard case .extended(let id, let payload) = message else { continue }
                if id == 0 {
                    ourID = ExtensionHandshake(payload: payload)?.extensions["ut_metadata"].map(UInt8.init)
                } else if id == 3, let ourID, case .request(let piece) = try MetadataMessage(payload: payload) {
                    let length = min(MetadataMessage.pieceLength, size - piece * MetadataMessage.pieceLength)
                    try await peer.send([.extended(id: ourID, payload: MetadataMessage.data(
                        piece: piece, totalSize: size, payload: [UInt8](repeating: 0x55, count: length)).payload)])
                }
            }
        }
        let leecher = try await LoopbackSwarm.session()
        let hostileAddress = PeerAddress(host: "127.0.0.2", port: UInt16(hostile.port))
        let hash = try await leecher.addMagnet(
            MagnetLink(infoHash: fixture.metainfo.infoHash, peers: [hostileAddress]),
            directory: fixture.downloadDirectory, stopAfterMetadata: true)
        let failed = await waitUntil(leecher, hash) { $0.hashFailures >= 1 && $0.bannedPeers == 1 }
        XCTAssertEqual(failed?.hashFailures, 1)
        XCTAssertEqual(failed?.bannedPeers, 1)
        XCTAssertEqual(failed?.activity, .fetchingMetadata(0), "the round starts over")

        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        await leecher.metadataFetch(for: hash)?.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let fetched = await waitUntil(leecher, hash) { $0.pieceCount > 0 }
        XCTAssertEqual(fetched?.pieceCount, fixture.metainfo.pieceCount)
        XCTAssertEqual(fetched?.activity, .paused)
        let torrent = await leecher.torrent(for: hash)
        XCTAssertEqual(torrent?.metainfo.infoBytes, fixture.metainfo.infoBytes)
        await leecher.shutdown()
        await seeder.shutdown()
        await hostile.stop()
    }

    /// A Swarm seeder serves its metadata to whoever asks with the id it advertised, rejects pieces it
    /// does not have, and drops a peer that sends a malformed ut_metadata message.
    func testSeederServesMetadataAndDropsMalformedRequests() async throws {
        let fixture = try TorrentFixture.singleFile(length: 100_000, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)
        let infoBytes = fixture.metainfo.infoBytes
        try await MetadataTestPeer.dial(address, infoHash: fixture.metainfo.infoHash) { peer in
            XCTAssertTrue(peer.theirHandshake.supportsExtensionProtocol)
            try await peer.send([.extended(id: 0, payload: ExtensionHandshake(extensions: ["ut_metadata": 7]).payload)])
            var theirID: UInt8?
            var answers: [MetadataMessage] = []
            while answers.count < 2, let message = try await peer.next() {
                guard case .extended(let id, let payload) = message else { continue }
                if id == 0 {
                    let handshake = ExtensionHandshake(payload: payload)
                    XCTAssertEqual(handshake?.metadataSize, infoBytes.count)
                    theirID = handshake?.extensions["ut_metadata"].map(UInt8.init)
                    let send = try XCTUnwrap(theirID)
                    try await peer.send([
                        .extended(id: send, payload: MetadataMessage.request(piece: 0).payload),
                        .extended(id: send, payload: MetadataMessage.request(piece: 5).payload),
                    ])
                } else {
                    XCTAssertEqual(id, 7, "answers come with the id we asked for")
                    answers.append(try MetadataMessage(payload: payload))
                }
            }
            XCTAssertEqual(answers, [
                .data(piece: 0, totalSize: infoBytes.count, payload: infoBytes), .reject(piece: 5),
            ])
            // A malformed message ends the connection.
            try await peer.send([.extended(id: try XCTUnwrap(theirID), payload: ByteBuffer(bytes: Array("garbage".utf8)))])
            while (try? await peer.next()) != nil {}
        }
        await seeder.shutdown()
    }

    /// A link with only a tracker that knows no peer yet: the fetch says so, asks again every
    /// `retryInterval`, and completes once a seeder has announced.
    func testTrackerOnlyLinkKeepsAskingUntilASeederAppears() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        let url = "http://127.0.0.1:\(tracker.port)/announce"
        let fixture = try TorrentFixture.singleFile(length: 200_000, pieceLength: 16 * 1024, trackers: [url])
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session { $0.magnet.retryInterval = .milliseconds(300) }
        let hash = try await leecher.addMagnet(
            MagnetLink(infoHash: fixture.metainfo.infoHash, trackers: [url]), directory: fixture.downloadDirectory)
        let asking = await waitUntil(leecher, hash) { $0.status?.contains("trackers asked 3 times") == true }
        XCTAssertEqual(asking?.status, "looking for peers: 0 known, none connected; trackers asked 3 times")
        XCTAssertEqual(asking?.activity, .fetchingMetadata(0))
        XCTAssertNil(asking?.trackers.first?.lastError, "the tracker answers; it just knows no peer")

        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let done = await waitUntil(leecher, hash) { $0.isComplete }
        XCTAssertEqual(done?.isComplete, true)
        XCTAssertGreaterThanOrEqual(done?.knownPeers ?? 0, 1, "the seeder the tracker named")
        await leecher.shutdown()
        await seeder.shutdown()
        await tracker.stop()
        try? await group.shutdownGracefully()
        try assertDownloaded(fixture)
    }

    /// A private torrent's metadata is not offered (as libtorrent and Transmission): no `ut_metadata` and
    /// no `metadata_size` in the extension handshake.
    func testPrivateTorrentMetadataIsNotOffered() async throws {
        let fixture = try TorrentFixture.singleFile(length: 50_000, pieceLength: 16 * 1024, isPrivate: true)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        try await MetadataTestPeer.dial(await LoopbackSwarm.address(of: seeder), infoHash: fixture.metainfo.infoHash) {
            peer in
            try await peer.send([.extended(id: 0, payload: ExtensionHandshake(extensions: ["ut_metadata": 7]).payload)])
            var handshake: ExtensionHandshake?
            while handshake == nil, let message = try await peer.next() {
                if case .extended(0, let payload) = message { handshake = ExtensionHandshake(payload: payload) }
            }
            XCTAssertNotNil(handshake, "the seeder sends its extension handshake")
            XCTAssertNil(handshake?.extensions["ut_metadata"])
            XCTAssertNil(handshake?.metadataSize)
        }
        await seeder.shutdown()
    }

    /// A peer from the link's `x.pe` that offers the metadata but never answers: it stays connected, shown
    /// with source `.magnet`, and is asked again once each request times out. One that claims metadata
    /// over 16 MiB is dropped at once.
    func testSilentAndOversizedMetadataPeers() async throws {
        let hash = try XCTUnwrap(InfoHash(hex: String(repeating: "5a", count: 20)))
        let requests = Counter()
        let silent = try await MetadataTestPeer.listen(host: "127.0.0.1", infoHash: hash) { peer in
            try await peer.send([.extended(id: 0, payload: ExtensionHandshake(
                extensions: ["ut_metadata": 3], metadataSize: 40_000).payload)])
            while let message = try await peer.next() {
                if case .extended(3, _) = message { requests.add() }
            }
        }
        let closed = Counter()
        let boastful = try await MetadataTestPeer.listen(host: "127.0.0.1", infoHash: hash) { peer in
            try await peer.send([.extended(id: 0, payload: ExtensionHandshake(
                extensions: ["ut_metadata": 3], metadataSize: MetadataMessage.maxMetadataSize + 1).payload)])
            while try await peer.next() != nil {}
            closed.add()
        }
        let leecher = try await LoopbackSwarm.session { $0.magnet.requestTimeout = .milliseconds(300) }
        let link = MagnetLink(infoHash: hash, peers: [
            PeerAddress(host: "127.0.0.1", port: UInt16(silent.port)),
            PeerAddress(host: "127.0.0.1", port: UInt16(boastful.port)),
        ])
        try await leecher.addMagnet(link, directory: FileManager.default.temporaryDirectory)
        let asked = await waitUntil(leecher, hash) { _ in requests.value >= 6 && closed.value >= 1 }
        XCTAssertGreaterThanOrEqual(requests.value, 6, "3 pieces asked, then asked again after the timeout")
        XCTAssertGreaterThanOrEqual(closed.value, 1, "the peer claiming 16 MiB + 1 was dropped")
        XCTAssertEqual(asked?.peers.map(\.source), [.magnet])
        XCTAssertEqual(asked?.peers.first?.address.port, UInt16(silent.port))
        XCTAssertEqual(asked?.status, "fetching metadata from 1 peer (40000 bytes)")
        await leecher.shutdown()
        await silent.stop()
        await boastful.stop()
    }
}

/// A counter the scripted peers' tasks bump and the test reads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
