import Bencode
import NIOCore
import PeerWire
import TorrentModel
import XCTest

final class MetadataMessageTests: XCTestCase {
    func testRoundTrips() throws {
        let messages: [MetadataMessage] = [
            .request(piece: 0), .request(piece: 3), .reject(piece: 7),
            .data(piece: 1, totalSize: 20_000, payload: Array(repeating: 0xab, count: 3616)),
            .data(piece: 0, totalSize: 5, payload: Array("d1:ae".utf8)),
        ]
        for message in messages {
            XCTAssertEqual(try MetadataMessage(payload: message.payload), message)
        }
    }

    func testWireFormIsBEP9() {
        XCTAssertEqual(String(decoding: MetadataMessage.request(piece: 2).bytes, as: UTF8.self), "d8:msg_typei0e5:piecei2ee")
        XCTAssertEqual(
            String(decoding: MetadataMessage.data(piece: 0, totalSize: 3, payload: Array("abc".utf8)).bytes, as: UTF8.self),
            "d8:msg_typei1e5:piecei0e10:total_sizei3eeabc")
    }

    func testHostileMessagesAreRejected() {
        let cases: [(String, MetadataMessageError)] = [
            ("", .notADictionary),
            ("li1ee", .notADictionary),
            ("d8:msg_type", .notADictionary),
            ("d5:piecei0ee", .missingField("msg_type")),
            ("d8:msg_typei0ee", .missingField("piece")),
            ("d8:msg_typei7e5:piecei0ee", .unknownType(7)),
            ("d8:msg_typei0e5:piecei-1ee", .badPiece(-1)),
            ("d8:msg_typei0e5:piecei99999999999ee", .badPiece(99_999_999_999)),
            ("d8:msg_typei1e5:piecei0ee", .missingField("total_size")),
            ("d8:msg_typei1e5:piecei0e10:total_sizei0ee", .badTotalSize(0)),
            ("d8:msg_typei1e5:piecei0e10:total_sizei16777217ee", .badTotalSize(16_777_217)),
            ("d8:msg_typei0e5:piecei0eexyz", .trailingData(3)),
            ("d8:msg_typei2e5:piecei0eex", .trailingData(1)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try MetadataMessage(bytes: Array(text.utf8)), text) {
                XCTAssertEqual($0 as? MetadataMessageError, expected, text)
            }
        }
        let oversized = Array("d8:msg_typei1e5:piecei0e10:total_sizei99999ee".utf8) + Array(repeating: 0, count: 16385)
        XCTAssertThrowsError(try MetadataMessage(bytes: oversized)) {
            XCTAssertEqual($0 as? MetadataMessageError, .pieceTooLong(16385))
        }
        let deep = String(repeating: "l", count: 100) + String(repeating: "e", count: 100)
        XCTAssertThrowsError(try MetadataMessage(bytes: Array(("d1:x" + deep + "e").utf8)))
        let longKey = "d2000:" + String(repeating: "k", count: 2000) + "i1ee"
        XCTAssertThrowsError(try MetadataMessage(bytes: Array(longKey.utf8)))
    }

    func testEveryPrefixOfAMessageIsHandled() {
        let bytes = MetadataMessage.data(piece: 2, totalSize: 40_000, payload: Array(repeating: 1, count: 7232)).bytes
        for end in 0..<60 { _ = try? MetadataMessage(bytes: Array(bytes[0..<end])) }
    }

    func testRandomAndMutatedBytesNeverCrash() {
        // A fixed-seed generator: the same inputs every run.
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let valid = MetadataMessage.data(piece: 1, totalSize: 20_000, payload: Array(repeating: 7, count: 3616)).bytes
        let alphabet = Array("dile0123456789:-".utf8)
        var decoded = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(next() % 80)).map { _ in alphabet[Int(next()) % alphabet.count] }
            } else {
                bytes = Array(valid.prefix(60))
                for _ in 0..<(1 + Int(next() % 4)) { bytes[Int(next()) % bytes.count] = UInt8(truncatingIfNeeded: next()) }
            }
            if (try? MetadataMessage(bytes: bytes)) != nil { decoded += 1 }
            _ = ExtensionHandshake(payload: ByteBuffer(bytes: bytes))
        }
        XCTAssertLessThan(decoded, 3000, "garbage is mostly refused")
    }

    func testPieceSlicing() {
        let metadata = [UInt8](repeating: 9, count: 40_000)
        XCTAssertEqual(MetadataMessage.pieceCount(forSize: 40_000), 3)
        XCTAssertEqual(MetadataMessage.pieceCount(forSize: 16_384), 1)
        XCTAssertEqual(MetadataMessage.piece(2, of: metadata)?.count, 40_000 - 32_768)
        XCTAssertNil(MetadataMessage.piece(3, of: metadata))
        XCTAssertNil(MetadataMessage.piece(-1, of: metadata))
    }

    func testExtensionHandshakeCarriesMetadataSize() throws {
        let handshake = ExtensionHandshake(extensions: ["ut_metadata": 2], metadataSize: 31_337)
        XCTAssertEqual(ExtensionHandshake(payload: handshake.payload)?.metadataSize, 31_337)
        let hostile = ExtensionHandshake(payload: ByteBuffer(bytes: Array("d1:mde13:metadata_sizei-4ee".utf8)))
        XCTAssertNil(hostile?.metadataSize)
    }
}

