import Engine
import NIOCore
import NIOPosix
import PeerWire
import TestSupport
import TorrentModel
import XCTest

/// The fast extension (BEP 6) against a scripted peer: allowed-fast sets both ways, rejects, suggestions.
final class FastExtensionEngineTests: XCTestCase {
    private let group = MultiThreadedEventLoopGroup.singleton

    private func block(_ fixture: TorrentFixture, _ request: BlockRef) -> PeerMessage {
        let start = request.piece * fixture.metainfo.pieceLength + request.begin
        return .piece(piece: request.piece, begin: request.begin,
                      data: ByteBuffer(bytes: fixture.payload[start..<start + request.length]))
    }

    func testASeedSendsAllowedFastServesThoseWhileChokingAndRejectsTheRest() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: seeder), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }

        let expected = AllowedFast.pieces(
            forHost: "127.0.0.1", infoHash: fixture.metainfo.infoHash.bytes, pieceCount: fixture.metainfo.pieceCount)
        var allowed: [Int] = []
        var sawHaveAll = false
        while allowed.count < expected.count, let message = await peer.next(timeout: .seconds(5)) {
            if case .allowedFast(let piece) = message { allowed.append(piece) }
            if message == .haveAll { sawHaveAll = true }
        }
        XCTAssertTrue(sawHaveAll, "a complete seed says have_all to a fast peer")
        XCTAssertEqual(allowed, expected, "the BEP 6 set for 127.0.0.1")

        // Choked (we never said interested): a piece outside the set is rejected, one inside is served.
        let outside = (0..<fixture.metainfo.pieceCount).first { !expected.contains($0) }!
        let refused = BlockRef(piece: outside, begin: 0, length: 16 * 1024)
        let granted = BlockRef(piece: expected[0], begin: 0, length: 16 * 1024)
        try await peer.send(.request(refused), .request(granted))
        var rejected: [BlockRef] = []
        let served = await peer.next(timeout: .seconds(10), skipped: { message in
            if case .rejectRequest(let block) = message { rejected.append(block) }
        }) { if case .piece = $0 { true } else { false } }
        XCTAssertEqual(rejected, [refused])
        XCTAssertEqual(served, block(fixture, granted), "the allowed-fast block, with the right bytes")

        // A request cancelled before it was queued is answered with a reject (BEP 6).
        let cancelled = BlockRef(piece: expected[1], begin: 0, length: 16 * 1024)
        try await peer.send(.request(cancelled), .cancel(cancelled))
        let answer = await peer.next {
            switch $0 {
            case .rejectRequest, .piece: true
            default: false
            }
        }
        XCTAssertEqual(answer, .rejectRequest(cancelled))
        await seeder.shutdown()
    }

    /// Peers of one /24 share an allowed-fast set: a choking seed sends each of its pieces only once, to
    /// the first peer that asks, and rejects it for the others (see `AllowedFastRation`).
    func testAChokingSeedServesAnAllowedFastPieceOnlyAsTheFirstCopy() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)
        let first = try await ScriptedPeer.connect(
            to: address, infoHash: fixture.metainfo.infoHash, group: group, bindHost: "127.0.0.2")
        defer { first.close() }
        let second = try await ScriptedPeer.connect(
            to: address, infoHash: fixture.metainfo.infoHash, group: group, bindHost: "127.0.0.3")
        defer { second.close() }
        let set = AllowedFast.pieces(
            forHost: "127.0.0.2", infoHash: fixture.metainfo.infoHash.bytes, pieceCount: fixture.metainfo.pieceCount)
        for peer in [first, second] {
            try await peer.send(.haveNone)
            let allowed = await peer.next { if case .allowedFast(set.last!) = $0 { true } else { false } }
            XCTAssertNotNil(allowed, "both get the same set")
        }
        func answer(_ peer: ScriptedPeer, _ request: BlockRef) async -> PeerMessage? {
            await peer.next {
                switch $0 {
                case .piece(request.piece, request.begin, _), .rejectRequest(request): true
                default: false
                }
            }
        }
        let a = BlockRef(piece: set[0], begin: 0, length: 16 * 1024)
        try await first.send(.request(a))
        let toFirst = await answer(first, a)
        XCTAssertEqual(toFirst, block(fixture, a))
        try await second.send(.request(a))
        let toSecond = await answer(second, a)
        XCTAssertEqual(toSecond, .rejectRequest(a), "being sent to the first peer")
        try await first.send(.have(piece: a.piece))
        try await Task.sleep(for: .milliseconds(200))
        try await second.send(.request(a))
        let afterHave = await answer(second, a)
        XCTAssertEqual(afterHave, .rejectRequest(a), "the first peer has it: it can pass it on")
        // Another piece of the set nobody has yet: served to the second peer.
        let b = BlockRef(piece: set[1], begin: 0, length: 16 * 1024)
        try await second.send(.request(b))
        let other = await answer(second, b)
        XCTAssertEqual(other, block(fixture, b))
        await seeder.shutdown()
    }

    /// A choked leecher whose allowed-fast request is rejected does not ask for that piece again while
    /// still choked (no request/reject ping-pong with a seed that serves only first copies).
    func testAChokedLeecherDoesNotRepeatARejectedAllowedFastPiece() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        _ = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }
        try await peer.send(.haveAll, .allowedFast(5))
        var asked: [BlockRef] = []
        while let message = await peer.next(timeout: .seconds(2)) {
            guard case .request(let request) = message else { continue }
            XCTAssertEqual(request.piece, 5)
            XCTAssertFalse(asked.contains(request), "\(request) asked for again after a reject")
            asked.append(request)
            try await peer.send(.rejectRequest(request))
        }
        XCTAssertFalse(asked.isEmpty, "it asked for the allowed-fast piece")
        XCTAssertLessThanOrEqual(asked.count, 2, "one piece of two blocks, each asked once: \(asked)")
        await leecher.shutdown()
    }

    func testAChokedLeecherAsksOnlyForAllowedFastPiecesAndTakesRejectsInItsStride() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }
        try await peer.send(.haveAll, .allowedFast(3), .allowedFast(7))

        // Choked: requests for pieces 3 and 7 only (two blocks each).
        var requests: [BlockRef] = []
        while requests.count < 4, let message = await peer.next(timeout: .seconds(5)) {
            if case .request(let block) = message { requests.append(block) }
        }
        XCTAssertEqual(Set(requests.map(\.piece)), [3, 7], "\(requests)")
        let extra = await peer.next(timeout: .seconds(1)) { if case .request = $0 { true } else { false } }
        XCTAssertNil(extra, "nothing else while choked")
        for request in requests { try await peer.send(block(fixture, request)) }
        let haves = await LoopbackSwarm.waitUntil(torrent, timeout: .seconds(10)) { $0.piecesHave == 2 }
        XCTAssertEqual(haves.piecesHave, 2)

        // Unchoked: we reject what it asks for; those pieces are not asked for again until the next unchoke.
        try await peer.send(.unchoke)
        var rejected = Set<BlockRef>()
        while let message = await peer.next(timeout: .seconds(2)) {
            guard case .request(let request) = message else { continue }
            XCTAssertFalse(rejected.contains(request), "\(request) asked for again after a reject")
            rejected.insert(request)
            try await peer.send(.rejectRequest(request))
        }
        let rejectedPieces = Set(rejected.map(\.piece))
        XCTAssertFalse(rejectedPieces.isEmpty)
        let inFlight = await torrent.snapshot().peers.first?.requestsInFlight
        XCTAssertEqual(inFlight, 0, "rejected requests are freed")

        // A new unchoke: it asks again, rejected pieces included, and we serve everything.
        try await peer.send(.choke, .unchoke)
        var askedAgain = Set<Int>()
        while let message = await peer.next(timeout: .seconds(3)) {
            guard case .request(let request) = message else { continue }
            askedAgain.insert(request.piece)
            try await peer.send(block(fixture, request))
        }
        XCTAssertTrue(rejectedPieces.isSubset(of: askedAgain))
        let done = await LoopbackSwarm.waitUntil(torrent, timeout: .seconds(15)) { $0.isComplete }
        XCTAssertTrue(done.isComplete)

        // As it verified pieces of our allowed-fast set, it allowed them to us.
        _ = await peer.next(timeout: .milliseconds(300))
        let allowed = await peer.history().compactMap { message -> Int? in
            if case .allowedFast(let piece) = message { piece } else { nil }
        }
        let set = AllowedFast.pieces(
            forHost: "127.0.0.1", infoHash: fixture.metainfo.infoHash.bytes, pieceCount: fixture.metainfo.pieceCount)
        XCTAssertEqual(Set(allowed), Set(set))
        XCTAssertEqual(allowed.count, set.count, "each once")
        await leecher.shutdown()
    }

    func testSuggestedPiecesAreAskedForFirst() async throws {
        let fixture = try TorrentFixture.singleFile(length: 4 << 20, pieceLength: 64 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        _ = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group)
        defer { peer.close() }
        try await peer.send(.haveAll, .suggestPiece(41), .suggestPiece(17))
        _ = await peer.next { $0 == .interested }
        try await peer.send(.unchoke)
        var first: [Int] = []
        while first.count < 8, let message = await peer.next(timeout: .seconds(5)) {
            if case .request(let block) = message { first.append(block.piece) }
        }
        XCTAssertEqual(Set(first), [17, 41], "the eight blocks of the two suggested pieces come first: \(first)")
        await leecher.shutdown()
    }

    func testFastMessagesFromAPeerWithoutTheExtensionChangeNothing() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        _ = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let peer = try await ScriptedPeer.connect(
            to: await LoopbackSwarm.address(of: leecher), infoHash: fixture.metainfo.infoHash, group: group,
            reserved: [0, 0, 0, 0, 0, 0, 0, 0])
        defer { peer.close() }
        try await peer.send(
            .bitfield(Bitfield(count: fixture.metainfo.pieceCount, allSet: true).bytes), .allowedFast(2),
            .allowedFast(1 << 30), .suggestPiece(5), .rejectRequest(BlockRef(piece: 0, begin: 0, length: 1)))
        let request = await peer.next(timeout: .seconds(2)) { if case .request = $0 { true } else { false } }
        XCTAssertNil(request, "no allowed-fast requests without the extension")
        let closed = await peer.isClosed(within: .milliseconds(200))
        XCTAssertFalse(closed)
        await leecher.shutdown()
    }
}
