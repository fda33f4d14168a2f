@testable import DHT
import XCTest

final class RoutingTableTests: XCTestCase {
    let own = id(0x00)

    func testAddsUpdatesAndIgnores() {
        var table = RoutingTable(ownID: own, now: .zero)
        XCTAssertEqual(table.heard(from: node(id(0x80), 1), now: .zero), .added)
        XCTAssertEqual(table.heard(from: node(id(0x80), 1), now: .seconds(5)), .updated)
        XCTAssertEqual(table.heard(from: node(own, 2), now: .zero), .ignored, "our own id")
        XCTAssertEqual(table.heard(from: node(id(0x80), 3), now: .zero), .ignored, "a known id from a new address")
        XCTAssertEqual(table.heard(from: node(id(0x81), 1), now: .zero), .ignored, "a second id from one address")
        XCTAssertEqual(table.count, 1)
    }

    func testOwnBucketSplitsFarBucketFills() {
        var table = RoutingTable(ownID: own, now: .zero)
        // Eight far nodes (first bit differs from ours) fill the single bucket.
        for i in 0..<8 { XCTAssertEqual(table.heard(from: node(id(0x80 | UInt8(i)), i), now: .zero), .added) }
        XCTAssertEqual(table.bucketCount, 1)
        // A near one splits it: far nodes stay in bucket 0, the near one goes to the new bucket.
        XCTAssertEqual(table.heard(from: node(id(0x01), 20), now: .zero), .added)
        XCTAssertEqual(table.bucketCount, 2)
        XCTAssertEqual(table.count, 9)
        // Bucket 0 (far half) is full and cannot split: a ninth far node waits as a replacement.
        XCTAssertEqual(table.heard(from: node(id(0x90), 30), now: .seconds(1)), .full(ping: []))
        XCTAssertEqual(table.count, 9)
        // Nodes sharing ever longer prefixes keep splitting our own bucket.
        for i in 0..<8 { _ = table.heard(from: node(id(0x00, rest: UInt8(1 << (i % 8))), 40 + i), now: .zero) }
        XCTAssertGreaterThan(table.bucketCount, 2)
        XCTAssertLessThanOrEqual(table.bucketCount, 160)
    }

    func testGoodQuestionableBadByClock() {
        var table = RoutingTable(ownID: own, now: .zero)
        let far = id(0x80)
        table.heard(from: node(far, 1), now: .zero)
        XCTAssertEqual(table.state(of: far, now: .minutes(14)), .good)
        XCTAssertEqual(table.state(of: far, now: .minutes(16)), .questionable)
        XCTAssertEqual(table.questionableNodes(now: .minutes(16)).map(\.id), [far])
        table.failed(far, now: .minutes(16))
        XCTAssertEqual(table.state(of: far, now: .minutes(16)), .questionable)
        table.failed(far, now: .minutes(16))
        XCTAssertEqual(table.state(of: far, now: .minutes(16)), .bad)
        XCTAssertTrue(table.closest(to: far, now: .minutes(16)).isEmpty, "bad nodes are not handed out")
        table.heard(from: node(far, 1), now: .minutes(17))
        XCTAssertEqual(table.state(of: far, now: .minutes(17)), .good, "an answer makes it good again")
    }

    func testFullBucketAsksToPingQuestionableAndReplacesBad() {
        var table = RoutingTable(ownID: own, now: .zero)
        for i in 0..<8 { table.heard(from: node(id(0x80 | UInt8(i)), i), now: .zero) }
        table.heard(from: node(id(0x01), 20), now: .zero)  // split off our half
        // Twenty minutes later the far nodes are questionable: a newcomer asks us to ping them.
        guard case .full(let ping) = table.heard(from: node(id(0xf0), 30), now: .minutes(20)) else {
            return XCTFail("expected a full bucket")
        }
        XCTAssertEqual(ping.count, 8)
        // One of them fails twice: it turns bad and the newcomer takes its slot.
        table.failed(id(0x83), now: .minutes(20))
        table.failed(id(0x83), now: .minutes(20))
        XCTAssertNil(table.state(of: id(0x83), now: .minutes(20)))
        XCTAssertEqual(table.state(of: id(0xf0), now: .minutes(20)), .good)
        // With no replacement waiting, a bad node is replaced by the next newcomer directly.
        table.failed(id(0x84), now: .minutes(20))
        table.failed(id(0x84), now: .minutes(20))
        XCTAssertEqual(table.state(of: id(0x84), now: .minutes(20)), .bad)
        XCTAssertEqual(table.heard(from: node(id(0xe0), 31), now: .minutes(21)), .added)
        XCTAssertNil(table.state(of: id(0x84), now: .minutes(21)))
    }

    func testClosestIsSortedByXORDistance() {
        var table = RoutingTable(ownID: own, now: .zero)
        var generator = SeededGenerator(state: 7)
        var all: [NodeInfo] = []
        for i in 0..<200 {
            let n = node(NodeID.random(using: &generator), i)
            if table.heard(from: n, now: .zero) == .added { all.append(n) }
        }
        let target = NodeID.random(using: &generator)
        let closest = table.closest(to: target, count: 8, now: .zero)
        XCTAssertEqual(closest.count, 8)
        let expected = all.sorted { target.isCloser($0.id, than: $1.id) }.prefix(8)
        XCTAssertEqual(closest, Array(expected))
    }

    func testStaleBucketsAndRefreshTargets() {
        var table = RoutingTable(ownID: id(0x5a, rest: 0x3c), now: .zero)
        var generator = SeededGenerator(state: 1)
        for i in 0..<60 { table.heard(from: node(NodeID.random(using: &generator), i), now: .zero) }
        XCTAssertTrue(table.staleBuckets(now: .minutes(10)).isEmpty)
        let stale = table.staleBuckets(now: .minutes(16))
        XCTAssertEqual(stale.count, table.bucketCount)
        for b in stale {
            let target = table.refreshTarget(bucket: b, using: &generator)
            XCTAssertEqual(table.bucketIndex(for: target), b, "the refresh target falls in bucket \(b)")
        }
        table.touchBucket(0, now: .minutes(16))
        XCTAssertFalse(table.staleBuckets(now: .minutes(17)).contains(0))
    }

    func testNodeIDMetric() {
        XCTAssertEqual(id(0x00).commonPrefixLength(with: id(0x80)), 0)
        XCTAssertEqual(id(0x00).commonPrefixLength(with: id(0x01)), 7)
        XCTAssertEqual(id(0x00).commonPrefixLength(with: id(0x00)), 160)
        XCTAssertTrue(id(0x00).isCloser(id(0x01), than: id(0x02)))
        XCTAssertFalse(id(0x00).isCloser(id(0x02), than: id(0x02)))
        var generator = SeededGenerator(state: 3)
        for prefix in [0, 1, 7, 8, 9, 100, 159] {
            XCTAssertEqual(id(0xa5, rest: 0x5a).random(sharingPrefix: prefix, using: &generator)
                .commonPrefixLength(with: id(0xa5, rest: 0x5a)), prefix)
        }
    }
}
