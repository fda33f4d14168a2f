import NIOCore
import PeerWire
import TorrentModel
import XCTest

final class MessageCodecTests: XCTestCase {
    private func roundTrip(_ message: PeerMessage, file: StaticString = #filePath, line: UInt = #line) throws {
        var buffer = ByteBuffer()
        MessageEncoder.write(message, into: &buffer)
        let decoded = try MessageDecoder().next(from: &buffer)
        XCTAssertEqual(decoded, message, file: file, line: line)
        XCTAssertEqual(buffer.readableBytes, 0, "the whole message is consumed", file: file, line: line)
    }

    func testEveryCoreMessageRoundTrips() throws {
        let block = BlockRef(piece: 7, begin: 16384, length: 16384)
        for message: PeerMessage in [
            .keepAlive, .choke, .unchoke, .interested, .notInterested, .have(piece: 123_456),
            .bitfield([0xff, 0x80]), .request(block), .cancel(block), .port(6881),
            .piece(piece: 3, begin: 32768, data: ByteBuffer(bytes: [1, 2, 3, 4])),
            .haveAll, .haveNone, .suggestPiece(9), .rejectRequest(block), .allowedFast(4),
            .extended(id: 0, payload: ByteBuffer(bytes: Array("d1:md11:ut_metadatai1eee".utf8))),
        ] {
            try roundTrip(message)
        }
    }

    func testWireFormatOfRequest() {
        var buffer = ByteBuffer()
        MessageEncoder.write(.request(BlockRef(piece: 1, begin: 2, length: 3)), into: &buffer)
        XCTAssertEqual(buffer.readBytes(length: buffer.readableBytes), [0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
    }

    func testPartialMessageWaitsForMoreBytes() throws {
        var full = ByteBuffer()
        MessageEncoder.write(.have(piece: 5), into: &full)
        var partial = full.getSlice(at: 0, length: 6)!
        XCTAssertNil(try MessageDecoder().next(from: &partial))
        XCTAssertEqual(partial.readableBytes, 6, "nothing is consumed until the message is complete")
    }

    func testOversizedMessageIsRejectedBeforeItArrives() {
        var buffer = ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff, 7])
        XCTAssertThrowsError(try MessageDecoder(maxMessageLength: 1 << 17).next(from: &buffer)) { error in
            XCTAssertEqual(error as? WireError, .messageTooLong(0x7fff_ffff))
        }
    }

    func testWrongLengthsAreRejected() {
        // have with 2 bytes of payload instead of 4; choke with a payload; request with 8 bytes.
        for bytes: [UInt8] in [[0, 0, 0, 3, 4, 0, 1], [0, 0, 0, 2, 0, 9], [0, 0, 0, 9, 6, 0, 0, 0, 1, 0, 0, 0, 2],
                               [0, 0, 0, 1, 7], [0, 0, 0, 1, 20]] {
            var buffer = ByteBuffer(bytes: bytes)
            XCTAssertThrowsError(try MessageDecoder().next(from: &buffer), "\(bytes)") { error in
                guard case .badLength = error as? WireError else { return XCTFail("\(error)") }
            }
        }
    }

    func testUnknownMessageIsSkipped() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 99, 1, 2, 0, 0, 0, 1, 1])
        XCTAssertEqual(try MessageDecoder().next(from: &buffer), .unknown(id: 99, length: 3))
        XCTAssertEqual(try MessageDecoder().next(from: &buffer), .unchoke)
    }

    func testHandshake() throws {
        let hash = InfoHash(bytes: Array(repeating: 0xab, count: 20))!
        let id = Array("-SW0100-abcdefghijkl".utf8)
        let encoded = Handshake(infoHash: hash, peerID: id).encoded
        XCTAssertEqual(encoded.count, 68)
        let decoded = try Handshake(decoding: encoded)
        XCTAssertEqual(decoded.infoHash, hash)
        XCTAssertEqual(decoded.peerID, id)
        XCTAssertTrue(decoded.supportsFastExtension)
        XCTAssertTrue(decoded.supportsExtensionProtocol)

        var notBitTorrent = encoded
        notBitTorrent[5] = UInt8(ascii: "X")
        XCTAssertThrowsError(try Handshake(decoding: notBitTorrent))
        XCTAssertThrowsError(try Handshake(decoding: encoded.prefix(67)))
    }
}
