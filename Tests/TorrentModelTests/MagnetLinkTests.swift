import TorrentModel
import XCTest

final class MagnetLinkTests: XCTestCase {
    let hex = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a"

    func testHexInfoHashNameTrackersAndPeers() throws {
        let link = try MagnetLink(parsing:
            "magnet:?xt=urn:btih:\(hex.uppercased())&dn=My+Show%20S01&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
            + "&tr=udp://127.0.0.1:6969&x.pe=127.0.0.1:6881&x.pe=%5B::1%5D:6882&x.pe=[fe80::2]:7")
        XCTAssertEqual(link.infoHash.hex, hex)
        XCTAssertEqual(link.displayName, "My Show S01")
        XCTAssertEqual(link.trackers, ["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"])
        XCTAssertEqual(link.peers, [
            PeerAddress(host: "127.0.0.1", port: 6881), PeerAddress(host: "::1", port: 6882),
            PeerAddress(host: "fe80::2", port: 7),
        ])
        XCTAssertNil(link.selectedFiles)
    }

    func testBase32InfoHashEqualsHex() throws {
        let bytes = try XCTUnwrap(InfoHash(hex: hex)).bytes
        let base32 = Base32.encode(bytes)
        XCTAssertEqual(base32.count, 32)
        XCTAssertEqual(try MagnetLink(parsing: "magnet:?xt=urn:btih:\(base32)").infoHash.hex, hex)
        XCTAssertEqual(try MagnetLink(parsing: "magnet:?xt=urn:btih:\(base32.lowercased())").infoHash.hex, hex)
        // A known vector: 20 zero bytes are 32 'A's.
        XCTAssertEqual(try MagnetLink(parsing: "magnet:?xt=urn:btih:" + String(repeating: "A", count: 32))
            .infoHash.bytes, [UInt8](repeating: 0, count: 20))
    }

