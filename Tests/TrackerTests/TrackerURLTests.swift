import TorrentModel
import XCTest

@testable import Tracker

final class TrackerURLTests: XCTestCase {
    let hash = InfoHash(bytes: Array(0..<20))!
    let peerID = Array("-SW0100-abcdefghijkl".utf8)

    func testParsesComponents() throws {
        let url = try XCTUnwrap(TrackerURL("HTTP://tracker.example:8080/path/announce?a=1#frag"))
        XCTAssertEqual(url.scheme, "http")
        XCTAssertEqual(url.host, "tracker.example")
        XCTAssertEqual(url.port, 8080)
        XCTAssertEqual(url.path, "/path/announce")
        XCTAssertEqual(url.query, "a=1")
        XCTAssertEqual(url.text, "HTTP://tracker.example:8080/path/announce?a=1")

        let v6 = try XCTUnwrap(TrackerURL("udp://[::1]:6969/announce"))
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.port, 6969)
        XCTAssertEqual(TrackerURL("https://example.org/announce")?.port, 443)
        XCTAssertEqual(TrackerURL("http://example.org")?.port, 80)
        XCTAssertNil(TrackerURL("udp://example.org/announce")?.port)
        XCTAssertNil(TrackerURL("no scheme"))
        XCTAssertNil(TrackerURL("http://:80/announce"))
        XCTAssertNil(TrackerURL("http://host:99999/announce"))
        XCTAssertNil(TrackerURL("http://host:abc/announce"))
        XCTAssertNil(TrackerURL("http://[::1/announce"))
    }

    func testPercentEncodingOfBinary() {
        XCTAssertEqual(PercentEncoding.encode([0x00, 0x41, 0x7e, 0x2d, 0x2e, 0x5f, 0x20, 0xff, 0x2b, 0x26]), "%00A~-._%20%FF%2B%26")
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(PercentEncoding.decode(PercentEncoding.encode(all)), all)
        XCTAssertEqual(PercentEncoding.decode("a+b%41"), Array("a bA".utf8))
        XCTAssertNil(PercentEncoding.decode("%4"))
        XCTAssertNil(PercentEncoding.decode("%zz"))
    }

    func testAnnounceURLEncodesHashAndKeepsQuery() throws {
        let hash = InfoHash(hex: "123456789abcdef123456789abcdef123456789a")!
        let request = AnnounceRequest(
            infoHash: hash, peerID: peerID, port: 6881, uploaded: 10, downloaded: 20, left: 30, event: .started,
            numWant: 40, key: 0xBEEF, compact: true)
        let url = try HTTPTrackerCodec.announceURL("http://t.example/announce?passkey=abc", request: request)
        XCTAssertTrue(url.hasPrefix("http://t.example/announce?passkey=abc&info_hash="), url)
        XCTAssertTrue(url.contains("info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"), url)
        XCTAssertTrue(url.contains("peer_id=-SW0100-abcdefghijkl"), url)
        for part in ["port=6881", "uploaded=10", "downloaded=20", "left=30", "event=started", "numwant=40", "compact=1", "key=0000BEEF"] {
            XCTAssertTrue(url.contains("&" + part), part)
        }
        XCTAssertEqual(url.filter { $0 == "?" }.count, 1)

        var regular = request
        regular.event = .none
        regular.trackerID = "id 1"
        let url2 = try HTTPTrackerCodec.announceURL("http://t.example/announce", request: regular)
        XCTAssertFalse(url2.contains("event="))
        XCTAssertTrue(url2.contains("trackerid=id%201"))
        XCTAssertTrue(url2.hasPrefix("http://t.example/announce?info_hash="))

        var bad = request
        bad.peerID = [1, 2, 3]
        XCTAssertThrowsError(try HTTPTrackerCodec.announceURL("http://t.example/announce", request: bad))
    }

    func testAnnounceURLRoundTripsThroughServerParser() throws {
        let request = AnnounceRequest(
            infoHash: InfoHash(bytes: (0..<20).map { UInt8(255 - $0 * 7 % 256) })!, peerID: (0..<20).map { UInt8($0 * 13) },
            port: 51413, uploaded: 1 << 40, downloaded: 5, left: 0, event: .completed, numWant: 25, key: 0xDEADBEEF,
            compact: false, trackerID: "xyz")
        let url = try HTTPTrackerCodec.announceURL("http://h/announce?x=1", request: request)
        let query = String(url[url.index(after: url.firstIndex(of: "?")!)...])
        let received = try HTTPTrackerCodec.parseAnnounceQuery(query)
        XCTAssertEqual(received.request, request)
        XCTAssertFalse(received.noPeerID)
    }

    func testServerQueryParserRejectsBadInput() {
        let good = "info_hash=" + PercentEncoding.encode([UInt8](repeating: 1, count: 20)) + "&peer_id="
            + PercentEncoding.encode([UInt8](repeating: 2, count: 20))
        XCTAssertNoThrow(try HTTPTrackerCodec.parseAnnounceQuery(good + "&port=1&left=0"))
        for bad in [
            "", "&&&", "info_hash=abc&peer_id=x&port=1&left=0", good + "&left=0", good + "&port=0&left=0",
            good + "&port=70000&left=0", good + "&port=1", good + "&port=1&left=-5", good + "&port=1&left=0&event=bogus",
            good + "&port=%zz&left=0", "info_hash=%&peer_id=%%%", good + "&port=99999999999999999999999&left=0",
        ] {
            XCTAssertThrowsError(try HTTPTrackerCodec.parseAnnounceQuery(bad), bad)
        }
    }

    func testScrapeURLDerivation() {
        let cases: [(String, String?)] = [
            ("http://example.com/announce", "http://example.com/scrape"),
            ("http://example.com/x/announce", "http://example.com/x/scrape"),
            ("http://example.com/announce.php", "http://example.com/scrape.php"),
            ("http://example.com/a", nil),
            ("http://example.com/announce?x2%0644", "http://example.com/scrape?x2%0644"),
            ("http://example.com/announce?x=2/4", "http://example.com/scrape?x=2/4"),
            ("http://example.com/x%064announce", nil),
            ("http://example.com", nil),
            ("https://example.com:8443/tr/announce", "https://example.com:8443/tr/scrape"),
        ]
        for (announce, scrape) in cases {
            XCTAssertEqual(TrackerURL(announce)?.scrapeURL, scrape, announce)
        }
        XCTAssertEqual(TrackerURL("udp://example.com:80/announce")?.scrapeURL, "udp://example.com:80/announce")
        XCTAssertEqual(
            HTTPTrackerCodec.scrapeURL("http://example.com/announce?k=v", infoHashes: [hash]),
            "http://example.com/scrape?k=v&info_hash=%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13")
        XCTAssertNil(HTTPTrackerCodec.scrapeURL("http://example.com/a", infoHashes: [hash]))
    }

    func testIPAddressText() {
        XCTAssertEqual(IPAddressText.ipv4Bytes("127.0.0.2"), [127, 0, 0, 2])
        XCTAssertNil(IPAddressText.ipv4Bytes("256.0.0.1"))
        XCTAssertNil(IPAddressText.ipv4Bytes("1.2.3"))
        XCTAssertEqual(IPAddressText.ipv6Bytes("::1"), [UInt8](repeating: 0, count: 15) + [1])
        XCTAssertEqual(IPAddressText.ipv6Bytes("2001:db8::8:800:200c:417a")?.count, 16)
        XCTAssertEqual(IPAddressText.ipv6Bytes("::ffff:1.2.3.4")?.suffix(6), [0xff, 0xff, 1, 2, 3, 4])
        XCTAssertNil(IPAddressText.ipv6Bytes("1::2::3"))
        XCTAssertNil(IPAddressText.ipv6Bytes("1:2:3:4:5:6:7:8:9"))
        XCTAssertNil(IPAddressText.ipv6Bytes("12345::"))
        XCTAssertEqual(IPAddressText.normalize("::ffff:10.0.0.1"), "10.0.0.1")
        XCTAssertEqual(IPAddressText.normalize("::1"), "0:0:0:0:0:0:0:1")
        XCTAssertEqual(IPAddressText.normalize("127.0.0.1"), "127.0.0.1")
    }
}
