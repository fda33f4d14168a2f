import TorrentModel
import XCTest

@testable import Tracker

final class UDPTrackerTests: XCTestCase {
    let hash = InfoHash(bytes: (1...20).map { UInt8($0) })!
    lazy var request = AnnounceRequest(
        infoHash: hash, peerID: Array("-SW0100-000000000001".utf8), port: 6881, uploaded: 100, downloaded: 200,
        left: 300, event: .started, numWant: nil, key: 0x01020304, compact: true)

    func testConnectPacketLayout() throws {
        let packet = UDPTrackerCodec.Request.connect(transactionID: 0xAABBCCDD).encode()
        XCTAssertEqual(packet, [0, 0, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80, 0, 0, 0, 0, 0xAA, 0xBB, 0xCC, 0xDD])
        XCTAssertEqual(try UDPTrackerCodec.Request.decode(packet), .connect(transactionID: 0xAABBCCDD))
        var badMagic = packet
        badMagic[0] = 1
        XCTAssertThrowsError(try UDPTrackerCodec.Request.decode(badMagic))
    }

    func testAnnounceRequestLayoutAndRoundTrip() throws {
        let packet = UDPTrackerCodec.Request.announce(connectionID: 0x1122334455667788, transactionID: 7, request: request).encode()
        XCTAssertEqual(packet.count, 98)
        XCTAssertEqual(Array(packet[0..<8]), [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        XCTAssertEqual(Array(packet[8..<12]), [0, 0, 0, 1])
        XCTAssertEqual(Array(packet[16..<36]), hash.bytes)
        XCTAssertEqual(Array(packet[80..<84]), [0, 0, 0, 2], "started = 2")
        XCTAssertEqual(Array(packet[92..<96]), [0xff, 0xff, 0xff, 0xff], "num_want -1 = default")
        XCTAssertEqual(Array(packet[96..<98]), [0x1a, 0xe1])
        XCTAssertEqual(
            try UDPTrackerCodec.Request.decode(packet),
            .announce(connectionID: 0x1122334455667788, transactionID: 7, request: request))
        // BEP 41 options after the fixed part are ignored.
        XCTAssertEqual(
            try UDPTrackerCodec.Request.decode(packet + [2, 3, 0x2f, 0x61, 0x62]),
            .announce(connectionID: 0x1122334455667788, transactionID: 7, request: request))
        var withWant = request
        withWant.numWant = 30
        let packet2 = UDPTrackerCodec.Request.announce(connectionID: 1, transactionID: 2, request: withWant).encode()
        XCTAssertEqual(try UDPTrackerCodec.Request.decode(packet2), .announce(connectionID: 1, transactionID: 2, request: withWant))
    }

    func testScrapeAndResponsesRoundTrip() throws {
        let scrape = UDPTrackerCodec.Request.scrape(connectionID: 9, transactionID: 10, infoHashes: [hash, hash])
        XCTAssertEqual(scrape.encode().count, 16 + 40)
        XCTAssertEqual(try UDPTrackerCodec.Request.decode(scrape.encode()), scrape)

        let responses: [UDPTrackerCodec.Response] = [
            .connect(transactionID: 1, connectionID: 0xFEDCBA9876543210),
            .announce(
                transactionID: 2,
                response: AnnounceResponse(
                    interval: 1800, peers: [PeerAddress(host: "127.0.0.2", port: 6881), PeerAddress(host: "1.2.3.4", port: 80)],
                    seeders: 5, leechers: 6)),
            .scrape(transactionID: 3, results: [ScrapeResult(seeders: 1, leechers: 2, downloaded: 3)]),
            .error(transactionID: 4, message: "go away"),
        ]
        for response in responses {
            XCTAssertEqual(try UDPTrackerCodec.Response.decode(response.encode()), response)
        }
        let v6 = UDPTrackerCodec.Response.announce(
            transactionID: 5,
            response: AnnounceResponse(interval: 60, peers: [PeerAddress(host: "0:0:0:0:0:0:0:1", port: 7000)], seeders: 0, leechers: 1))
        XCTAssertEqual(v6.encode(ipv6: true).count, 20 + 18)
        XCTAssertEqual(try UDPTrackerCodec.Response.decode(v6.encode(ipv6: true), ipv6: true), v6)
        XCTAssertEqual(v6.encode(ipv6: false).count, 20, "IPv6 peers are left out of an IPv4 answer")
        // Scrape response field order is seeders, completed, leechers.
        XCTAssertEqual(
            UDPTrackerCodec.Response.scrape(transactionID: 0, results: [ScrapeResult(seeders: 1, leechers: 3, downloaded: 2)]).encode(),
            [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
    }

    func testMalformedPacketsThrow() {
        let requests: [[UInt8]] = [[], [0, 0, 0], [UInt8](repeating: 0, count: 15), [UInt8](repeating: 0, count: 50)]
        for packet in requests {
            XCTAssertThrowsError(try UDPTrackerCodec.Request.decode(packet), "\(packet)")
        }
        var announceShort = UDPTrackerCodec.Request.announce(connectionID: 1, transactionID: 2, request: request).encode()
        announceShort.removeLast()
        XCTAssertThrowsError(try UDPTrackerCodec.Request.decode(announceShort))
        var badEvent = UDPTrackerCodec.Request.announce(connectionID: 1, transactionID: 2, request: request).encode()
        badEvent[83] = 9
        XCTAssertThrowsError(try UDPTrackerCodec.Request.decode(badEvent))
        XCTAssertThrowsError(try UDPTrackerCodec.Request.decode([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]), "scrape without hash")
        XCTAssertThrowsError(try UDPTrackerCodec.Request.decode([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 3]), "unknown action")

        for packet: [UInt8] in [[], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 1, 0, 0, 0, 1, 0, 0], [0, 0, 0, 9, 0, 0, 0, 0]] {
            XCTAssertThrowsError(try UDPTrackerCodec.Response.decode(packet), "\(packet)")
        }
        // Random garbage never crashes.
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<120, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? UDPTrackerCodec.Request.decode(bytes)
            _ = try? UDPTrackerCodec.Response.decode(bytes)
            _ = try? UDPTrackerCodec.Response.decode(bytes, ipv6: true)
        }
    }

    func testRetrySchedule() {
        let schedule = UDPRetrySchedule()
        XCTAssertEqual((0...8).map { schedule.timeout(attempt: $0) }, [15, 30, 60, 120, 240, 480, 960, 1920, 3840].map { .seconds($0) })
        XCTAssertNil(schedule.timeout(attempt: 9))
        XCTAssertNil(schedule.timeout(attempt: -1))
        XCTAssertEqual(schedule.total, .seconds(7665))
        let fast = UDPRetrySchedule(base: .milliseconds(10), maxRetry: 2)
        XCTAssertEqual(fast.timeout(attempt: 2), .milliseconds(40))
        XCTAssertEqual(fast.total, .milliseconds(70))
    }

    // MARK: Exchange state machine

    private func packet(of step: UDPTrackerExchange.Step, file: StaticString = #filePath, line: UInt = #line) -> (UDPTrackerCodec.Request, Duration)? {
        guard case .send(let bytes, let timeout) = step, let request = try? UDPTrackerCodec.Request.decode(bytes) else {
            XCTFail("expected a packet, got \(step)", file: file, line: line)
            return nil
        }
        return (request, timeout)
    }

    func testConnectThenAnnounce() throws {
        var exchange = UDPTrackerExchange(operation: .announce(request), connection: nil)
        let (connect, t0) = try XCTUnwrap(packet(of: exchange.start(now: .zero, transactionID: 11)))
        XCTAssertEqual(connect, .connect(transactionID: 11))
        XCTAssertEqual(t0, .seconds(15))
        // Wrong transaction id and garbage are ignored.
        XCTAssertNil(exchange.receive(UDPTrackerCodec.Response.connect(transactionID: 12, connectionID: 5).encode(), now: .seconds(1), transactionID: 13))
        XCTAssertNil(exchange.receive([1, 2, 3], now: .seconds(1), transactionID: 13))
        let step = try XCTUnwrap(exchange.receive(UDPTrackerCodec.Response.connect(transactionID: 11, connectionID: 77).encode(), now: .seconds(2), transactionID: 14))
        let (announce, _) = try XCTUnwrap(packet(of: step))
        XCTAssertEqual(announce, .announce(connectionID: 77, transactionID: 14, request: request))
        XCTAssertEqual(exchange.connection, UDPConnectionID(id: 77, receivedAt: .seconds(2)))
        let answer = AnnounceResponse(interval: 100, peers: [PeerAddress(host: "127.0.0.9", port: 9)], seeders: 1, leechers: 0)
        XCTAssertNil(exchange.receive(UDPTrackerCodec.Response.announce(transactionID: 11, response: answer).encode(), now: .seconds(3), transactionID: 15), "old transaction id")
        XCTAssertEqual(
            exchange.receive(UDPTrackerCodec.Response.announce(transactionID: 14, response: answer).encode(), now: .seconds(3), transactionID: 15),
            .finished(.announced(answer)))
    }

    func testURLDataOption() throws {
        XCTAssertEqual(UDPTrackerCodec.urlDataOptions(""), [])
        XCTAssertEqual(UDPTrackerCodec.urlDataOptions("/a?b"), [2, 4] + Array("/a?b".utf8))
        let long = String(repeating: "x", count: 300)
        let options = UDPTrackerCodec.urlDataOptions(long)
        XCTAssertEqual(options.count, 2 + 255 + 2 + 45)
        XCTAssertEqual(Array(options[0..<2]), [2, 255])
        XCTAssertEqual(Array(options[257..<259]), [2, 45])

        var exchange = UDPTrackerExchange(
            operation: .announce(request), connection: UDPConnectionID(id: 1, receivedAt: .zero), urlData: "/announce?k=1")
        guard case .send(let bytes, _) = exchange.start(now: .zero, transactionID: 2) else { return XCTFail() }
        XCTAssertEqual(bytes.count, 98 + 2 + 13)
        XCTAssertEqual(try UDPTrackerCodec.Request.decode(bytes), .announce(connectionID: 1, transactionID: 2, request: request))
    }

    func testValidConnectionIDIsReusedAndExpires() throws {
        let cached = UDPConnectionID(id: 99, receivedAt: .seconds(100))
        var fresh = UDPTrackerExchange(operation: .scrape([hash]), connection: cached)
        let (scrape, _) = try XCTUnwrap(packet(of: fresh.start(now: .seconds(159), transactionID: 1)))
        XCTAssertEqual(scrape, .scrape(connectionID: 99, transactionID: 1, infoHashes: [hash]))
        XCTAssertEqual(
            fresh.receive(UDPTrackerCodec.Response.scrape(transactionID: 1, results: [ScrapeResult(seeders: 1, leechers: 2, downloaded: 3)]).encode(), now: .seconds(159), transactionID: 2),
            .finished(.scraped([ScrapeResult(seeders: 1, leechers: 2, downloaded: 3)])))

        var stale = UDPTrackerExchange(operation: .scrape([hash]), connection: cached)
        let (connect, _) = try XCTUnwrap(packet(of: stale.start(now: .seconds(160), transactionID: 3)))
        XCTAssertEqual(connect, .connect(transactionID: 3), "a connection id is good for 60 s only")
        XCTAssertNil(stale.connection)
    }

    func testRetransmissionsFollowScheduleAndGiveUp() throws {
        var exchange = UDPTrackerExchange(operation: .announce(request), connection: nil, schedule: UDPRetrySchedule(base: .seconds(15), maxRetry: 3))
        var now = Duration.zero
        var step = exchange.start(now: now, transactionID: 1)
        var timeouts: [Duration] = []
        while case .send(let bytes, let timeout) = step {
            XCTAssertEqual(try UDPTrackerCodec.Request.decode(bytes), .connect(transactionID: 1), "retransmissions repeat the request")
            timeouts.append(timeout)
            now += timeout
            step = exchange.timedOut(now: now, transactionID: 2)
        }
        XCTAssertEqual(timeouts, [15, 30, 60, 120].map { .seconds($0) })
        XCTAssertEqual(step, .failed(.timeout))
    }

    func testExpiredConnectionDuringRetriesReconnects() throws {
        var exchange = UDPTrackerExchange(operation: .announce(request), connection: UDPConnectionID(id: 5, receivedAt: .zero))
        let (first, t0) = try XCTUnwrap(packet(of: exchange.start(now: .seconds(20), transactionID: 1)))
        XCTAssertEqual(first, .announce(connectionID: 5, transactionID: 1, request: request))
        let (second, t1) = try XCTUnwrap(packet(of: exchange.timedOut(now: .seconds(20) + t0, transactionID: 2)))
        XCTAssertEqual(second, .announce(connectionID: 5, transactionID: 1, request: request))
        let (third, t2) = try XCTUnwrap(packet(of: exchange.timedOut(now: .seconds(20) + t0 + t1, transactionID: 3)))
        XCTAssertEqual(third, .connect(transactionID: 3), "id expired after 60 s: reconnect")
        XCTAssertEqual(t2, .seconds(60), "the retry count keeps growing across the reconnect")
    }

    func testErrorPacketAndDeadline() throws {
        // An error to an announce made with a cached id: reconnect once, then an error is final.
        var exchange = UDPTrackerExchange(operation: .announce(request), connection: UDPConnectionID(id: 5, receivedAt: .zero))
        _ = exchange.start(now: .zero, transactionID: 1)
        let (reconnect, _) = try XCTUnwrap(packet(of: try XCTUnwrap(exchange.receive(
            UDPTrackerCodec.Response.error(transactionID: 1, message: "invalid connection id").encode(), now: .seconds(1), transactionID: 2))))
        XCTAssertEqual(reconnect, .connect(transactionID: 2))
        XCTAssertNil(exchange.connection)
        let (announce, _) = try XCTUnwrap(packet(of: try XCTUnwrap(exchange.receive(
            UDPTrackerCodec.Response.connect(transactionID: 2, connectionID: 6).encode(), now: .seconds(1), transactionID: 3))))
        XCTAssertEqual(announce, .announce(connectionID: 6, transactionID: 3, request: request))
        XCTAssertEqual(
            exchange.receive(UDPTrackerCodec.Response.error(transactionID: 3, message: "bad torrent").encode(), now: .seconds(1), transactionID: 4),
            .failed(.failure("bad torrent")))
        XCTAssertNil(exchange.connection, "an error drops the connection id")

        var refused = UDPTrackerExchange(operation: .announce(request), connection: nil)
        _ = refused.start(now: .zero, transactionID: 1)
        XCTAssertEqual(
            refused.receive(UDPTrackerCodec.Response.error(transactionID: 1, message: "go away").encode(), now: .zero, transactionID: 2),
            .failed(.failure("go away")))

        var wrongAction = UDPTrackerExchange(operation: .announce(request), connection: nil)
        _ = wrongAction.start(now: .zero, transactionID: 1)
        guard case .failed(.malformedResponse)? = wrongAction.receive(
            UDPTrackerCodec.Response.scrape(transactionID: 1, results: []).encode(), now: .zero, transactionID: 2)
        else { return XCTFail("expected malformed") }

        var capped = UDPTrackerExchange(operation: .announce(request), connection: nil, deadline: .seconds(5))
        let (_, timeout) = try XCTUnwrap(packet(of: capped.start(now: .seconds(1), transactionID: 1)))
        XCTAssertEqual(timeout, .seconds(4))
        XCTAssertEqual(capped.timedOut(now: .seconds(5), transactionID: 2), .failed(.timeout))
    }
}

/// A seedable generator for reproducible tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
