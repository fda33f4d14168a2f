import PeerWire
import TorrentModel
import XCTest

final class PeerStateTests: XCTestCase {
    func testRateMeterAveragesOverItsWindow() {
        var meter = RateMeter(windowSeconds: 5)
        for second in 0..<10 {
            meter.add(1000, now: .seconds(second) + .milliseconds(500))
        }
        XCTAssertEqual(meter.rate(now: .seconds(10)), 1000, accuracy: 1)
        XCTAssertEqual(meter.total, 10_000)
        XCTAssertEqual(meter.rate(now: .seconds(30)), 0, "old seconds fall out of the window")
    }

    func testRateMeterIsIdleOnlyWithNoBytesInItsWindow() {
        var meter = RateMeter(windowSeconds: 5)
        XCTAssertTrue(meter.isIdle(now: .seconds(3)))
        meter.add(10, now: .seconds(3) + .milliseconds(900))
        // The rate leaves out the second in progress, but the bytes in it will count: not idle.
        XCTAssertEqual(meter.rate(now: .seconds(3) + .milliseconds(950)), 0)
        XCTAssertFalse(meter.isIdle(now: .seconds(3) + .milliseconds(950)))
        XCTAssertFalse(meter.isIdle(now: .seconds(7)))
        XCTAssertTrue(meter.isIdle(now: .seconds(8)))
        XCTAssertEqual(meter.rate(now: .seconds(8)), 0)
        XCTAssertEqual(meter.total, 10, "idle or not, the total stays")
    }

    func testPipelineGrowsWithRate() {
        var state = PeerState(now: .zero)
        state.tick(now: .seconds(1))
        XCTAssertEqual(state.pipelineDepth, PeerState.minPipelineDepth)
        // 20 MiB/s for five seconds: about two seconds of data in flight, capped.
        for second in 1...5 { state.download.add(20 << 20, now: .seconds(second)) }
        state.tick(now: .seconds(6))
        XCTAssertEqual(state.pipelineDepth, PeerState.maxPipelineDepth)
        var slow = PeerState(now: .zero)
        for second in 0..<10 { slow.download.add(100 * 1024, now: .seconds(second)) }
        slow.tick(now: .seconds(10))
        XCTAssertEqual(slow.pipelineDepth, 16, "100 KiB/s keeps the minimum depth")
        var medium = PeerState(now: .zero)
        for second in 0..<10 { medium.download.add(1 << 20, now: .seconds(second)) }
        medium.tick(now: .seconds(10))
        XCTAssertEqual(medium.pipelineDepth, 128, "1 MiB/s asks for two seconds, 2 MiB, in flight")
    }

    func testPeerThatHoldsRequestsWithoutSendingIsSnubbed() {
        var state = PeerState(now: .zero)
        let block = BlockRef(piece: 0, begin: 0, length: 16384)
        state.requested(block, now: .seconds(1))
        state.tick(now: .seconds(60))
        XCTAssertFalse(state.isSnubbed)
        state.tick(now: .seconds(62))
        XCTAssertTrue(state.isSnubbed)
        XCTAssertEqual(state.pipelineDepth, 1, "a snubbed peer gets one request at a time")
        XCTAssertTrue(state.received(block, now: .seconds(63)))
        XCTAssertFalse(state.isSnubbed, "a block ends the snub")
    }

    func testIdlePeerWithoutRequestsIsNotSnubbed() {
        var state = PeerState(now: .zero)
        state.tick(now: .seconds(600))
        XCTAssertFalse(state.isSnubbed)
    }

    func testChokeForgetsRequests() {
        var state = PeerState(now: .zero)
        state.requested(BlockRef(piece: 0, begin: 0, length: 16384), now: .zero)
        state.requested(BlockRef(piece: 0, begin: 16384, length: 16384), now: .zero)
        XCTAssertEqual(state.forgetAllRequests().count, 2)
        XCTAssertEqual(state.inFlight, 0)
        XCTAssertFalse(state.received(BlockRef(piece: 0, begin: 0, length: 16384), now: .seconds(1)))
    }
}
