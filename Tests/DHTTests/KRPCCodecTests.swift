import Bencode
@testable import DHT
import TorrentModel
import XCTest

final class KRPCCodecTests: XCTestCase {
    let a = id(0xaa, rest: 1)
    let b = id(0xbb, rest: 2)

    private func roundTrip(_ message: KRPCMessage, file: StaticString = #filePath, line: UInt = #line) throws {
        let decoded = try KRPCCodec.decode(KRPCCodec.encode(message))
        XCTAssertEqual(decoded, message, file: file, line: line)
    }

    func testQueriesRoundTrip() throws {
        try roundTrip(KRPCMessage(transactionID: [1, 2], body: .query(sender: a, .ping)))
        try roundTrip(KRPCMessage(transactionID: [1, 3], body: .query(sender: a, .ping), readOnly: true))
        try roundTrip(KRPCMessage(transactionID: [3], body: .query(sender: a, .findNode(target: b, want: [.ipv4, .ipv6]))))
        try roundTrip(KRPCMessage(transactionID: [4], body: .query(sender: a, .getPeers(infoHash: b, want: []))))
        try roundTrip(KRPCMessage(
            transactionID: [5], body: .query(sender: a, .announcePeer(infoHash: b, port: 6881, token: [9, 9], impliedPort: false)),
            version: Array("SW01".utf8)))
        try roundTrip(KRPCMessage(
            transactionID: [6], body: .query(sender: a, .announcePeer(infoHash: b, port: 0, token: [1], impliedPort: true))))
    }

    func testResponsesAndErrorsRoundTrip() throws {
        let v4 = [NodeInfo(id: b, address: NodeAddress(host: "127.0.0.1", port: 6881))]
        let v6 = [NodeInfo(id: a, address: NodeAddress(host: "::1", port: 7000))]
        let peers = [PeerAddress(host: "127.0.0.2", port: 51413), PeerAddress(host: "fe80::1", port: 1)]
        try roundTrip(KRPCMessage(transactionID: [7, 7], body: .response(
            KRPCResponse(id: a, nodes: v4, nodes6: v6, values: peers, token: [1, 2, 3]))))
        try roundTrip(KRPCMessage(transactionID: [8], body: .error(code: 201, message: "A Generic Error Ocurred")))
    }

    /// The example get_peers query of BEP 5, byte for byte.
    func testDecodesBEP5Example() throws {
        let text = "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"
        let message = try KRPCCodec.decode(Array(text.utf8))
        XCTAssertEqual(message.transactionID, Array("aa".utf8))
        XCTAssertEqual(message.body, .query(
            sender: NodeID(bytes: Array("abcdefghij0123456789".utf8))!,
            .getPeers(infoHash: NodeID(bytes: Array("mnopqrstuvwxyz123456".utf8))!, want: [])))
        let reply = "d1:rd2:id20:mnopqrstuvwxyz1234565:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"
        guard case .response(let response) = try KRPCCodec.decode(Array(reply.utf8)).body else {
            return XCTFail("not a response")
        }
        XCTAssertEqual(response.values, [
            PeerAddress(host: "97.120.106.101", port: 0x2e75), PeerAddress(host: "105.100.104.116", port: 0x6e6d),
        ])
        XCTAssertEqual(response.token, Array("aoeusnth".utf8))
    }

    func testCompactNodeSizes() {
        let v4 = NodeInfo(id: a, address: NodeAddress(host: "10.0.0.1", port: 1))
        let v6 = NodeInfo(id: b, address: NodeAddress(host: "2001:db8::7", port: 2))
        XCTAssertEqual(NodeInfo.encodeCompact([v4, v6], ipv6: false).count, 26)
        XCTAssertEqual(NodeInfo.encodeCompact([v4, v6], ipv6: true).count, 38)
        XCTAssertEqual(NodeInfo.decodeCompact(NodeInfo.encodeCompact([v6], ipv6: true), ipv6: true), [v6])
        XCTAssertNil(NodeInfo.decodeCompact([UInt8](repeating: 1, count: 27), ipv6: false))
        XCTAssertEqual(IPText.format(IPText.parse("2001:db8::7")!), "2001:db8::7")
        XCTAssertEqual(IPText.format(IPText.parse("::1")!), "::1")
        XCTAssertNil(IPText.parse("1.2.3"))
        XCTAssertNil(IPText.parse("1::2::3"))
    }

    // MARK: Hostile input: every one is an error, none a crash.

