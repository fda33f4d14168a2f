import Bencode
import Engine
import NIOCore
import NIOPosix
import PeerWire
import TestSupport
import TorrentModel
import XCTest

/// Peer exchange (BEP 11) against a scripted peer and between sessions; duplicate connections; IPv6 peers.
final class PexEngineTests: XCTestCase {
    private let group = MultiThreadedEventLoopGroup.singleton

    private func extensionHandshake(of peer: ScriptedPeer) async -> ExtensionHandshake? {
        let message = await peer.next { if case .extended(0, _) = $0 { true } else { false } }
        guard case .extended(_, let payload)? = message else { return nil }
        return ExtensionHandshake(payload: payload)
    }

    func testAPeerLearnedFromPexIsDialledAndTheOthersHearOfIt() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        // A slow seed, so that the leecher is connected to it for a few seconds (seeds drop each other).
        let seeder = try await LoopbackSwarm.session { $0.torrent.uploadRateLimit = 256 * 1024 }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await LoopbackSwarm.session { $0.torrent.pexInterval = .seconds(1) }
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }

        let offered = await extensionHandshake(of: peer)
        let pexID = try XCTUnwrap(offered?.extensions["ut_pex"], "ut_pex offered on a public torrent")
        XCTAssertEqual(pexID, 1)
        try await peer.send(.extended(id: 0, payload: ExtensionHandshake(extensions: ["ut_pex": 9], listenPort: 7777).payload))
        let seedAddress = await LoopbackSwarm.address(of: seeder)
        let pex = PexMessage(added: [.init(seedAddress, flags: [.seed, .reachable])])
        try await peer.send(.extended(id: UInt8(pexID), payload: pex.payload))

        let connected = await LoopbackSwarm.waitUntil(torrent) { $0.peers.contains { $0.address == seedAddress } }
        XCTAssertEqual(connected.peers.first { $0.address == seedAddress }?.source, .pex)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete, "downloaded from the seed it heard of through PEX")

        // The scripted peer hears of the seed in turn (and nothing of itself).
        var heard: PexMessage?
        while heard == nil, let message = await peer.next(timeout: .seconds(5), where: {
            if case .extended(9, _) = $0 { true } else { false }
        }) {
            guard case .extended(_, let payload) = message, let decoded = try? PexMessage(payload: payload),
                decoded.added.contains(where: { $0.address == seedAddress })
            else { continue }
            heard = decoded
        }
        let entry = heard?.added.first { $0.address == seedAddress }
        XCTAssertEqual(entry?.flags.contains(.reachable), true)
        XCTAssertFalse(heard?.added.contains { $0.address.port == 7777 } ?? true, "not told about itself")
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testThreeSessionsFindEachOtherThroughPex() async throws {
        // A seeds (slowly, so that everyone stays connected a while); B knows A; C knows only B. C learns
        // of A from B, and A of C (by the listen port C gave in its extension handshake).
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        var sessions: [Session] = []
        var torrents: [Torrent] = []
        for index in 0..<3 {
            let session = try await LoopbackSwarm.session {
                $0.torrent.pexInterval = .seconds(1)
                if index == 0 { $0.torrent.uploadRateLimit = 64 * 1024 }
            }
            let directory = index == 0 ? fixture.seedDirectory : fixture.root.appendingPathComponent("leecher\(index)")
            torrents.append(try await session.add(fixture.metainfo, directory: directory))
            sessions.append(session)
        }
        let a = await LoopbackSwarm.address(of: sessions[0])
        await torrents[1].addPeers([a], source: .manual)
        _ = await LoopbackSwarm.waitUntil(torrents[1]) { !$0.peers.isEmpty }
        await torrents[2].addPeers([await LoopbackSwarm.address(of: sessions[1])], source: .manual)
        // A and C connect, whichever hears of the other first and dials.
        let met = await LoopbackSwarm.waitUntil(torrents[2]) { $0.peers.count == 2 }
        XCTAssertEqual(met.peers.count, 2, "\(met.peers)")
        let seen = await LoopbackSwarm.waitUntil(torrents[0], timeout: .seconds(5)) { $0.peers.count == 2 }
        XCTAssertEqual(seen.peers.count, 2, "A is connected to B and C")
        for torrent in torrents.dropFirst() {
            let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
            XCTAssertTrue(done.isComplete)
        }
        for session in sessions { await session.shutdown() }
    }

    func testHostilePexMessagesAreIgnoredAndTheConnectionStays() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        // No minimum gap between messages, so that each one is judged on its content.
        let leecher = try await LoopbackSwarm.session { $0.torrent.pexInterval = .zero }
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }
        _ = await extensionHandshake(of: peer)
        try await peer.send(.extended(id: 0, payload: ExtensionHandshake(extensions: ["ut_pex": 3]).payload))
        let tooMany = [UInt8]((0..<51).flatMap { [127, 0, 1, UInt8($0), 0x1A, 0xE1] })
        let payloads: [[UInt8]] = [
            Array("not bencode at all".utf8), Array("li1ei2ee".utf8), Array("d5:added5:abcdee".utf8),
            BencodeEncoder.encode(.dict(["added": .bytes(tooMany)])), [UInt8](repeating: 0x64, count: 70_000),
        ]
        for payload in payloads {
            try await peer.send(.extended(id: 1, payload: ByteBuffer(bytes: payload)))
            try await Task.sleep(for: .milliseconds(30))
        }
        let closed = await peer.isClosed(within: .milliseconds(300))
        XCTAssertFalse(closed, "bad PEX messages are dropped, not fatal")
        let snapshot = await torrent.snapshot()
        XCTAssertEqual(snapshot.knownPeers, 0, "nothing learned from them")
        XCTAssertEqual(snapshot.peers.count, 1)
        let good = PexMessage(added: [.init(PeerAddress(host: "127.0.0.1", port: 9))])
        try await peer.send(.extended(id: 1, payload: good.payload))
        let learned = await LoopbackSwarm.waitUntil(torrent, timeout: .seconds(5)) { $0.knownPeers == 1 }
        XCTAssertEqual(learned.knownPeers, 1, "a good message after them still counts")
        await leecher.shutdown()
    }

    func testNoPexOnPrivateTorrents() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 32 * 1024, isPrivate: true)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session { $0.torrent.pexInterval = .milliseconds(100) }
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }
        let offered = await extensionHandshake(of: peer)
        XCTAssertNotNil(offered)
        XCTAssertNil(offered?.extensions["ut_pex"], "no ut_pex in the handshake of a private torrent")
        try await peer.send(.extended(id: 0, payload: ExtensionHandshake(extensions: ["ut_pex": 3]).payload))
        let pex = PexMessage(added: [.init(PeerAddress(host: "127.0.0.1", port: 9))])
        try await peer.send(.extended(id: 1, payload: pex.payload))
        try await Task.sleep(for: .milliseconds(500))
        let known = await torrent.snapshot().knownPeers
        XCTAssertEqual(known, 0, "incoming PEX ignored")
        let sent = await peer.next(timeout: .seconds(1)) { if case .extended(3, _) = $0 { true } else { false } }
        XCTAssertNil(sent, "and none sent")
        await leecher.shutdown()
    }

    func testPeersThatDialEachOtherKeepOneConnection() async throws {
        let fixture = try TorrentFixture.singleFile(length: 2 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session { $0.torrent.uploadRateLimit = 512 * 1024 }
        let seed = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        async let a: Void = seed.addPeers([await LoopbackSwarm.address(of: leecher)], source: .manual)
        async let b: Void = torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        _ = await (a, b)
        // Both connections are set up within moments; a second later one is left, the same at both ends.
        await LoopbackSwarm.waitUntil(torrent) { $0.downloaded > 0 }
        try await Task.sleep(for: .seconds(1))
        let seedPeers = await seed.snapshot().peers
        let leechPeers = await torrent.snapshot().peers
        let finished = await torrent.snapshot().isComplete
        XCTAssertFalse(finished, "still downloading: the test looked too late")
        XCTAssertEqual(seedPeers.count, 1)
        XCTAssertEqual(leechPeers.count, 1)
        XCTAssertEqual(seedPeers.first?.isIncoming, !(leechPeers.first?.isIncoming ?? true), "the same connection")
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testAnIPv6PeerIsDialledFromASessionBoundToIPv4() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let seeder: Session
        do {
            seeder = try await LoopbackSwarm.session {
                $0.bindHost = "::1"
                $0.torrent.uploadRateLimit = 512 * 1024
            }
        } catch {
            throw XCTSkip("no IPv6 loopback here: \(error)")
        }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let port = await seeder.listenPort
        let address = try XCTUnwrap(PeerAddress("[::1]:\(port)"))
        await torrent.addPeers([address], source: .tracker)
        let connected = await LoopbackSwarm.waitUntil(torrent) { !$0.peers.isEmpty }
        XCTAssertEqual(connected.peers.first?.address, address.normalized)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        await leecher.shutdown()
        await seeder.shutdown()
    }

    func testASessionBoundToTheIPv6WildcardServesIPv4AndIPv6Peers() async throws {
        let fixture = try TorrentFixture.singleFile(length: 512 * 1024, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let seeder: Session
        do {
            seeder = try await LoopbackSwarm.session { $0.bindHost = "::" }
        } catch {
            throw XCTSkip("no IPv6 here: \(error)")
        }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let port = await seeder.listenPort
        for (index, text) in ["127.0.0.1:\(port)", "[::1]:\(port)"].enumerated() {
            let leecher = try await LoopbackSwarm.session()
            let torrent = try await leecher.add(
                fixture.metainfo, directory: fixture.root.appendingPathComponent("leecher\(index)"))
            await torrent.addPeers([try XCTUnwrap(PeerAddress(text))], source: .manual)
            let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
            XCTAssertTrue(done.isComplete, "from \(text)")
            await leecher.shutdown()
        }
        await seeder.shutdown()
    }
}
