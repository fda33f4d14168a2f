import Bencode
import TorrentModel
import XCTest

@testable import Tracker

final class HTTPTrackerCodecTests: XCTestCase {
    func encode(_ pairs: [String: BencodeValue]) -> [UInt8] { BencodeEncoder.encode(.dict(pairs)) }

    func testCompactPeersAndCounts() throws {
        let body = encode([
            "interval": .integer(1800), "min interval": .integer(900), "complete": .integer(3),
            "incomplete": .integer(4), "tracker id": .string("abc"), "warning message": .string("careful"),
            "peers": .bytes([127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0x00, 0x50]),
        ])
        let response = try HTTPTrackerCodec.parseAnnounceResponse(body)
        XCTAssertEqual(response.interval, 1800)
        XCTAssertEqual(response.minInterval, 900)
        XCTAssertEqual(response.seeders, 3)
        XCTAssertEqual(response.leechers, 4)
        XCTAssertEqual(response.trackerID, "abc")
        XCTAssertEqual(response.warning, "careful")
        XCTAssertEqual(response.peers, [PeerAddress(host: "127.0.0.1", port: 6881), PeerAddress(host: "10.0.0.2", port: 80)])
    }

    func testDictionaryPeersAndPeers6() throws {
        var v6: [UInt8] = [UInt8](repeating: 0, count: 15) + [1]
        v6 += [0x1a, 0xe2]
        let body = encode([
            "interval": .integer(60),
            "peers": .list([
                .dict(["ip": .string("192.168.1.5"), "port": .integer(51413), "peer id": .bytes([UInt8](repeating: 7, count: 20))]),
                .dict(["ip": .string("[2001:db8::1]"), "port": .integer(6881)]),
                .dict(["ip": .string("1.2.3.4"), "port": .integer(0)]),  // invalid port: skipped
                .dict(["port": .integer(1)]),  // no ip: skipped
                .integer(5),  // not a dictionary: skipped
            ]),
            "peers6": .bytes(v6),
        ])
        let response = try HTTPTrackerCodec.parseAnnounceResponse(body)
        XCTAssertEqual(
            response.peers,
            [
                PeerAddress(host: "192.168.1.5", port: 51413), PeerAddress(host: "2001:db8::1", port: 6881),
                PeerAddress(host: "0:0:0:0:0:0:0:1", port: 6882),
            ])
        XCTAssertNil(response.minInterval)
        XCTAssertNil(response.seeders)
    }

    func testFailureReasonBecomesError() {
        let body = encode(["failure reason": .string("torrent not registered"), "interval": .integer(5)])
        XCTAssertThrowsError(try HTTPTrackerCodec.parseAnnounceResponse(body)) { error in
            XCTAssertEqual(error as? TrackerError, .failure("torrent not registered"))
            XCTAssertTrue("\(error)".contains("torrent not registered"))
        }
    }

    func testMalformedResponses() {
        let bodies: [[UInt8]] = [
            [], Array("<html>nope</html>".utf8), Array("i5e".utf8), Array("d8:intervali5e".utf8),
            encode(["interval": .integer(5), "peers": .bytes([1, 2, 3, 4, 5])]),
            encode(["interval": .integer(5), "peers": .integer(3)]),
            encode(["interval": .integer(5), "peers": .bytes([]), "peers6": .bytes([1, 2])]),
        ]
        for body in bodies {
            XCTAssertThrowsError(try HTTPTrackerCodec.parseAnnounceResponse(body)) { error in
                guard case .malformedResponse = error as? TrackerError else {
                    return XCTFail("unexpected \(error) for \(body)")
                }
            }
        }
    }

    func testEncodeResponseRoundTrips() throws {
        let peers = [
            PeerAddress(host: "127.0.0.2", port: 1000), PeerAddress(host: "0:0:0:0:0:0:0:1", port: 2000),
            PeerAddress(host: "127.0.0.3", port: 3000),
        ]
        let response = AnnounceResponse(interval: 30, minInterval: 15, peers: peers, seeders: 1, leechers: 2, warning: "w", trackerID: "t")
        let compact = try HTTPTrackerCodec.parseAnnounceResponse(HTTPTrackerCodec.encodeAnnounceResponse(response, compact: true))
        XCTAssertEqual(Set(compact.peers), Set(peers))
        XCTAssertEqual(compact.interval, 30)
        XCTAssertEqual(compact.minInterval, 15)
        XCTAssertEqual(compact.warning, "w")
        let compactRaw = try BencodeDecoder().decode(HTTPTrackerCodec.encodeAnnounceResponse(response, compact: true))
        XCTAssertEqual(compactRaw["peers"]?.bytes?.count, 12)
        XCTAssertEqual(compactRaw["peers6"]?.bytes?.count, 18)

        let ids = [peers[0]: [UInt8](repeating: 9, count: 20)]
        let dictBody = HTTPTrackerCodec.encodeAnnounceResponse(response, compact: false, peerIDs: ids)
        XCTAssertEqual(try HTTPTrackerCodec.parseAnnounceResponse(dictBody), response)
        let raw = try BencodeDecoder().decode(dictBody)
        XCTAssertEqual(raw["peers"]?.list?.first?["peer id"]?.bytes, ids[peers[0]])
    }

    func testScrapeResponse() throws {
        let a = InfoHash(bytes: [UInt8](repeating: 1, count: 20))!
        let b = InfoHash(bytes: [UInt8](repeating: 2, count: 20))!
        let body = HTTPTrackerCodec.encodeScrapeResponse([a: ScrapeResult(seeders: 5, leechers: 6, downloaded: 7)])
        XCTAssertEqual(try HTTPTrackerCodec.parseScrapeResponse(body, for: a), ScrapeResult(seeders: 5, leechers: 6, downloaded: 7))
        XCTAssertEqual(try HTTPTrackerCodec.parseScrapeResponse(body, for: b), ScrapeResult(seeders: 0, leechers: 0, downloaded: 0))
        XCTAssertThrowsError(try HTTPTrackerCodec.parseScrapeResponse(encode(["failure reason": .string("no scrape")]), for: a)) {
            XCTAssertEqual($0 as? TrackerError, .failure("no scrape"))
        }
        XCTAssertThrowsError(try HTTPTrackerCodec.parseScrapeResponse(encode(["x": .integer(1)]), for: a))
        let query = "info_hash=" + PercentEncoding.encode(a.bytes) + "&info_hash=" + PercentEncoding.encode(b.bytes) + "&info_hash=short"
        XCTAssertEqual(HTTPTrackerCodec.parseScrapeQuery(query), [a, b])
    }

    func testEventCodes() {
        for event in AnnounceEvent.allCases {
            XCTAssertEqual(AnnounceEvent(udpCode: event.udpCode), event)
            XCTAssertEqual(AnnounceEvent(httpValue: event.httpValue), event)
        }
        XCTAssertEqual(AnnounceEvent.completed.udpCode, 1)
        XCTAssertEqual(AnnounceEvent.started.udpCode, 2)
        XCTAssertEqual(AnnounceEvent.stopped.udpCode, 3)
        XCTAssertNil(AnnounceEvent(udpCode: 4))
        XCTAssertNil(AnnounceEvent(httpValue: "bogus"))
    }
}
