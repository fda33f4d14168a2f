import Bencode
import NIOCore
import PeerWire
import TorrentModel
import XCTest

final class PexMessageTests: XCTestCase {
    private func decode(_ value: BencodeValue) throws -> PexMessage {
        try PexMessage(payload: ByteBuffer(bytes: BencodeEncoder.encode(value)))
    }

    private func decodeError(_ bytes: [UInt8]) -> PexMessage.DecodeError? {
        do {
            _ = try PexMessage(payload: ByteBuffer(bytes: bytes))
            return nil
        } catch {
            return error
        }
    }

    func testRoundTripOfIPv4AndIPv6PeersWithFlags() throws {
        let message = PexMessage(
            added: [
                .init(PeerAddress(host: "127.0.0.2", port: 6881), flags: [.reachable, .seed]),
                .init(PeerAddress(host: "0:0:0:0:0:0:0:1", port: 51413), flags: .reachable),
                .init(PeerAddress(host: "10.1.2.3", port: 1)),
            ],
            dropped: [PeerAddress(host: "127.0.0.9", port: 9), PeerAddress(host: "fe80:0:0:0:0:0:0:5", port: 7)])
        let decoded = try PexMessage(payload: message.payload)
        XCTAssertEqual(Set(decoded.added), Set(message.added))
        XCTAssertEqual(Set(decoded.dropped), Set(message.dropped))
    }

    func testCompressedIPv6IsEncodedAndComesBackCanonical() throws {
        let message = PexMessage(added: [.init(PeerAddress(host: "::1", port: 7000))])
        let decoded = try PexMessage(payload: message.payload)
        XCTAssertEqual(decoded.added.map(\.address), [PeerAddress(host: "0:0:0:0:0:0:0:1", port: 7000)])
    }

    func testWireLayoutMatchesBEP11() throws {
        let payload = PexMessage(added: [.init(PeerAddress(host: "1.2.3.4", port: 0x1AE1), flags: .reachable)]).payload
        let root = try BencodeDecoder().decode(payload.getBytes(at: 0, length: payload.readableBytes)!)
        XCTAssertEqual(root["added"]?.bytes, [1, 2, 3, 4, 0x1A, 0xE1])
        XCTAssertEqual(root["added.f"]?.bytes, [0x10])
        XCTAssertEqual(root["dropped"]?.bytes, [])
        XCTAssertNil(root["added6"], "no IPv6 list when there are no IPv6 peers")
    }

    func testLibtorrentStyleMessageWithoutFlagsOrDropped() throws {
        let decoded = try decode(.dict(["added": .bytes([127, 0, 0, 3, 0x1A, 0xE2])]))
        XCTAssertEqual(decoded.added, [.init(PeerAddress(host: "127.0.0.3", port: 6882))])
        XCTAssertTrue(decoded.dropped.isEmpty)
    }

    func testFlagsOfTheWrongLengthCountAsNone() throws {
        let decoded = try decode(.dict(["added": .bytes([127, 0, 0, 3, 0, 80]), "added.f": .bytes([1, 2, 3])]))
        XCTAssertEqual(decoded.added.first?.flags, [])
    }

    func testPortZeroEntriesAreLeftOut() throws {
        let decoded = try decode(.dict(["added": .bytes([127, 0, 0, 3, 0, 0, 127, 0, 0, 4, 0, 80])]))
        XCTAssertEqual(decoded.added.map(\.address), [PeerAddress(host: "127.0.0.4", port: 80)])
    }

    func testHostileInputIsRefusedNeverCrashes() {
        XCTAssertEqual(decodeError(Array("not bencode".utf8)), .notBencode)
        XCTAssertEqual(decodeError([]), .notBencode)
        XCTAssertEqual(decodeError(Array("li1ee".utf8)), .notADictionary)
        XCTAssertEqual(decodeError(Array("d5:addedi5ee".utf8)), .malformed("added"), "an integer, not a string")
        XCTAssertEqual(decodeError(Array("d5:added5:abcdee".utf8)), .malformed("added"), "5 bytes is not 6")
        XCTAssertEqual(decodeError(Array("d6:added66:abcdefe".utf8)), .malformed("added6"), "6 bytes is not 18")
        XCTAssertEqual(decodeError(Array("d7:dropped7:abcdefge".utf8)), .malformed("dropped"))
        let deep = String(repeating: "l", count: 50) + String(repeating: "e", count: 50)
        XCTAssertEqual(decodeError(Array("d1:x\(deep)e".utf8)), .notBencode, "nesting past the limit")
        XCTAssertEqual(decodeError(Array("d5:added99999:abce".utf8)), .notBencode, "a string longer than the input")
    }

    func testOversizedListsAndPayloadsAreRefused() {
        let fiftyOne = [UInt8](repeating: 7, count: 51 * 6)
        XCTAssertEqual(
            decodeError(BencodeEncoder.encode(.dict(["added": .bytes(fiftyOne)]))), .tooManyEntries("added", 51))
        let fifty = [UInt8](repeating: 7, count: 50 * 6)
        XCTAssertNil(decodeError(BencodeEncoder.encode(.dict(["added": .bytes(fifty)]))), "50 is allowed")
        XCTAssertEqual(
            decodeError(BencodeEncoder.encode(.dict(["dropped6": .bytes([UInt8](repeating: 1, count: 51 * 18))]))),
            .tooManyEntries("dropped6", 51))
        let huge = [UInt8](repeating: 0x61, count: PexMessage.maxPayloadLength + 1)
        XCTAssertEqual(decodeError(huge), .tooLong(huge.count))
    }

    func testRandomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<64, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) { bytes = Array("d5:added".utf8) + bytes }
            _ = try? PexMessage(payload: ByteBuffer(bytes: bytes))
        }
    }
}
