import NIOCore
import NIOPosix
import TorrentModel
import XCTest

@testable import Engine

/// TrackerAnnouncer and TrackerTransport against our own TrackerServer, over loopback only.
final class TrackerLoopbackTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var server: TrackerServer!
    var transport: TrackerTransport!
    let infoHash = InfoHash(bytes: (100..<120).map { UInt8($0) })!

    override func setUp() async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        server = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        transport = TrackerTransport(group: group)
    }

    override func tearDown() async throws {
        await transport?.shutdown()
        await server?.stop()
        try await group?.shutdownGracefully()
    }

    var httpURL: String { "http://127.0.0.1:\(server.port)/announce" }
    var udpURL: String { "udp://127.0.0.1:\(server.port)/announce" }

    func announcer(
        _ tiers: [[String]], port: UInt16, bindHost: String? = "127.0.0.1",
        settings: TrackerAnnouncer.Settings = TrackerAnnouncer.Settings()
    ) -> TrackerAnnouncer {
        TrackerAnnouncer(
            tiers: tiers, infoHash: infoHash, peerID: PeerID.generate(), listenPort: port, bindHost: bindHost,
            transport: transport, settings: settings)
    }

    /// A second loopback address, to check that announces leave from `bindHost` (Linux routes all of
    /// 127/8 to lo; elsewhere the test falls back to 127.0.0.1).
    func secondLoopbackAddress() async -> String {
        do {
            let channel = try await DatagramBootstrap(group: group).bind(host: "127.0.0.2", port: 0).get()
            try await channel.close()
            return "127.0.0.2"
        } catch {
            return "127.0.0.1"
        }
    }

    func twoPeersSeeEachOther(url: String, sendsMinInterval: Bool) async throws {
        let otherHost = await secondLoopbackAddress()
        let a = announcer([[url]], port: 7001)
        let b = announcer([[url]], port: 7002, bindHost: otherHost)
        let stats = TransferStats(uploaded: 0, downloaded: 0, left: 1000)

        let first = await a.announce(.started, stats: stats)
        XCTAssertEqual(first, [], "first peer in the swarm")
        let rowsA = await a.statuses()
        XCTAssertEqual(rowsA.first?.state, .working, "\(rowsA)")
        XCTAssertNil(rowsA.first?.lastError)
        XCTAssertEqual(rowsA.first?.leechers, 1)

        let second = await b.announce(.started, stats: stats)
        XCTAssertEqual(second, [PeerAddress(host: "127.0.0.1", port: 7001)])

        // Over HTTP, a regular announce sooner than min interval (15 s here) is not sent; UDP has no min interval.
        let early = await a.announce(.none, stats: stats)
        XCTAssertEqual(early, sendsMinInterval ? [] : [PeerAddress(host: otherHost, port: 7002)])
        let delay = await a.nextAnnounceDelay()
        XCTAssertGreaterThan(delay, .seconds(25))
        XCTAssertLessThanOrEqual(delay, .seconds(30))

        // completed always goes out; A now sees B, from B's own source address.
        let done = await a.announce(.completed, stats: TransferStats(uploaded: 0, downloaded: 1000, left: 0))
        XCTAssertEqual(done, [PeerAddress(host: otherHost, port: 7002)])

        let counts = await a.scrape()
        XCTAssertEqual(counts, ScrapeResult(seeders: 1, leechers: 1, downloaded: 1))
        let scraped = await a.statuses().first
        XCTAssertEqual(scraped?.downloaded, 1)
        XCTAssertEqual(scraped?.isCurrent, true)
        XCTAssertNotNil(scraped?.untilNextAnnounce)

        // stopped removes B.
        _ = await b.announce(.stopped, stats: stats)
        let stoppedRow = await b.statuses().first
        XCTAssertNil(stoppedRow?.lastError)
        let after = await a.scrape()
        XCTAssertEqual(after, ScrapeResult(seeders: 1, leechers: 0, downloaded: 1))
        let c = announcer([[url]], port: 7003)
        let seen = await c.announce(.started, stats: stats)
        XCTAssertEqual(seen, [PeerAddress(host: "127.0.0.1", port: 7001)])
    }

    func testHTTPTwoPeersSeeEachOtherStoppedRemovesScrapeCounts() async throws {
        try await twoPeersSeeEachOther(url: httpURL, sendsMinInterval: true)
    }

    func testUDPTwoPeersSeeEachOtherStoppedRemovesScrapeCounts() async throws {
        try await twoPeersSeeEachOther(url: udpURL, sendsMinInterval: false)
    }

    func testHTTPAndUDPShareTheSwarm() async throws {
        let a = announcer([[httpURL]], port: 7101)
        let b = announcer([[udpURL]], port: 7102)
        let stats = TransferStats(uploaded: 0, downloaded: 0, left: 5)
        _ = await a.announce(.started, stats: stats)
        let peers = await b.announce(.started, stats: stats)
        XCTAssertEqual(peers, [PeerAddress(host: "127.0.0.1", port: 7101)])
    }

    func testDeadTier1FallsOverToTier2() async throws {
        let deadPort = try await closedPort()
        let settings = TrackerAnnouncer.Settings(
            httpTimeout: .seconds(2), udpRetry: UDPRetrySchedule(base: .milliseconds(100), maxRetry: 1),
            stoppedTimeout: .seconds(1), scrapeTimeout: .seconds(1))
        let seeder = announcer([[httpURL]], port: 7201)
        _ = await seeder.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 0))

        let dead = ["http://127.0.0.1:\(deadPort)/announce", "udp://127.0.0.1:\(deadPort)/announce"]
        let leecher = announcer([dead, [udpURL]], port: 7202, settings: settings)
        let start = ContinuousClock.now
        let peers = await leecher.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 10))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        XCTAssertEqual(peers, [PeerAddress(host: "127.0.0.1", port: 7201)])
        let rows = await leecher.statuses()
        XCTAssertEqual(rows.map(\.tier), [0, 0, 1])
        for row in rows.prefix(2) {
            XCTAssertEqual(row.state, .failing, row.url)
            XCTAssertNotNil(row.lastError, row.url)
            XCTAssertFalse(row.isCurrent)
        }
        XCTAssertEqual(rows.first { $0.url.hasPrefix("udp://127.0.0.1:\(deadPort)") }?.lastError, "tracker timed out")
        XCTAssertEqual(rows.first { $0.url.hasPrefix("http://127.0.0.1:\(deadPort)") }?.lastError, "network error: connection refused")
        XCTAssertEqual(rows[2].state, .working)
        XCTAssertTrue(rows[2].isCurrent)
        XCTAssertEqual(rows[2].seeders, 1)

        // stopped goes only to the tracker that knows us, and quickly.
        let stopStart = ContinuousClock.now
        _ = await leecher.announce(.stopped, stats: TransferStats(uploaded: 0, downloaded: 0, left: 10))
        XCTAssertLessThan(ContinuousClock.now - stopStart, .seconds(2))
        let counts = await seeder.scrape()
        XCTAssertEqual(counts?.leechers, 0)
    }

    func testAllTrackersDeadRecordsErrorsAndBacksOff() async throws {
        let deadPort = try await closedPort()
        let settings = TrackerAnnouncer.Settings(httpTimeout: .seconds(2), udpRetry: UDPRetrySchedule(base: .milliseconds(50), maxRetry: 0))
        let lonely = announcer([["udp://127.0.0.1:\(deadPort)"], ["wss://tracker.invalid/announce"], ["not a url"]], port: 7301, settings: settings)
        let peers = await lonely.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 1))
        XCTAssertEqual(peers, [])
        let rows = await lonely.statuses()
        XCTAssertEqual(rows.map(\.state), [.failing, .failing, .failing])
        XCTAssertEqual(rows[1].lastError, "unsupported tracker scheme 'wss' (only http, https and udp)")
        XCTAssertEqual(rows[2].lastError, "invalid tracker URL: not a url")
        let delay = await lonely.nextAnnounceDelay()
        XCTAssertGreaterThan(delay, .seconds(20))

        let none = announcer([], port: 7302)
        let empty = await none.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 1))
        XCTAssertEqual(empty, [])
        let noRows = await none.statuses()
        XCTAssertEqual(noRows, [])
    }

    func testSilentTrackersTimeOut() async throws {
        // A TCP listener that accepts and never answers, and a UDP socket that never answers.
        let silentTCP = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let silentUDP = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let settings = TrackerAnnouncer.Settings(
            httpTimeout: .milliseconds(300), udpRetry: UDPRetrySchedule(base: .milliseconds(50), maxRetry: 2))
        let a = announcer(
            [["http://127.0.0.1:\(silentTCP.localAddress!.port!)/announce"], ["udp://127.0.0.1:\(silentUDP.localAddress!.port!)"]],
            port: 7501, settings: settings)
        let start = ContinuousClock.now
        let peers = await a.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 1))
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(peers, [])
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300 + 350))
        XCTAssertLessThan(elapsed, .seconds(3))
        let errors = await a.statuses().map(\.lastError)
        XCTAssertEqual(errors, ["tracker timed out", "tracker timed out"])
        try await silentTCP.close()
        try await silentUDP.close()
    }

    func testPortInUseIsAClearError() async throws {
        do {
            let second = try await TrackerServer.start(host: "127.0.0.1", port: server.port, group: group)
            await second.stop()
            XCTFail("second server on the same port started")
        } catch let error as TrackerServerError {
            XCTAssertTrue("\(error)".contains("\(server.port)"), "\(error)")
            XCTAssertTrue("\(error)".contains("already in use"), "\(error)")
        }
    }

    func testHostileInputDoesNotBreakTheServer() async throws {
        let port = server.port
        // Bad HTTP requests get a bencoded failure or an error status, and the connection closes.
        let missing = try await rawHTTP("GET /announce?info_hash=abc&port=1 HTTP/1.1\r\nHost: x\r\n\r\n", port: port)
        XCTAssertTrue(missing.contains("failure reason"), missing)
        let brokenEscapes = try await rawHTTP("GET /announce?%%%&&==&info_hash=%zz HTTP/1.1\r\n\r\n", port: port)
        XCTAssertTrue(brokenEscapes.contains("failure reason"), brokenEscapes)
        let notFound = try await rawHTTP("GET /nothing HTTP/1.1\r\n\r\n", port: port)
        XCTAssertTrue(notFound.hasPrefix("HTTP/1.1 404"), notFound)
        let garbage = try await rawHTTP("\u{1}\u{2}\u{3} not http at all\r\n\r\n", port: port)
        XCTAssertFalse(garbage.contains("200 OK"), garbage)
        let huge = try await rawHTTP("GET /announce?" + String(repeating: "a", count: 200_000) + " HTTP/1.1\r\n\r\n", port: port)
        XCTAssertFalse(huge.contains("200 OK"))
        let scrapeAll = try await rawHTTP("GET /scrape HTTP/1.1\r\n\r\n", port: port)
        XCTAssertTrue(scrapeAll.contains("d5:files"), scrapeAll)

        // Short, garbage and unauthenticated UDP packets are ignored or refused.
        let udp = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        var forged = UDPTrackerCodec.Request.announce(
            connectionID: 12345, transactionID: 1,
            request: AnnounceRequest(
                infoHash: infoHash, peerID: PeerID.generate(), port: 9, uploaded: 0, downloaded: 0, left: 0, event: .started, key: 0)
        ).encode()
        forged[0] ^= 0xff
        for packet in [[UInt8](), [1, 2, 3], [UInt8](repeating: 0, count: 16), [UInt8](repeating: 0xff, count: 3000), forged] {
            try await udp.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: packet)))
        }
        try await udp.close()

        // Still working, and the forged announce did not register a peer.
        let a = announcer([[udpURL]], port: 7401)
        _ = await a.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 1))
        let b = announcer([[httpURL]], port: 7402)
        let peers = await b.announce(.started, stats: TransferStats(uploaded: 0, downloaded: 0, left: 1))
        XCTAssertEqual(peers, [PeerAddress(host: "127.0.0.1", port: 7401)])
    }

    func testTransportReportsTrackerFailureReason() async throws {
        // A peer id of the wrong length never leaves the client.
        let bad = AnnounceRequest(
            infoHash: infoHash, peerID: [1, 2, 3], port: 1, uploaded: 0, downloaded: 0, left: 0, event: .started, key: 0)
        do {
            _ = try await transport.announce(bad, to: httpURL, bindHost: nil)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .invalidRequest("peer id must be 20 bytes"))
        }
        // A tracker failure reason comes back as .failure.
        let unknownPath = "http://127.0.0.1:\(server.port)/nothing"
        do {
            _ = try await transport.announce(
                AnnounceRequest(
                    infoHash: infoHash, peerID: PeerID.generate(), port: 1, uploaded: 0, downloaded: 0, left: 0, event: .started, key: 0),
                to: unknownPath, bindHost: "127.0.0.1")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .httpStatus(404))
        }
    }

    // MARK: Helpers

    /// A loopback port with nothing listening on it (TCP and UDP).
    func closedPort() async throws -> Int {
        let tcp = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = tcp.localAddress!.port!
        try await tcp.close()
        return port
    }

    /// Sends raw bytes to the server and returns everything it answers until it closes (at most 5 s).
    func rawHTTP(_ text: String, port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: group)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: String?.self) { tasks in
            tasks.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try? await outbound.write(ByteBuffer(string: text))
                    var answer = ByteBuffer()
                    do {
                        for try await var chunk in inbound { answer.writeBuffer(&chunk) }
                    } catch {
                        // A reset after an error response is fine.
                    }
                    return String(buffer: answer)
                }
            }
            tasks.addTask {
                try await Task.sleep(for: .seconds(5))
                return nil
            }
            let first = try await tasks.next()!
            tasks.cancelAll()
            guard let first else {
                XCTFail("server did not close the connection")
                return ""
            }
            return first
        }
    }
}
