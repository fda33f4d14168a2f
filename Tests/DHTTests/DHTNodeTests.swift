import Bencode
@testable import DHT
import Foundation
import NIOPosix
import TorrentModel
import XCTest

/// Real nodes on 127.0.0.1 talking over UDP. Nothing here leaves the machine.
final class DHTNodeTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var nodes: [DHTNode] = []

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    override func tearDown() async throws {
        for node in nodes { await node.stop() }
        nodes = []
        try await group.shutdownGracefully()
    }

    private func startNode(bootstrap: [DHTNode] = [], stateFile: URL? = nil) async throws -> DHTNode {
        var bootstrapAddresses: [String] = []
        for other in bootstrap { bootstrapAddresses.append("127.0.0.1:\(await other.port)") }
        var configuration = DHTConfiguration(bindHost: "127.0.0.1", port: 0, bootstrap: bootstrapAddresses, stateFile: stateFile)
        configuration.queryTimeout = .milliseconds(500)
        configuration.maintenanceInterval = .milliseconds(300)
        let node = DHTNode(configuration: configuration, group: group)
        try await node.start()
        nodes.append(node)
        return node
    }

    private func waitUntil(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    func testNodesJoinThroughBootstrapAndFindAnnouncedPeers() async throws {
        let first = try await startNode()
        var others: [DHTNode] = []
        for _ in 0..<5 { others.append(try await startNode(bootstrap: [first])) }
        let joined = await waitUntil { await first.nodeCount >= 5 }
        XCTAssertTrue(joined, "the bootstrap node learned every node that joined through it")
        let infoHash = InfoHash(bytes: [UInt8](repeating: 0x5e, count: 20))!
        _ = await others[0].announce(infoHash, port: 51413)
        let found = await others[4].getPeers(infoHash)
        XCTAssertEqual(found, [PeerAddress(host: "127.0.0.1", port: 51413)])
        let status = await others[4].status()
        XCTAssertGreaterThan(status.nodes, 0)
        XCTAssertGreaterThanOrEqual(status.lookupsDone, 1)
        XCTAssertGreaterThanOrEqual(status.peersFound, 1)
    }

    func testHostilePacketsAreDroppedAndTheNodeAnswersOn() async throws {
        let node = try await startNode()
        let port = UInt16(await node.port)
        let probe = try await DHTSocket.bind(host: "127.0.0.1", port: 0, group: group)
        defer { Task { await probe.close() } }
        let target = NodeAddress(host: "127.0.0.1", port: port)
        let replies = Inbox(probe)
        let sender = id(0x11, rest: 0x22)
        let hostile: [[UInt8]] = [
            Array("not bencode at all".utf8),
            [UInt8](repeating: 0x64, count: 6000),  // oversized
            BencodeEncoder.encode(.dict(["t": .bytes([1]), "y": .string("q"), "q": .string("ping"),
                                         "a": .dict(["id": .bytes(sender.bytes),
                                                     "pad": .bytes([UInt8](repeating: 7, count: 4500))])])),  // oversized bencode
            Array("d1:t2:xx1:y1:r1:rd2:id3:abcee".utf8),  // response nobody asked for, bad id
            Array(String(repeating: "l", count: 500).utf8),
            [],
        ]
        for packet in hostile { probe.send(packet, to: target) }
        // A query with an unknown method gets a KRPC error with its transaction id.
        probe.send(BencodeEncoder.encode(.dict(["t": .bytes([9, 9]), "y": .string("q"), "q": .string("frobnicate"),
                                                "a": .dict(["id": .bytes(sender.bytes)])])), to: target)
        let error = try KRPCCodec.decode(try await next(replies))
        XCTAssertEqual(error.transactionID, [9, 9])
        guard case .error(let code, _) = error.body else { return XCTFail("expected an error reply") }
        XCTAssertEqual(code, KRPCErrorCode.methodUnknown.rawValue)
        // And a good ping still gets its answer.
        probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [1, 2], body: .query(sender: sender, .ping))), to: target)
        let pong = try KRPCCodec.decode(try await next(replies))
        XCTAssertEqual(pong.transactionID, [1, 2])
        guard case .response(let response) = pong.body else { return XCTFail("expected a response") }
        let nodeID = await node.ownID
        XCTAssertEqual(response.id, nodeID)
        let dropped = await node.droppedPackets
        XCTAssertGreaterThanOrEqual(dropped, 4, "the oversized datagram is dropped before decoding")
    }

    func testAnnounceNeedsAValidTokenAndRateLimitHolds() async throws {
        let node = try await startNode()
        let target = NodeAddress(host: "127.0.0.1", port: UInt16(await node.port))
        let probe = try await DHTSocket.bind(host: "127.0.0.1", port: 0, group: group)
        defer { Task { await probe.close() } }
        let replies = Inbox(probe)
        let sender = id(0x33, rest: 0x44)
        let hash = id(0x55)
        probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [1], body: .query(
            sender: sender, .announcePeer(infoHash: hash, port: 6881, token: [1, 2, 3, 4], impliedPort: false)))), to: target)
        guard case .error = try KRPCCodec.decode(try await next(replies)).body else { return XCTFail("a forged token is refused") }
        probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [2], body: .query(sender: sender, .getPeers(infoHash: hash, want: [])))), to: target)
        guard case .response(let peers) = try KRPCCodec.decode(try await next(replies)).body, let token = peers.token else {
            return XCTFail("get_peers gives a token")
        }
        probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [3], body: .query(
            sender: sender, .announcePeer(infoHash: hash, port: 0, token: token, impliedPort: true)))), to: target)
        guard case .response = try KRPCCodec.decode(try await next(replies)).body else { return XCTFail("announce accepted") }
        probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [4], body: .query(sender: sender, .getPeers(infoHash: hash, want: [])))), to: target)
        guard case .response(let after) = try KRPCCodec.decode(try await next(replies)).body else { return XCTFail("no reply") }
        XCTAssertEqual(after.values, [PeerAddress(host: "127.0.0.1", port: UInt16(probe.localPort))], "implied port")

        // A flood of pings: only the burst is answered.
        for i in 0..<200 {
            probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [0xee, UInt8(i)], body: .query(sender: sender, .ping))), to: target)
        }
        var answered = 0
        while (try? await next(replies, timeout: .milliseconds(500))) != nil { answered += 1 }
        XCTAssertGreaterThan(answered, 0)
        XCTAssertLessThan(answered, 100, "the per-source limit held back most of the flood")
    }

    func testStateFileKeepsTheIdAndNodesAcrossRestarts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-dht-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stateFile = folder.appendingPathComponent("dht.state")
        let first = try await startNode()
        let second = try await startNode()
        let keeper = try await startNode(bootstrap: [first, second], stateFile: stateFile)
        let joined = await waitUntil { await keeper.nodeCount >= 2 }
        XCTAssertTrue(joined)
        let oldID = await keeper.ownID
        await keeper.stop()
        nodes.removeAll { $0 === keeper }
        let saved = DHTState(decoding: [UInt8](try Data(contentsOf: stateFile)))
        XCTAssertEqual(saved?.id, oldID)
        XCTAssertEqual(saved?.nodes.count, 2)

        // Restarted with no bootstrap node: it has its old id and finds its old nodes again.
        let restarted = try await startNode(stateFile: stateFile)
        let ownID = await restarted.ownID
        XCTAssertEqual(ownID, oldID)
        let rejoined = await waitUntil { await restarted.nodeCount >= 2 }
        XCTAssertTrue(rejoined, "the saved nodes were pinged and answered")

        // A damaged state file starts afresh instead of failing.
        try Data("garbage".utf8).write(to: stateFile)
        let fresh = try await startNode(stateFile: stateFile)
        let freshID = await fresh.ownID
        XCTAssertNotEqual(freshID, oldID)
    }

    private func next(_ inbox: Inbox, timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let bytes = await inbox.take() { return bytes }
            try? await Task.sleep(for: .milliseconds(10))
        }
        throw TimedOut()
    }

    struct TimedOut: Error {}
}

/// Collects what a probe socket receives.
actor Inbox {
    private var queue: [[UInt8]] = []
    init(_ socket: DHTSocket) {
        let stream = socket.datagrams
        Task { await self.drain(stream) }
    }

    private func drain(_ stream: AsyncStream<DHTSocket.Datagram>) async {
        for await datagram in stream { queue.append(datagram.bytes) }
    }

    func take() -> [UInt8]? { queue.isEmpty ? nil : queue.removeFirst() }
}
