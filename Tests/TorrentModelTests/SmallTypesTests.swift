import TorrentModel
import XCTest

final class BitfieldTests: XCTestCase {
    func testSetAndClear() {
        var b = Bitfield(count: 10)
        XCTAssertTrue(b.isEmpty)
        b[0] = true
        b[9] = true
        b[9] = true
        XCTAssertEqual(b.setCount, 2)
        XCTAssertEqual(b.bytes, [0x80, 0x40])
        XCTAssertEqual(b.setIndices, [0, 9])
        b[0] = false
        b[0] = false
        XCTAssertEqual(b.setCount, 1)
        XCTAssertFalse(b.isComplete)
    }

    func testAllSetLeavesSpareBitsClear() {
        let b = Bitfield(count: 10, allSet: true)
        XCTAssertEqual(b.bytes, [0xff, 0xc0])
        XCTAssertTrue(b.isComplete)
        XCTAssertEqual(Bitfield(count: 16, allSet: true).bytes, [0xff, 0xff])
        XCTAssertEqual(Bitfield(count: 0, allSet: true).bytes, [])
    }

    func testWireBytes() throws {
        let b = try XCTUnwrap(Bitfield(wireBytes: [0b1010_0000, 0b0100_0000], count: 10))
        XCTAssertEqual(b.setIndices, [0, 2, 9])
        XCTAssertEqual(b.setCount, 3)
        XCTAssertNotNil(Bitfield(wireBytes: [0xff, 0xff], count: 16))
    }

    func testWireBytesWithSpareBitsSetAreRejected() {
        XCTAssertNil(Bitfield(wireBytes: [0xff, 0xe0], count: 10))
        XCTAssertNil(Bitfield(wireBytes: [0x00, 0x01], count: 10))
        XCTAssertNil(Bitfield(wireBytes: [0x01], count: 7))
        XCTAssertNotNil(Bitfield(wireBytes: [0xfe], count: 7))
    }

    func testWireBytesOfTheWrongLengthAreRejected() {
        XCTAssertNil(Bitfield(wireBytes: [0xff], count: 10))
        XCTAssertNil(Bitfield(wireBytes: [0xff, 0, 0], count: 10))
        XCTAssertNil(Bitfield(wireBytes: [0], count: 0))
        XCTAssertNotNil(Bitfield(wireBytes: [], count: 0))
    }
}

final class PeerAddressTests: XCTestCase {
    func testCompactIPv4() {
        let peers = PeerAddress.decodeCompact([10, 0, 0, 1, 0x1a, 0xe1, 192, 168, 1, 200, 0, 80, 9, 9])
        XCTAssertEqual(peers, [PeerAddress(host: "10.0.0.1", port: 6881), PeerAddress(host: "192.168.1.200", port: 80)])
        XCTAssertEqual(peers[0].compactIPv4, [10, 0, 0, 1, 0x1a, 0xe1])
        XCTAssertEqual(PeerAddress.decodeCompact([]), [])
    }

    func testCompactIPv6() {
        var bytes = [UInt8](repeating: 0, count: 18)
        bytes[0] = 0x20
        bytes[1] = 0x01
        bytes[15] = 1
        bytes[16] = 0x1a
        bytes[17] = 0xe1
        let peers = PeerAddress.decodeCompact(bytes, ipv6: true)
        XCTAssertEqual(peers, [PeerAddress(host: "2001:0:0:0:0:0:0:1", port: 6881)])
        XCTAssertEqual(peers[0].description, "[2001::1]:6881", "shown in the short form")
        XCTAssertNil(peers[0].compactIPv4)
    }

