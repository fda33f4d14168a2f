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

    private func startNode(
        bootstrap: [DHTNode] = [], stateFile: URL? = nil, host: String = "127.0.0.1"
    ) async throws -> DHTNode {
        var bootstrapAddresses: [String] = []
        for other in bootstrap { bootstrapAddresses.append(NodeAddress(host: host, port: UInt16(await other.port)).description) }
        var configuration = DHTConfiguration(bindHost: host, port: 0, bootstrap: bootstrapAddresses, stateFile: stateFile)
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
        let joined = await waitUntil {
            var counts = [await first.nodeCount]
            for other in others { counts.append(await other.nodeCount) }
            return counts[0] >= 5 && counts.allSatisfy { $0 > 0 }
        }
        XCTAssertTrue(joined, "the bootstrap node learned every node that joined through it")
        let infoHash = InfoHash(bytes: [UInt8](repeating: 0x5e, count: 20))!
        let announced = await others[0].announce(infoHash, port: 51413)
        XCTAssertGreaterThan(announced.announcedTo, 0)
        XCTAssertGreaterThan(announced.nodesResponded, 0)
        let found = await others[4].getPeers(infoHash).peers
        XCTAssertEqual(found, [PeerAddress(host: "127.0.0.1", port: 51413)])
        let status = await others[4].status()
        XCTAssertGreaterThan(status.nodes, 0)
        XCTAssertGreaterThanOrEqual(status.lookupsDone, 1)
        XCTAssertGreaterThanOrEqual(status.peersFound, 1)
    }

    /// Fifty nodes, each on its own 127.0.0.x, each joining through a random earlier one: a lookup from
    /// any node finds what another announced, in a few round trips. Prints the numbers.
    func testFiftyNodeDHT() async throws {
        var generator = SeededGenerator(state: 50)
        var all: [DHTNode] = []
        for i in 0..<50 {
            var configuration = DHTConfiguration(bindHost: "127.0.0.\(i + 10)", port: 0)
            if !all.isEmpty {
                let j = Int.random(in: 0..<all.count, using: &generator)
                configuration.bootstrap = ["127.0.0.\(j + 10):\(await all[j].port)"]
            }
            configuration.queryTimeout = .milliseconds(500)
            configuration.maintenanceInterval = .milliseconds(500)
            let node = DHTNode(configuration: configuration, group: group)
            try await node.start()
            all.append(node)
            nodes.append(node)
        }
        let settled = await waitUntil(timeout: .seconds(20)) {
            var total = 0
            for node in all { total += await node.nodeCount }
            return total >= 50 * 8
        }
        var sizes: [Int] = []
        for node in all { sizes.append(await node.nodeCount) }
        XCTAssertTrue(settled, "tables: \(sizes)")
        let infoHash = InfoHash(bytes: (0..<20).map { UInt8($0 * 13 & 0xff) })!
        let started = ContinuousClock.now
        let announced = await all[7].announce(infoHash, port: 4242)
        let announceTime = ContinuousClock.now - started
        var found = 0
        var lookupTimes: [Duration] = []
        for n in [0, 13, 26, 39, 49] {
            let t0 = ContinuousClock.now
            let result = await all[n].getPeers(infoHash)
            lookupTimes.append(ContinuousClock.now - t0)
            if result.peers.contains(PeerAddress(host: "127.0.0.17", port: 4242)) { found += 1 }
        }
        XCTAssertEqual(found, 5, "every lookup found the announced peer")
        XCTAssertGreaterThanOrEqual(announced.announcedTo, 4)
        print("50-node DHT: table sizes min \(sizes.min()!) max \(sizes.max()!), announce to \(announced.announcedTo) nodes in \(announceTime), lookups \(lookupTimes)")
    }

    /// A port another node holds is refused, not shared.
    func testPortInUseIsRefused() async throws {
        let first = try await startNode()
        var configuration = DHTConfiguration(bindHost: "127.0.0.1", port: await first.port)
        configuration.queryTimeout = .milliseconds(500)
        let second = DHTNode(configuration: configuration, group: group)
        do {
            try await second.start()
            nodes.append(second)
            XCTFail("two nodes bound one UDP port")
        } catch {}
    }

    /// With two nodes, what one announces lands in the other's store; that node's own lookups count it too.
    func testOwnStoreCountsInLookups() async throws {
        let a = try await startNode()
        let b = try await startNode(bootstrap: [a])
        let joined = await waitUntil {
            let (na, nb) = (await a.nodeCount, await b.nodeCount)
            return na == 1 && nb == 1
        }
        XCTAssertTrue(joined)
        let infoHash = InfoHash(bytes: [UInt8](repeating: 0x77, count: 20))!
        let announced = await b.announce(infoHash, port: 7777)
        XCTAssertEqual(announced.announcedTo, 1)
        let found = await a.getPeers(infoHash)
        XCTAssertEqual(found.peers, [PeerAddress(host: "127.0.0.1", port: 7777)])
        let lonely = try await startNode()
        let nothing = await lonely.getPeers(infoHash)
        XCTAssertEqual(nothing.nodesResponded, 0, "an empty table asks nobody")
        XCTAssertEqual(nothing.peers, [])
    }

    /// BEP 32: nodes on ::1 trade 38-byte `nodes6` entries and find each other's peers.
    func testIPv6NodesUseNodes6() async throws {
        let first: DHTNode
        do {
            first = try await startNode(host: "::1")
        } catch {
            throw XCTSkip("no IPv6 loopback here: \(error)")
        }
        var others: [DHTNode] = []
        for _ in 0..<3 { others.append(try await startNode(bootstrap: [first], host: "::1")) }
        let joined = await waitUntil {
            var counts = [await first.nodeCount]
            for other in others { counts.append(await other.nodeCount) }
            return counts[0] >= 3 && counts.allSatisfy { $0 > 0 }
        }
        XCTAssertTrue(joined)
        let infoHash = InfoHash(bytes: [UInt8](repeating: 0x66, count: 20))!
        _ = await others[0].announce(infoHash, port: 6881)
        let found = await others[2].getPeers(infoHash).peers
        XCTAssertEqual(found, [PeerAddress(host: "::1", port: 6881)])
        let known = await others[2].knownNodes
        XCTAssertTrue(known.allSatisfy { $0.address.isIPv6 })
        XCTAssertGreaterThanOrEqual(known.count, 2, "learned the other nodes from nodes6")
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
        // A read-only node (BEP 43) is answered but not put in the table; a normal one is.
        probe.send(KRPCCodec.encode(KRPCMessage(transactionID: [3], body: .query(sender: id(0x99), .ping), readOnly: true)), to: target)
        _ = try await next(replies)
        let afterReadOnly = await node.nodeCount
        XCTAssertEqual(afterReadOnly, 1, "only the ping's sender, not the read-only one")
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
