import TorrentModel
import XCTest

@testable import Tracker

final class TrackerTierStateTests: XCTestCase {
    func ok(_ interval: Int, min: Int? = nil, peers: Int = 0, warning: String? = nil, trackerID: String? = nil) -> AnnounceResponse {
        AnnounceResponse(
            interval: interval, minInterval: min, peers: (0..<peers).map { PeerAddress(host: "10.0.0.\($0 + 1)", port: 1) },
            seeders: 2, leechers: 3, warning: warning, trackerID: trackerID)
    }

    func testTiersInOrderShuffledOnceWithinTier() {
        let tiers = [["a1", "a2", "a3", "a4"], ["b1", "b2"], [], ["c1"]]
        var seenOrders: Set<[String]> = []
        for seed in 0..<40 {
            var rng = SplitMix64(seed: UInt64(seed))
            let state = TrackerTierState(tiers: tiers, using: &rng)
            let order = state.announceOrder
            XCTAssertEqual(Set(order.prefix(4)), ["a1", "a2", "a3", "a4"])
            XCTAssertEqual(Set(order[4..<6]), ["b1", "b2"])
            XCTAssertEqual(order.last, "c1")
            XCTAssertEqual(state.tiers.count, 3, "empty tiers are dropped")
            XCTAssertEqual(state.announceOrder, order, "shuffled once, stable afterwards")
            seenOrders.insert(Array(order.prefix(4)))
        }
        XCTAssertGreaterThan(seenOrders.count, 5, "tiers are really shuffled")
    }

    func testDuplicatesAndEmptyTrackers() {
        let state = TrackerTierState(tiers: [["x", " x ", ""], ["x", "y"]])
        XCTAssertEqual(state.announceOrder, ["x", "y"])
        XCTAssertTrue(TrackerTierState(tiers: []).isEmpty)
        XCTAssertTrue(TrackerTierState(tiers: [[], [""]]).isEmpty)
        XCTAssertEqual(TrackerTierState(tiers: []).nextAnnounceDelay(now: .seconds(5)), .zero)
    }

    func testAnsweringTrackerMovesToFrontOfItsTier() {
        var rng = SplitMix64(seed: 1)
        var state = TrackerTierState(tiers: [["a", "b", "c"], ["d", "e"]], using: &rng)
        let tier0 = state.tiers[0]
        let last = tier0[2]
        state.recordFailure(url: tier0[0], error: .timeout, now: .zero)
        state.recordSuccess(url: last, event: .started, response: ok(60), now: .zero)
        XCTAssertEqual(state.tiers[0], [last, tier0[0], tier0[1]])
        XCTAssertEqual(state.currentURL, last)

        // A tier-2 tracker that answers moves to the front of tier 2 only.
        let tier1 = state.tiers[1]
        state.recordSuccess(url: tier1[1], event: .none, response: ok(60), now: .seconds(1))
        XCTAssertEqual(state.tiers[1], [tier1[1], tier1[0]])
        XCTAssertEqual(state.tiers[0].first, last)
        XCTAssertEqual(state.announceOrder.first, last, "tiers keep their order")
    }

