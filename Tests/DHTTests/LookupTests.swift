@testable import DHT
import TorrentModel
import XCTest

/// Drives `Lookup` against a simulated network of nodes that answer with what they know.
final class LookupTests: XCTestCase {
    struct Network {
        var nodes: [NodeInfo] = []
        var tables: [NodeID: [NodeInfo]] = [:]
        var dead: Set<NodeID> = []

        init(count: Int, seed: UInt64) {
            var generator = SeededGenerator(state: seed)
            for i in 0..<count { nodes.append(node(NodeID.random(using: &generator), i)) }
            // Every node knows its 8 closest and 8 random others.
            for n in nodes {
                let near = nodes.filter { $0 != n }.sorted { n.id.isCloser($0.id, than: $1.id) }.prefix(8)
                let random = (0..<8).map { _ in nodes[Int.random(in: 0..<count, using: &generator)] }
                tables[n.id] = Array(near) + random
            }
        }

        func closest(to target: NodeID, from asked: NodeInfo) -> [NodeInfo] {
            Array((tables[asked.id] ?? []).sorted { target.isCloser($0.id, than: $1.id) }.prefix(8))
        }
    }

    private func run(_ lookup: inout Lookup, in network: Network, peersAt holder: NodeID? = nil) -> Int {
        var rounds = 0
        while !lookup.isDone && rounds < 200 {
            rounds += 1
            let batch = lookup.nextQueries()
            XCTAssertLessThanOrEqual(batch.count, Lookup.alpha)
            XCTAssertLessThanOrEqual(lookup.inFlight, Lookup.alpha)
            for asked in batch {
                if network.dead.contains(asked.id) {
                    lookup.failed(asked)
                } else {
                    let values = asked.id == holder ? [PeerAddress(host: "10.9.9.9", port: 99)] : []
                    lookup.responded(asked, nodes: network.closest(to: lookup.target, from: asked), values: values,
                                     token: [UInt8(asked.address.port & 0xff)])
                }
            }
        }
        return rounds
    }

    func testFindsTheClosestNodes() {
        let network = Network(count: 300, seed: 11)
        var generator = SeededGenerator(state: 99)
        let target = NodeID.random(using: &generator)
        var lookup = Lookup(target: target, kind: .findNode, seeds: Array(network.nodes.prefix(3)))
        _ = run(&lookup, in: network)
        XCTAssertTrue(lookup.isDone)
        let best = network.nodes.sorted { target.isCloser($0.id, than: $1.id) }.prefix(Lookup.k)
        XCTAssertEqual(lookup.closestResponded, Array(best))
        XCTAssertLessThanOrEqual(lookup.queriesSent, Lookup.maxQueries)
    }

    func testGetPeersGathersPeersAndTokensPastDeadNodes() {
        var network = Network(count: 200, seed: 5)
        let target = network.nodes[150].id
        // A third of the nodes never answer.
        for (i, n) in network.nodes.enumerated() where i % 3 == 0 && i != 150 { network.dead.insert(n.id) }
        var lookup = Lookup(target: target, kind: .getPeers, seeds: Array(network.nodes.prefix(6)))
        _ = run(&lookup, in: network, peersAt: target)
        XCTAssertTrue(lookup.isDone)
        XCTAssertEqual(lookup.peers, [PeerAddress(host: "10.9.9.9", port: 99)])
        XCTAssertEqual(lookup.announceTargets.first?.node.id, target)
        XCTAssertFalse(lookup.announceTargets.contains { network.dead.contains($0.node.id) })
    }

    func testIgnoresUnaskedAnswersAndOwnID() {
        let me = id(0x01)
        var lookup = Lookup(target: id(0x02), kind: .findNode, ownID: me, seeds: [node(me, 1), node(id(0x03), 2)])
        let first = lookup.nextQueries()
        XCTAssertEqual(first.map(\.id), [id(0x03)], "never asks itself")
        lookup.responded(node(id(0x77), 9), nodes: [node(id(0x02), 3)])  // nobody asked it
        XCTAssertEqual(lookup.nextQueries(), [], "unsolicited answers add nothing")
        lookup.responded(first[0], nodes: [])
        XCTAssertTrue(lookup.isDone)
    }

    func testEmptyLookupIsDoneAndBudgetHolds() {
        var empty = Lookup(target: id(0x01), kind: .getPeers, seeds: [])
        XCTAssertTrue(empty.isDone)
        XCTAssertEqual(empty.nextQueries(), [])
        // A network that always names fresh far nodes: the budget stops it.
        var endless = Lookup(target: id(0x00), kind: .findNode, seeds: [node(id(0x80), 0)])
        var n = 1
        while !endless.isDone {
            for asked in endless.nextQueries() {
                let fresh = (0..<8).map { i in node(id(UInt8(0x40 + (n + i) % 0x40), rest: UInt8(n % 256)), n * 8 + i) }
                n += 1
                endless.responded(asked, nodes: fresh)
            }
        }
        XCTAssertLessThanOrEqual(endless.queriesSent, Lookup.maxQueries)
    }
}