    func testParsing() {
        XCTAssertEqual(PeerAddress("1.2.3.4:5"), PeerAddress(host: "1.2.3.4", port: 5))
        XCTAssertEqual(PeerAddress("[::1]:6881"), PeerAddress(host: "::1", port: 6881))
        XCTAssertEqual(PeerAddress("example.org:80")?.host, "example.org")
        XCTAssertNil(PeerAddress("1.2.3.4"))
        XCTAssertNil(PeerAddress("1.2.3.4:70000"))
        XCTAssertNil(PeerAddress(":80"))
        XCTAssertNil(PeerAddress("::1:80"))
        XCTAssertNil(PeerAddress("[]:80"))
        XCTAssertEqual(PeerAddress(host: "1.2.3.4", port: 5).description, "1.2.3.4:5")
    }

    func testIPv6CompactFormAndNormalizing() {
        let loopback = PeerAddress(host: "::1", port: 0x1AE1)
        XCTAssertEqual(loopback.compactIPv6, [UInt8](repeating: 0, count: 15) + [1, 0x1A, 0xE1])
        XCTAssertNil(loopback.compactIPv4)
        XCTAssertEqual(PeerAddress.decodeCompact(loopback.compactIPv6!, ipv6: true), [loopback.normalized])
        XCTAssertEqual(loopback.normalized.host, "0:0:0:0:0:0:0:1")
        XCTAssertNil(PeerAddress(host: "::ffff:1.2.3.4", port: 1).compactIPv6, "IPv4-mapped is IPv4")
        XCTAssertEqual(PeerAddress(host: "::ffff:1.2.3.4", port: 1).normalized, PeerAddress(host: "1.2.3.4", port: 1))
        XCTAssertNil(PeerAddress(host: "1.2.3.4", port: 1).compactIPv6)
        XCTAssertNil(PeerAddress(host: "tracker.example", port: 1).compactIPv6)
        XCTAssertEqual(PeerAddress(host: "tracker.example", port: 1).normalized.host, "tracker.example")
    }