    func testIntervalAndMinInterval() {
        var state = TrackerTierState(tiers: [["a"]])
        XCTAssertEqual(state.nextAnnounceDelay(now: .zero), .zero, "nothing announced yet: due now")
        state.recordSuccess(url: "a", event: .started, response: ok(120, min: 60), now: .seconds(1000))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(1000)), .seconds(120))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(1100)), .seconds(20))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(1200)), .zero)
        XCTAssertFalse(state.regularAnnounceAllowed(now: .seconds(1059)))
        XCTAssertTrue(state.regularAnnounceAllowed(now: .seconds(1060)))

        // A min interval larger than the interval wins.
        state.recordSuccess(url: "a", event: .none, response: ok(30, min: 90), now: .seconds(2000))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(2000)), .seconds(90))

        // Hostile intervals are clamped.
        state.recordSuccess(url: "a", event: .none, response: ok(0), now: .seconds(3000))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(3000)), .seconds(15))
        state.recordSuccess(url: "a", event: .none, response: ok(Int(Int32.max)), now: .seconds(4000))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(4000)), .seconds(4 * 3600))
        state.recordSuccess(url: "a", event: .none, response: ok(-5, min: -5), now: .seconds(5000))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(5000)), .seconds(15))
    }

    func testFailedRoundsBackOff() {
        var state = TrackerTierState(tiers: [["a"], ["b"]], policy: .init(retryBase: .seconds(10), retryCeiling: .seconds(35)))
        var delays: [Duration] = []
        for round in 0..<4 {
            let now = Duration.seconds(100 * round)
            state.recordFailure(url: "a", error: .timeout, now: now)
            state.recordFailure(url: "b", error: .network("refused"), now: now)
            state.recordRoundFailed(now: now)
            delays.append(state.nextAnnounceDelay(now: now))
        }
        XCTAssertEqual(delays, [10, 20, 35, 35].map { .seconds($0) })
        XCTAssertNil(state.currentURL)
        state.recordSuccess(url: "b", event: .started, response: ok(50), now: .seconds(1000))
        state.recordFailure(url: "a", error: .timeout, now: .seconds(1050))
        state.recordFailure(url: "b", error: .timeout, now: .seconds(1050))
        state.recordRoundFailed(now: .seconds(1050))
        XCTAssertEqual(state.nextAnnounceDelay(now: .seconds(1050)), .seconds(10), "success resets the backoff")
    }

    func testStartedIsSentToTrackersThatHaveNotSeenIt() {
        var state = TrackerTierState(tiers: [["a"], ["b"]])
        XCTAssertEqual(state.effectiveEvent(.none, for: "a"), .started)
        state.recordSuccess(url: "b", event: .started, response: ok(60), now: .zero)
        XCTAssertEqual(state.effectiveEvent(.none, for: "b"), .none)
        XCTAssertEqual(state.effectiveEvent(.none, for: "a"), .started, "tier 1 came back: it needs started")
        XCTAssertEqual(state.effectiveEvent(.completed, for: "a"), .completed)
        XCTAssertEqual(state.startedURLs, ["b"])
        state.recordStopped()
        XCTAssertEqual(state.startedURLs, [])
        XCTAssertEqual(state.effectiveEvent(.none, for: "b"), .started)
    }

    func testStatusesForDisplay() {
        var rng = SplitMix64(seed: 3)
        var state = TrackerTierState(tiers: [["a", "b"], ["udp://c"]], using: &rng)
        let first = state.tiers[0][0]
        let second = state.tiers[0][1]
        state.recordAttempt(url: first, now: .seconds(10))
        XCTAssertEqual(state.statuses(now: .seconds(10)).first { $0.url == first }?.state, .updating)
        state.recordFailure(url: first, error: .failure("unregistered torrent"), now: .seconds(10))
        state.recordSuccess(url: second, event: .started, response: ok(100, peers: 4, warning: "slow down", trackerID: "T"), now: .seconds(11))
        state.recordScrape(url: second, result: ScrapeResult(seeders: 7, leechers: 8, downloaded: 9))
        let rows = state.statuses(now: .seconds(31))
        XCTAssertEqual(rows.map(\.url), ["a", "b", "udp://c"], "stable display order")
        XCTAssertEqual(rows.map(\.tier), [0, 0, 1])
        let failed = rows.first { $0.url == first }!
        XCTAssertEqual(failed.state, .failing)
        XCTAssertEqual(failed.lastError, "tracker error: unregistered torrent")
        XCTAssertEqual(failed.sinceLastAnnounce, .seconds(21))
        XCTAssertNil(failed.untilNextAnnounce)
        let working = rows.first { $0.url == second }!
        XCTAssertEqual(working.state, .working)
        XCTAssertTrue(working.isCurrent)
        XCTAssertEqual(working.sinceLastAnnounce, .seconds(20))
        XCTAssertEqual(working.untilNextAnnounce, .seconds(80))
        XCTAssertEqual(working.peersReceived, 4)
        XCTAssertEqual(working.lastWarning, "slow down")
        XCTAssertEqual(working.seeders, 7)
        XCTAssertEqual(working.leechers, 8)
        XCTAssertEqual(working.downloaded, 9)
        XCTAssertNil(working.lastError)
        XCTAssertEqual(state.trackerID(for: second), "T")
        let idle = rows.first { $0.url == "udp://c" }!
        XCTAssertEqual(idle.state, .idle)
        XCTAssertNil(idle.sinceLastAnnounce)
    }
}