final class MetadataAssemblerTests: XCTestCase {
    /// An info dictionary of `size` bytes (a bencoded string padding it out) and its hash.
    func metadata(size: Int) -> (bytes: [UInt8], hash: InfoHash) {
        let prefix = Array("d4:name".utf8)
        let payloadLength = size - prefix.count - 1 - "\(size):".count
        var bytes = prefix + Array("\(payloadLength):".utf8) + (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        bytes += Array("e".utf8)
        return (bytes, InfoHash(hashing: bytes))
    }

    func feed(_ a: inout MetadataAssembler<Int>, _ data: [UInt8], pieces: [Int], from peer: Int) -> [MetadataAssembler<Int>.Outcome] {
        pieces.map { a.received($0, totalSize: data.count, data: Array(MetadataMessage.piece($0, of: data)!), from: peer) }
    }

    func testFetchesFromOnePeerAndVerifies() {
        let (data, hash) = metadata(size: 40_000)
        var a = MetadataAssembler<Int>(infoHash: hash)
        XCTAssertTrue(a.peerJoined(1, metadataSize: data.count))
        XCTAssertEqual(a.requests(for: 1, now: .zero), [0, 1, 2])
        XCTAssertEqual(a.requests(for: 1, now: .seconds(1)), [], "all three are in flight")
        let outcomes = feed(&a, data, pieces: [2, 0, 1], from: 1)
        XCTAssertEqual(outcomes, [.accepted, .accepted, .complete(data)])
        XCTAssertTrue(a.isComplete)
        XCTAssertEqual(a.progress, 1)
    }

    func testSpreadsRequestsAndLimitsThemPerPeer() {
        let (data, hash) = metadata(size: 100_000)  // 7 pieces
        var a = MetadataAssembler<Int>(infoHash: hash, requestsPerPeer: 2)
        a.peerJoined(1, metadataSize: data.count)
        a.peerJoined(2, metadataSize: data.count)
        XCTAssertEqual(a.requests(for: 1, now: .zero), [0, 1])
        XCTAssertEqual(a.requests(for: 2, now: .zero), [2, 3])
        XCTAssertEqual(feed(&a, data, pieces: [0], from: 1), [.accepted])
        XCTAssertEqual(a.requests(for: 1, now: .zero), [4])
        XCTAssertEqual(a.progress, 1.0 / 7.0, accuracy: 1e-9)
    }

    func testTimedOutRequestGoesToAnotherPeerAndLateDataIsIgnored() {
        let (data, hash) = metadata(size: 20_000)
        var a = MetadataAssembler<Int>(infoHash: hash, requestTimeout: .seconds(10))
        a.peerJoined(1, metadataSize: data.count)
        a.peerJoined(2, metadataSize: data.count)
        XCTAssertEqual(a.requests(for: 1, now: .zero), [0, 1])
        XCTAssertEqual(a.requests(for: 2, now: .seconds(5)), [])
        XCTAssertEqual(a.requests(for: 2, now: .seconds(11)), [0, 1])
        XCTAssertEqual(feed(&a, data, pieces: [0], from: 1), [.ignored("piece 0 was not asked of this peer")])
        XCTAssertEqual(feed(&a, data, pieces: [0, 1], from: 2), [.accepted, .complete(data)])
    }

    func testUnaskedWrongLengthAndWrongSizeArePiecesIgnored() {
        let (data, hash) = metadata(size: 20_000)
        var a = MetadataAssembler<Int>(infoHash: hash)
        a.peerJoined(1, metadataSize: data.count)
        XCTAssertEqual(a.received(0, totalSize: data.count, data: [1], from: 1),
                       .ignored("total_size 20000 differs from 0"), "no round has started")
        _ = a.requests(for: 1, now: .zero)
        XCTAssertEqual(a.received(0, totalSize: data.count, data: Array(data[0..<100]), from: 1),
                       .ignored("piece 0 is 100 bytes, not 16384"))
        XCTAssertEqual(a.received(1, totalSize: data.count + 1, data: Array(data[16384...]), from: 1),
                       .ignored("total_size 20001 differs from 20000"))
        XCTAssertEqual(a.received(5, totalSize: data.count, data: [], from: 1), .ignored("piece 5 out of range"))
        XCTAssertEqual(a.received(0, totalSize: data.count, data: Array(data[0..<16384]), from: 9),
                       .ignored("piece 0 was not asked of this peer"))
        XCTAssertEqual(a.piecesReceived, 0)
    }

    func testAbsurdSizesAreRefused() {
        var a = MetadataAssembler<Int>(infoHash: metadata(size: 100).hash)
        XCTAssertFalse(a.peerJoined(1, metadataSize: 0))
        XCTAssertFalse(a.peerJoined(2, metadataSize: -5))
        XCTAssertFalse(a.peerJoined(3, metadataSize: MetadataMessage.maxMetadataSize + 1))
        XCTAssertEqual(a.requests(for: 1, now: .zero), [])
        XCTAssertEqual(a.requests(for: 3, now: .zero), [])
    }

    func testBadMetadataFromOnePeerBansItAndAnHonestPeerFinishes() {
        let (data, hash) = metadata(size: 30_000)
        var garbage = data
        garbage[20_000] ^= 0xff
        var a = MetadataAssembler<Int>(infoHash: hash)
        a.peerJoined(66, metadataSize: data.count)
        XCTAssertEqual(a.requests(for: 66, now: .zero), [0, 1])
        XCTAssertEqual(feed(&a, garbage, pieces: [0, 1], from: 66).last, .hashFailed(contributors: [66], banned: 66))
        XCTAssertEqual(a.banned, [66])
        XCTAssertEqual(a.progress, 0, "the round starts over")
        XCTAssertEqual(a.requests(for: 66, now: .seconds(1)), [], "a banned peer is not asked again")
        a.peerJoined(1, metadataSize: data.count)
        XCTAssertEqual(a.requests(for: 1, now: .seconds(1)), [0, 1])
        XCTAssertEqual(feed(&a, data, pieces: [0, 1], from: 1).last, .complete(data))
    }

    func testMixedFailureSwitchesToOneSourceAtATime() {
        let (data, hash) = metadata(size: 30_000)
        var garbage = data
        garbage[0] ^= 1
        var a = MetadataAssembler<Int>(infoHash: hash, requestsPerPeer: 1)
        a.peerJoined(1, metadataSize: data.count)
        a.peerJoined(66, metadataSize: data.count)
        XCTAssertEqual(a.requests(for: 66, now: .zero), [0])
        XCTAssertEqual(a.requests(for: 1, now: .zero), [1])
        XCTAssertEqual(feed(&a, garbage, pieces: [0], from: 66), [.accepted])
        XCTAssertEqual(feed(&a, data, pieces: [1], from: 1), [.hashFailed(contributors: [1, 66], banned: nil)])
        XCTAssertTrue(a.singleSource)
        // Now the hostile peer owns the round alone, fails, and is banned; the honest one then finishes.
        XCTAssertEqual(a.requests(for: 66, now: .seconds(1)), [0])
        XCTAssertEqual(a.requests(for: 1, now: .seconds(1)), [], "the round belongs to peer 66")
        XCTAssertEqual(a.requests(for: 66, now: .seconds(1)), [])
        _ = feed(&a, garbage, pieces: [0], from: 66)
        XCTAssertEqual(a.requests(for: 66, now: .seconds(2)), [1])
        XCTAssertEqual(feed(&a, garbage, pieces: [1], from: 66), [.hashFailed(contributors: [66], banned: 66)])
        XCTAssertEqual(a.requests(for: 1, now: .seconds(3)), [0])
        _ = feed(&a, data, pieces: [0], from: 1)
        XCTAssertEqual(a.requests(for: 1, now: .seconds(3)), [1])
        XCTAssertEqual(feed(&a, data, pieces: [1], from: 1), [.complete(data)])
    }

    func testOwnerLeavingStartsTheRoundOver() {
        let (data, hash) = metadata(size: 30_000)
        var a = MetadataAssembler<Int>(infoHash: hash, requestsPerPeer: 1)
        a.peerJoined(1, metadataSize: data.count)
        a.peerJoined(2, metadataSize: data.count)
        _ = a.requests(for: 1, now: .zero)
        _ = a.requests(for: 2, now: .zero)
        var wrong = data
        wrong[16_400] ^= 1
        _ = feed(&a, data, pieces: [0], from: 1)
        _ = feed(&a, wrong, pieces: [1], from: 2)
        XCTAssertTrue(a.singleSource)
        XCTAssertEqual(a.requests(for: 2, now: .seconds(1)), [0])
        _ = feed(&a, data, pieces: [0], from: 2)
        a.peerLeft(2)
        XCTAssertEqual(a.piecesReceived, 0)
        XCTAssertEqual(a.requests(for: 1, now: .seconds(2)), [0])
    }

    func testPeerWithAnotherSizeWaitsAndRejectionsStopAsking() {
        let (data, hash) = metadata(size: 20_000)
        var a = MetadataAssembler<Int>(infoHash: hash, requestsPerPeer: 1)
        a.peerJoined(1, metadataSize: data.count)
        a.peerJoined(2, metadataSize: 99_999)
        XCTAssertEqual(a.requests(for: 1, now: .zero), [0])
        XCTAssertEqual(a.requests(for: 2, now: .zero), [], "a round at another size is under way")
        for _ in 0..<MetadataAssembler<Int>.maxRejections {
            a.rejected(0, by: 1)
            XCTAssertTrue(a.requests(for: 1, now: .zero).count <= 1)
            a.rejected(0, by: 1)
        }
        XCTAssertFalse(a.canAsk(1))
        XCTAssertEqual(a.requests(for: 1, now: .zero), [])
    }
}
