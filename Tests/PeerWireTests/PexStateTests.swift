import PeerWire
import TorrentModel
import XCTest

final class PexStateTests: XCTestCase {
    private func peer(_ n: Int, reachable: Bool = true) -> PexMessage.Peer {
        PexMessage.Peer(PeerAddress(host: "127.0.\(n / 250).\(n % 250 + 1)", port: 6881), flags: reachable ? .reachable : [])
    }

    func testFirstMessageGoesAtOnceThenAtMostOncePerInterval() {
        var state = PexState(messageID: 1)
        let first = state.nextMessage(connected: [peer(1), peer(2)], now: .seconds(5))
        XCTAssertEqual(Set(first?.added ?? []), [peer(1), peer(2)])
        XCTAssertNil(state.nextMessage(connected: [peer(1), peer(2), peer(3)], now: .seconds(30)), "too early")
        let second = state.nextMessage(connected: [peer(1), peer(2), peer(3)], now: .seconds(65))
        XCTAssertEqual(second?.added, [peer(3)], "only what is new")
        XCTAssertEqual(second?.dropped, [])
    }

    func testNothingToSayMeansNoMessageAndNoWait() {
        var state = PexState(messageID: 1)
        XCTAssertNil(state.nextMessage(connected: [], now: .seconds(1)))
        XCTAssertNotNil(state.nextMessage(connected: [peer(1)], now: .seconds(2)), "the first news goes at once")
        XCTAssertNil(state.nextMessage(connected: [peer(1)], now: .seconds(200)), "no change, no message")
    }

    func testDisconnectedPeersAreDroppedOnceAndOnlyIfTold() {
        var state = PexState(messageID: 1)
        _ = state.nextMessage(connected: [peer(1), peer(2)], now: .zero)
        let message = state.nextMessage(connected: [peer(2)], now: .seconds(60))
        XCTAssertEqual(message?.added, [])
        XCTAssertEqual(message?.dropped, [peer(1).address])
        XCTAssertEqual(state.told, [peer(2).address])
        XCTAssertNil(state.nextMessage(connected: [peer(2)], now: .seconds(120)), "dropped only once")
    }

    func testAPeerThatCameAndWentBetweenMessagesIsNeverMentioned() {
        var state = PexState(messageID: 1)
        _ = state.nextMessage(connected: [peer(1)], now: .zero)
        // peer 2 connected at 10 s and left at 20 s: at 60 s neither added nor dropped.
        XCTAssertNil(state.nextMessage(connected: [peer(1)], now: .seconds(60)))
    }

    func testAtMostFiftyAddedReachableFirstAndTheRestLater() {
        var state = PexState(messageID: 1)
        let unreachable = (0..<30).map { peer($0, reachable: false) }
        let reachable = (30..<80).map { peer($0) }
        let first = state.nextMessage(connected: unreachable + reachable, now: .zero)
        XCTAssertEqual(first?.added.count, 50)
        XCTAssertEqual(first?.added, reachable, "reachable peers go first")
        let second = state.nextMessage(connected: unreachable + reachable, now: .seconds(60))
        XCTAssertEqual(second?.added, unreachable)
    }

    func testAtMostFiftyDropped() {
        var state = PexState(messageID: 1)
        let all = (0..<120).map { peer($0) }
        _ = state.nextMessage(connected: all, now: .zero)
        _ = state.nextMessage(connected: all, now: .seconds(60))
        _ = state.nextMessage(connected: all, now: .seconds(120))
        XCTAssertEqual(state.told.count, 120)
        XCTAssertEqual(state.nextMessage(connected: [], now: .seconds(180))?.dropped.count, 50)
        XCTAssertEqual(state.nextMessage(connected: [], now: .seconds(240))?.dropped.count, 50)
        XCTAssertEqual(state.nextMessage(connected: [], now: .seconds(300))?.dropped.count, 20)
        XCTAssertTrue(state.told.isEmpty)
    }

    func testDuplicateAddressesAreAddedOnce() {
        var state = PexState(messageID: 1)
        XCTAssertEqual(state.nextMessage(connected: [peer(1), peer(1)], now: .zero)?.added, [peer(1)])
    }

    func testIncomingMessagesAreRateLimited() {
        var state = PexState(messageID: 1)
        XCTAssertTrue(state.acceptMessage(now: .seconds(1), minimumGap: .seconds(10)))
        XCTAssertFalse(state.acceptMessage(now: .seconds(5), minimumGap: .seconds(10)))
        XCTAssertTrue(state.acceptMessage(now: .seconds(11), minimumGap: .seconds(10)))
    }
}
