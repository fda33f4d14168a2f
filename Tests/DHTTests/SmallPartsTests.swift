@testable import DHT
import TorrentModel
import XCTest

final class TokenIssuerTests: XCTestCase {
    private func issuer() -> TokenIssuer {
        let counter = Counter()
        return TokenIssuer(now: .zero) { counter.next() }
    }

    func testTokenIsBoundToTheAddress() {
        var tokens = issuer()
        let token = tokens.token(for: "127.0.0.2", now: .zero)
        XCTAssertEqual(token.count, TokenIssuer.tokenLength)
        XCTAssertTrue(tokens.isValid(token, for: "127.0.0.2", now: .seconds(1)))
        XCTAssertFalse(tokens.isValid(token, for: "127.0.0.3", now: .seconds(1)))
        XCTAssertFalse(tokens.isValid([1, 2, 3], for: "127.0.0.2", now: .seconds(1)))
        XCTAssertFalse(tokens.isValid([], for: "127.0.0.2", now: .seconds(1)))
    }

    func testTokenLastsOneRotationAndNotTwo() {
        var tokens = issuer()
        let token = tokens.token(for: "::1", now: .zero)
        XCTAssertTrue(tokens.isValid(token, for: "::1", now: .minutes(4)))
        XCTAssertTrue(tokens.isValid(token, for: "::1", now: .minutes(6)), "previous secret still accepted")
        XCTAssertTrue(tokens.isValid(token, for: "::1", now: .minutes(9)))
        XCTAssertFalse(tokens.isValid(token, for: "::1", now: .minutes(11)), "two rotations later")
        var idle = issuer()
        let old = idle.token(for: "::1", now: .zero)
        XCTAssertFalse(idle.isValid(old, for: "::1", now: .minutes(30)), "a long silence does not keep it alive")
    }
}

final class Counter: @unchecked Sendable {
    private var value: UInt8 = 0
    func next() -> [UInt8] {
        value &+= 1
        return [UInt8](repeating: value, count: 16)
    }
}

final class PeerStoreTests: XCTestCase {
    let hash = id(0x42)

    func testStoresExpiresAndCaps() {
        var store = PeerStore(maxTorrents: 2, maxPeersPerTorrent: 3)
        for i in 1...5 { XCTAssertTrue(store.add(PeerAddress(host: "10.0.0.\(i)", port: 1), for: hash, now: .seconds(Int64(i)))) }
        XCTAssertEqual(store.peers(for: hash, now: .seconds(6)).map(\.host), ["10.0.0.5", "10.0.0.4", "10.0.0.3"])
        XCTAssertTrue(store.add(PeerAddress(host: "10.0.0.9", port: 1), for: id(0x43), now: .seconds(6)))
        XCTAssertFalse(store.add(PeerAddress(host: "10.0.0.9", port: 1), for: id(0x44), now: .seconds(7)), "torrent cap")
        XCTAssertEqual(store.peers(for: hash, now: .minutes(31)), [], "expired")
        XCTAssertTrue(store.add(PeerAddress(host: "10.0.0.9", port: 1), for: id(0x44), now: .minutes(40)),
                      "expired torrents make room")
        XCTAssertEqual(store.torrentCount, 1)
    }

    func testLimitsTheReply() {
        var store = PeerStore()
        for i in 0..<120 { store.add(PeerAddress(host: "10.0.\(i / 250).\(i % 250)", port: 7), for: hash, now: .zero) }
        XCTAssertEqual(store.peers(for: hash, now: .zero, limit: 50).count, 50)
    }
}

final class SourceRateLimiterTests: XCTestCase {
    func testBurstThenRate() {
        var limiter = SourceRateLimiter(rate: 10, burst: 5)
        let allowed = (0..<20).filter { _ in limiter.allow("1.2.3.4", now: .zero) }.count
        XCTAssertEqual(allowed, 5)
        XCTAssertTrue(limiter.allow("5.6.7.8", now: .zero), "another source has its own bucket")
        XCTAssertFalse(limiter.allow("1.2.3.4", now: .milliseconds(50)))
        XCTAssertTrue(limiter.allow("1.2.3.4", now: .milliseconds(150)), "refilled at 10 per second")
    }

    func testTrackedSourcesStayCapped() {
        var limiter = SourceRateLimiter(rate: 1, burst: 2, maxSources: 100)
        for i in 0..<1000 { _ = limiter.allow("10.0.\(i / 250).\(i % 250)", now: .zero) }
        XCTAssertLessThanOrEqual(limiter.trackedSources, 100)
        XCTAssertTrue(limiter.allow("192.168.0.1", now: .zero))
    }
}