    func testBase32RoundTripsAndRejectsForeignCharacters() {
        for length in [0, 5, 10, 20] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            XCTAssertEqual(Base32.decode(Base32.encode(bytes)), bytes, "length \(length)")
        }
        XCTAssertNil(Base32.decode("AAAAAAA1"))
        XCTAssertNil(Base32.decode("AAAAAAA"))
    }

    func testFileSelection() throws {
        let link = try MagnetLink(parsing: "magnet:?xt=urn:btih:\(hex)&so=0,2,4-6")
        let selection = try XCTUnwrap(link.selectedFiles)
        XCTAssertEqual((0..<9).filter(selection.contains), [0, 2, 4, 5, 6])
        XCTAssertEqual(selection.description, "0,2,4-6")
    }

    func testNumberedKeysAndUnknownParameters() throws {
        let link = try MagnetLink(parsing:
            "magnet:?xt.1=urn:btih:\(hex)&tr.1=http://a/announce&tr.2=http://b/announce&xl=10&ws=http://w/&kt=x&&")
        XCTAssertEqual(link.trackers, ["http://a/announce", "http://b/announce"])
    }

    func testDuplicatesAreDroppedAndSameHashTwiceIsFine() throws {
        let link = try MagnetLink(parsing:
            "magnet:?xt=urn:btih:\(hex)&xt=urn:btih:\(hex.uppercased())&tr=http://a/&tr=http://a/"
            + "&x.pe=127.0.0.1:1&x.pe=127.0.0.1:1&xt=urn:btmh:1220abcd")
        XCTAssertEqual(link.trackers.count, 1)
        XCTAssertEqual(link.peers.count, 1)
    }

    func testURIRoundTrips() throws {
        let link = try MagnetLink(parsing:
            "magnet:?xt=urn:btih:\(hex)&dn=a%26b%3Dc%20%C3%A9&tr=http://127.0.0.1:1/announce?x=1%26y=2"
            + "&x.pe=[::1]:5&so=1-3,7")
        XCTAssertEqual(link.displayName, "a&b=c é")
        XCTAssertEqual(link.trackers, ["http://127.0.0.1:1/announce?x=1&y=2"])
        XCTAssertEqual(try MagnetLink(parsing: link.uri), link)
        XCTAssertTrue(link.uri.hasPrefix("magnet:?xt=urn:btih:\(hex)&dn=a%26b%3Dc%20%C3%A9"))
    }

    func testUppercaseSchemeAndSurroundingSpaces() throws {
        XCTAssertEqual(try MagnetLink(parsing: "  MAGNET:?XT=URN:BTIH:\(hex)\n").infoHash.hex, hex)
    }

    func testBadLinksSayWhatIsWrong() {
        let cases: [(String, MagnetError)] = [
            ("http://example/x.torrent", .notAMagnetLink),
            ("magnet:", .notAMagnetLink),
            ("magnet:?dn=x", .missingInfoHash),
            ("magnet:?xt=urn:btmh:1220" + String(repeating: "a", count: 64), .onlyVersion2),
            ("magnet:?xt=urn:btih:1234", .badInfoHash("1234")),
            ("magnet:?xt=urn:btih:" + String(repeating: "g", count: 40), .badInfoHash(String(repeating: "g", count: 40))),
            ("magnet:?xt=urn:btih:" + String(repeating: "1", count: 32), .badInfoHash(String(repeating: "1", count: 32))),
            ("magnet:?xt=urn:btih:\(hex)&xt=urn:btih:" + String(repeating: "0", count: 40), .conflictingInfoHashes),
            ("magnet:?xt=urn:btih:\(hex)&dn=%zz", .badPercentEncoding("dn")),
            ("magnet:?xt=urn:btih:\(hex)&dn=abc%4", .badPercentEncoding("dn")),
            ("magnet:?xt=urn:btih:\(hex)&tr=not-a-url", .badTracker("not-a-url")),
            ("magnet:?xt=urn:btih:\(hex)&tr=http://a/%0Ab", .badTracker("http://a/\nb")),
            ("magnet:?xt=urn:btih:\(hex)&x.pe=127.0.0.1", .badPeerAddress("127.0.0.1")),
            ("magnet:?xt=urn:btih:\(hex)&x.pe=::1:80", .badPeerAddress("::1:80")),
            ("magnet:?xt=urn:btih:\(hex)&x.pe=1.2.3.4:0", .badPeerAddress("1.2.3.4:0")),
            ("magnet:?xt=urn:btih:\(hex)&x.pe=1.2.3.4:70000", .badPeerAddress("1.2.3.4:70000")),
            ("magnet:?xt=urn:btih:\(hex)&x.pe=a%20b:80", .badPeerAddress("a b:80")),
            ("magnet:?xt=urn:btih:\(hex)&so=", .badFileSelection("")),
            ("magnet:?xt=urn:btih:\(hex)&so=1,,2", .badFileSelection("1,,2")),
            ("magnet:?xt=urn:btih:\(hex)&so=5-2", .badFileSelection("5-2")),
            ("magnet:?xt=urn:btih:\(hex)&so=1-2-3", .badFileSelection("1-2-3")),
            ("magnet:?xt=urn:btih:\(hex)&so=-1", .badFileSelection("-1")),
            ("magnet:?xt=urn:btih:\(hex)&so=99999999999999999999", .badFileSelection("99999999999999999999")),
            ("magnet:?xt=urn:btih:\(hex)&so=0-9999999", .badFileSelection("0-9999999")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try MagnetLink(parsing: text), text) { error in
                XCTAssertEqual(error as? MagnetError, expected, text)
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
    }

    func testHostileSizesAreRefused() {
        let long = "magnet:?xt=urn:btih:\(hex)&dn=" + String(repeating: "x", count: MagnetLink.maxLength)
        XCTAssertThrowsError(try MagnetLink(parsing: long)) { XCTAssertEqual($0 as? MagnetError, .tooLong(long.utf8.count)) }
        let trackers = (0...MagnetLink.maxTrackers).map { "&tr=http://t\($0)/" }.joined()
        XCTAssertThrowsError(try MagnetLink(parsing: "magnet:?xt=urn:btih:\(hex)" + trackers)) {
            XCTAssertEqual($0 as? MagnetError, .tooMany("trackers", limit: MagnetLink.maxTrackers))
        }
        let peers = (0...MagnetLink.maxPeers).map { "&x.pe=10.0.\($0 / 250).\($0 % 250):1" }.joined()
        XCTAssertThrowsError(try MagnetLink(parsing: "magnet:?xt=urn:btih:\(hex)" + peers)) {
            XCTAssertEqual($0 as? MagnetError, .tooMany("peers", limit: MagnetLink.maxPeers))
        }
    }

    func testErrorDescriptionsAreTerminalSafe() {
        XCTAssertThrowsError(try MagnetLink(parsing: "magnet:?xt=urn:btih:%1B%5B2J")) { error in
            XCTAssertFalse("\(error)".unicodeScalars.contains { $0.value == 0x1b })
        }
    }

    func testEveryPrefixAndMutationOfAGoodLinkIsHandled() {
        // Bad input never crashes: cut a good link everywhere and flip each character in turn.
        let good = "magnet:?xt=urn:btih:\(hex)&dn=a%20b&tr=http://x/&x.pe=[::1]:5&so=0,2-3"
        let chars = Array(good)
        for end in 0...chars.count { _ = try? MagnetLink(parsing: String(chars[0..<end])) }
        for i in chars.indices {
            for replacement in ["%", "&", "=", "[", ":", "-", ",", "\u{0}", "é"] {
                var mutated = chars
                mutated[i] = Character(replacement)
                _ = try? MagnetLink(parsing: String(mutated))
            }
        }
    }
}

final class TorrentFileBytesTests: XCTestCase {
    func testFetchedInfoDictionaryBecomesATorrentFileWithTheSameHash() throws {
        // Keys out of order on purpose: the bytes must be kept, not re-encoded.
        let info = Array("d6:lengthi5e4:name1:x12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae".utf8)
        let meta = try Metainfo(infoBytes: info, trackerTiers: [["http://127.0.0.1:1/announce", "udp://127.0.0.1:2"]])
        let reread = try Metainfo(bytes: meta.torrentFileBytes)
        XCTAssertEqual(reread.infoHash, meta.infoHash)
        XCTAssertEqual(reread.infoBytes, info)
        XCTAssertEqual(reread.trackerTiers, meta.trackerTiers)
        XCTAssertEqual(try Metainfo(bytes: try Metainfo(infoBytes: info).torrentFileBytes).trackerTiers, [])
    }
}