    private func assertRejected(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try KRPCCodec.decode(bytes), file: file, line: line)
    }

    private func packet(_ pairs: [String: BencodeValue]) -> [UInt8] { BencodeEncoder.encode(.dict(pairs)) }

    func testRejectsWhatIsNotBencode() {
        assertRejected([])
        assertRejected(Array("hello world".utf8))
        assertRejected(Array("d1:t2:aa1:y1:q".utf8))  // truncated
        assertRejected([0xff, 0x00, 0x13])
        assertRejected(Array("i42e".utf8))  // not a dictionary
        assertRejected(Array("d1:t2:aae1:x".utf8))  // trailing bytes
    }

    func testRejectsOversizedAndDeepPackets() {
        let big = packet(["t": .bytes([1]), "y": .string("q"), "q": .string("ping"),
                          "a": .dict(["id": .bytes(a.bytes), "pad": .bytes([UInt8](repeating: 0, count: 5000))])])
        assertRejected(big)
        assertRejected(Array((String(repeating: "l", count: 100) + String(repeating: "e", count: 100)).utf8))
        assertRejected(Array(("d1:t1:x1:y1:q1:q4:ping1:ad2:id20:" + String(repeating: "x", count: 20) + "1:zl"
            + String(repeating: "i1e", count: 600) + "eee").utf8))
    }

    func testRejectsMalformedQueries() {
        let id20 = BencodeValue.bytes(a.bytes)
        assertRejected(packet(["y": .string("q"), "q": .string("ping"), "a": .dict(["id": id20])]))  // no t
        assertRejected(packet(["t": .integer(1), "y": .string("q"), "q": .string("ping"), "a": .dict(["id": id20])]))
        assertRejected(packet(["t": .bytes([UInt8](repeating: 1, count: 100)), "y": .string("q"), "q": .string("ping"),
                               "a": .dict(["id": id20])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("q"), "q": .string("ping"), "a": .dict(["id": .bytes([1, 2])])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("q"), "q": .string("ping")]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("q"), "q": .string("find_node"), "a": .dict(["id": id20])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("q"), "q": .string("get_peers"),
                               "a": .dict(["id": id20, "info_hash": .bytes([1])])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("q"), "q": .string("announce_peer"),
                               "a": .dict(["id": id20, "info_hash": id20, "token": .bytes([1]), "port": .integer(70000)])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("q"), "q": .string("announce_peer"),
                               "a": .dict(["id": id20, "info_hash": id20, "port": .integer(1)])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("z")]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("e"), "e": .string("oops")]))
    }

    func testBadQueryKeepsItsTransactionForTheErrorReply() {
        let bytes = packet(["t": .bytes([7]), "y": .string("q"), "q": .string("vote"), "a": .dict(["id": .bytes(a.bytes)])])
        XCTAssertThrowsError(try KRPCCodec.decode(bytes)) { error in
            let error = error as! KRPCDecodeError
            XCTAssertEqual(error.transactionID, [7])
            XCTAssertTrue(error.wasQuery)
            XCTAssertEqual(error.code, .methodUnknown)
        }
    }

    func testRejectsMalformedResponses() {
        assertRejected(packet(["t": .bytes([1]), "y": .string("r"), "r": .dict(["id": .bytes(a.bytes), "nodes": .bytes([1, 2, 3])])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("r"), "r": .dict(["id": .bytes(a.bytes), "nodes6": .integer(3)])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("r"), "r": .dict(["id": .bytes(a.bytes), "values": .bytes([1])])]))
        assertRejected(packet(["t": .bytes([1]), "y": .string("r"), "r": .dict(["nodes": .bytes([])])]))
        // Odd-sized value entries are skipped, not fatal.
        let odd = packet(["t": .bytes([1]), "y": .string("r"),
                          "r": .dict(["id": .bytes(a.bytes), "values": .list([.bytes([1, 2, 3]), .integer(4), .bytes([127, 0, 0, 1, 0, 80])])])])
        guard case .response(let response)? = try? KRPCCodec.decode(odd).body else { return XCTFail("rejected") }
        XCTAssertEqual(response.values, [PeerAddress(host: "127.0.0.1", port: 80)])
    }

    /// Random bytes and random mutations of a valid packet never crash the decoder.
    func testRandomGarbageNeverCrashes() {
        var generator = SeededGenerator(state: 42)
        let valid = KRPCCodec.encode(KRPCMessage(transactionID: [1, 2], body: .response(
            KRPCResponse(id: a, nodes: [NodeInfo(id: b, address: NodeAddress(host: "127.0.0.1", port: 1))], token: [1]))))
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let i = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[i] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? KRPCCodec.decode(bytes)
            _ = try? KRPCCodec.decode((0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
    }
}