    func testIPv6IsShownInItsShortForm() {
        XCTAssertEqual(PeerAddress(host: "0:0:0:0:0:0:0:1", port: 6881).description, "[::1]:6881")
        XCTAssertEqual(IPAddressText.compressed("0:0:0:0:0:0:0:0"), "::")
        XCTAssertEqual(IPAddressText.compressed("fe80:0:0:0:0:0:0:5"), "fe80::5")
        XCTAssertEqual(IPAddressText.compressed("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1", "the first of equal runs")
        XCTAssertEqual(IPAddressText.compressed("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1", "the longest run")
        XCTAssertEqual(IPAddressText.compressed("1:0:2:0:3:0:4:0"), "1:0:2:0:3:0:4:0", "no run of two")
        XCTAssertEqual(IPAddressText.compressed("1:2:3:4:5:6:7:0"), "1:2:3:4:5:6:7:0")
        XCTAssertEqual(IPAddressText.compressed("1:0:0:0:0:0:0:0"), "1::")
        XCTAssertEqual(IPAddressText.compressed("127.0.0.1"), "127.0.0.1")
        XCTAssertEqual(IPAddressText.compressed("not an address"), "not an address")
        XCTAssertEqual(PeerAddress(PeerAddress(host: "fe80:0:0:0:0:0:0:5", port: 1).description)?.normalized,
                       PeerAddress(host: "fe80:0:0:0:0:0:0:5", port: 1), "the text parses back to the same peer")
    }

    func testCompactIPv4RejectsOtherHosts() {
        XCTAssertNil(PeerAddress(host: "example.org", port: 1).compactIPv4)
        XCTAssertNil(PeerAddress(host: "1.2.3.256", port: 1).compactIPv4)
        XCTAssertNil(PeerAddress(host: "1.2.3", port: 1).compactIPv4)
    }
}

final class PeerIDTests: XCTestCase {
    private func id(_ prefix: String) -> [UInt8] { Array((prefix + String(repeating: "x", count: 20)).utf8.prefix(20)) }

    func testGeneratedIDsAreOurs() {
        let a = PeerID.generate()
        XCTAssertEqual(a.count, 20)
        XCTAssertTrue(a.starts(with: Array(PeerID.clientPrefix.utf8)))
        XCTAssertNotEqual(a, PeerID.generate())
        XCTAssertEqual(PeerID.clientName(a), "Swarm 0.1.0")
    }

    func testClientNames() {
        XCTAssertEqual(PeerID.clientName(id("-LT2080-")), "libtorrent 2.0.8")
        XCTAssertEqual(PeerID.clientName(id("-qB4620-")), "qBittorrent 4.6.2")
        XCTAssertEqual(PeerID.clientName(id("-TR3000-")), "Transmission 3.00")
        XCTAssertEqual(PeerID.clientName(id("-DE2110-")), "Deluge 2.1.1")
        XCTAssertEqual(PeerID.clientName(id("-ZZ1234-")), "ZZ 1234")
        XCTAssertEqual(PeerID.clientName(id("A2-1-35-0-")), "aria2")
        XCTAssertEqual(PeerID.clientName(id("M7-2-3--")), "unknown")
        XCTAssertEqual(PeerID.clientName([1, 2, 3]), "unknown")
    }
}

final class TextSafetyTests: XCTestCase {
    func testTerminalSafeReplacesControls() {
        XCTAssertEqual("plain name.mkv".terminalSafe, "plain name.mkv")
        XCTAssertEqual("a\u{1b}]0;pwned\u{07}b".terminalSafe, "a?]0;pwned?b")
        XCTAssertEqual("x\u{9b}31my".terminalSafe, "x?31my")
        XCTAssertEqual("tab\tnew\nline\r\u{7f}\u{0}".terminalSafe, "tab?new?line???")
        XCTAssertEqual("evil\u{202e}gnp.exe".terminalSafe, "evil?gnp.exe")
        XCTAssertEqual("日本語 ✓ é".terminalSafe, "日本語 ✓ é")
    }

    func testPathSanitizer() {
        XCTAssertEqual(PathSanitizer.sanitize(component: "ok.txt"), "ok.txt")
        XCTAssertEqual(PathSanitizer.sanitize(component: "a/b\\c\u{0}d"), "a_b_c_d")
        XCTAssertEqual(PathSanitizer.sanitize(component: ".."), "_")
        XCTAssertEqual(PathSanitizer.sanitize(component: ".hidden"), ".hidden")
    }

    func testTruncationWithoutExtension() {
        let name = PathSanitizer.sanitize(component: String(repeating: "a", count: 1000))
        XCTAssertEqual(name, String(repeating: "a", count: 255))
    }

    func testTruncationOfOneHugeGraphemeTerminatesAndKeepsSomething() {
        // One character: "e" followed by 400 combining acute accents (801 bytes), then a long "extension".
        let cluster = "e" + String(repeating: "\u{301}", count: 400)
        for name in [cluster, "." + cluster, "x." + cluster, cluster + ".txt"] {
            let cut = PathSanitizer.sanitize(component: name)
            XCTAssertLessThanOrEqual(cut.utf8.count, 255)
            XCTAssertFalse(cut.isEmpty)
        }
        XCTAssertTrue(PathSanitizer.sanitize(component: cluster + ".txt").hasSuffix(".txt"))
    }
}

final class PieceByteCountTests: XCTestCase {
    func testByteCountCountsTheShortLastPieceAtItsLength() {
        let geometry = PieceGeometry(pieceLength: 100, totalLength: 350)  // 100, 100, 100, 50
        var have = Bitfield(count: 4)
        XCTAssertEqual(geometry.byteCount(of: have), 0)
        have[1] = true
        XCTAssertEqual(geometry.byteCount(of: have), 100)
        have[3] = true
        XCTAssertEqual(geometry.byteCount(of: have), 150)
        XCTAssertEqual(geometry.byteCount(of: Bitfield(count: 4, allSet: true)), 350)
    }
}
