import TorrentModel
import XCTest

@testable import Tracker

final class TrackerRegistryTests: XCTestCase {
    let hash = InfoHash(bytes: [UInt8](repeating: 0xAB, count: 20))!
    let other = InfoHash(bytes: [UInt8](repeating: 0xCD, count: 20))!

    func request(_ n: Int, left: Int64 = 100, event: AnnounceEvent = .none, numWant: Int? = nil, hash: InfoHash? = nil) -> AnnounceRequest {
        AnnounceRequest(
            infoHash: hash ?? self.hash, peerID: Array(String(format: "-TT0000-%012d", n).utf8), port: UInt16(6000 + n),
            uploaded: 0, downloaded: 0, left: left, event: event, numWant: numWant, key: 0)
    }

    func testPeersSeeEachOtherButNotThemselves() throws {
        var registry = TrackerRegistry(interval: 30)
        let first = try registry.announce(request(1, event: .started), from: "127.0.0.2", now: .zero)
        XCTAssertEqual(first.response.peers, [])
        XCTAssertEqual(first.response.leechers, 1)
        XCTAssertEqual(first.response.interval, 30)
        let second = try registry.announce(request(2, event: .started), from: "127.0.0.3", now: .seconds(1))
        XCTAssertEqual(second.response.peers, [PeerAddress(host: "127.0.0.2", port: 6001)])
        XCTAssertEqual(second.peerIDs[PeerAddress(host: "127.0.0.2", port: 6001)], request(1).peerID)
        let again = try registry.announce(request(1), from: "127.0.0.2", now: .seconds(2))
        XCTAssertEqual(again.response.peers, [PeerAddress(host: "127.0.0.3", port: 6002)])
        // Same IP, other port: a different peer. Same ip:port again: the same peer.
        _ = try registry.announce(request(3), from: "127.0.0.2", now: .seconds(3))
        _ = try registry.announce(request(3), from: "127.0.0.2", now: .seconds(4))
        XCTAssertEqual(registry.peers(of: hash).count, 3)
        XCTAssertEqual(registry.peers(of: other).count, 0)
    }

    func testSeedersLeechersStoppedAndCompleted() throws {
        var registry = TrackerRegistry(interval: 30)
        _ = try registry.announce(request(1, left: 0, event: .started), from: "10.0.0.1", now: .zero)
        _ = try registry.announce(request(2, event: .started), from: "10.0.0.2", now: .zero)
        XCTAssertEqual(registry.scrape(hash, now: .zero), ScrapeResult(seeders: 1, leechers: 1, downloaded: 0))
        let done = try registry.announce(request(2, left: 0, event: .completed), from: "10.0.0.2", now: .seconds(1))
        XCTAssertEqual(done.response.seeders, 2)
        XCTAssertEqual(done.response.leechers, 0)
        XCTAssertEqual(done.response.peers, [], "seeders are not sent other seeders")
        _ = try registry.announce(request(2, left: 0, event: .completed), from: "10.0.0.2", now: .seconds(2))
        XCTAssertEqual(registry.scrape(hash, now: .seconds(2)), ScrapeResult(seeders: 2, leechers: 0, downloaded: 1), "a repeated completed counts once")
        _ = try registry.announce(request(1, left: 0, event: .stopped), from: "10.0.0.1", now: .seconds(3))
        XCTAssertEqual(registry.scrape(hash, now: .seconds(3)), ScrapeResult(seeders: 1, leechers: 0, downloaded: 1))
        let newcomer = try registry.announce(request(3), from: "10.0.0.3", now: .seconds(4))
        XCTAssertEqual(newcomer.response.peers, [PeerAddress(host: "10.0.0.2", port: 6002)])
        // stopped for an unknown torrent does not create a swarm.
        _ = try registry.announce(request(1, event: .stopped, hash: other), from: "10.0.0.1", now: .zero)
        XCTAssertEqual(registry.swarmCount, 1)
    }

    func testExpiryAfterTwiceTheInterval() throws {
        var registry = TrackerRegistry(interval: 30)
        _ = try registry.announce(request(1), from: "10.0.0.1", now: .zero)
        _ = try registry.announce(request(2), from: "10.0.0.2", now: .seconds(50))
        XCTAssertEqual(registry.scrape(hash, now: .seconds(60)).leechers, 2)
        XCTAssertEqual(registry.scrape(hash, now: .seconds(61)).leechers, 1)
        let late = try registry.announce(request(3), from: "10.0.0.3", now: .seconds(61))
        XCTAssertEqual(late.response.peers, [PeerAddress(host: "10.0.0.2", port: 6002)])
        registry.expire(now: .seconds(200))
        XCTAssertEqual(registry.swarmCount, 0)
    }

    func testNumWantAndLimits() throws {
        var registry = TrackerRegistry(interval: 30, defaultNumWant: 5, maxNumWant: 8, maxSwarms: 2, maxPeersPerSwarm: 20)
        for n in 1...30 { _ = try registry.announce(request(n), from: "10.0.1.\(n)", now: .zero) }
        XCTAssertEqual(registry.peers(of: hash).count, 20)
        XCTAssertEqual(try registry.announce(request(1), from: "10.0.1.1", now: .zero).response.peers.count, 5)
        XCTAssertEqual(try registry.announce(request(1, numWant: 3), from: "10.0.1.1", now: .zero).response.peers.count, 3)
        XCTAssertEqual(try registry.announce(request(1, numWant: 100), from: "10.0.1.1", now: .zero).response.peers.count, 8)
        XCTAssertEqual(try registry.announce(request(1, numWant: 0), from: "10.0.1.1", now: .zero).response.peers.count, 0)
        _ = try registry.announce(request(1, hash: other), from: "10.0.1.1", now: .zero)
        XCTAssertThrowsError(try registry.announce(request(1, hash: InfoHash(bytes: [UInt8](repeating: 1, count: 20))!), from: "10.0.1.1", now: .zero))
    }

    func testCompactAndDictionaryResponses() throws {
        var registry = TrackerRegistry(interval: 30)
        _ = try registry.announce(request(1), from: "127.0.0.2", now: .zero)
        _ = try registry.announce(request(2), from: "::1", now: .zero)
        let (response, ids) = try registry.announce(request(3), from: "::ffff:127.0.0.4", now: .zero)
        XCTAssertEqual(Set(response.peers), [PeerAddress(host: "127.0.0.2", port: 6001), PeerAddress(host: "0:0:0:0:0:0:0:1", port: 6002)])
        XCTAssertEqual(registry.peers(of: hash).filter { $0.address.host == "127.0.0.4" }.count, 1, "mapped IPv4 is stored as IPv4")
        let compact = try HTTPTrackerCodec.parseAnnounceResponse(HTTPTrackerCodec.encodeAnnounceResponse(response, compact: true))
        XCTAssertEqual(Set(compact.peers), Set(response.peers))
        let dict = HTTPTrackerCodec.encodeAnnounceResponse(response, compact: false, peerIDs: ids)
        XCTAssertEqual(Set(try HTTPTrackerCodec.parseAnnounceResponse(dict).peers), Set(response.peers))
        XCTAssertTrue(dict.starts(with: Array("d8:completei0e10:incompletei3e8:intervali30e".utf8)))
    }
}
