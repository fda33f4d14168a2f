import PeerWire
import XCTest

final class FastExtensionTests: XCTestCase {
    private let bep6InfoHash = [UInt8](repeating: 0xAA, count: 20)

    func testAllowedFastMatchesTheBEP6Vectors() {
        XCTAssertEqual(
            AllowedFast.pieces(forHost: "80.4.4.200", infoHash: bep6InfoHash, pieceCount: 1313, count: 7),
            [1059, 431, 808, 1217, 287, 376, 1188])
        XCTAssertEqual(
            AllowedFast.pieces(forHost: "80.4.4.200", infoHash: bep6InfoHash, pieceCount: 1313, count: 9),
            [1059, 431, 808, 1217, 287, 376, 1188, 353, 508])
    }

    func testAllowedFastDependsOnTheSlash24Only() {
        let set = AllowedFast.pieces(forHost: "80.4.4.200", infoHash: bep6InfoHash, pieceCount: 1313)
        XCTAssertEqual(set.count, 10)
        XCTAssertEqual(AllowedFast.pieces(forHost: "80.4.4.1", infoHash: bep6InfoHash, pieceCount: 1313), set)
        XCTAssertEqual(AllowedFast.pieces(forHost: "::ffff:80.4.4.9", infoHash: bep6InfoHash, pieceCount: 1313), set)
        XCTAssertNotEqual(AllowedFast.pieces(forHost: "80.4.5.200", infoHash: bep6InfoHash, pieceCount: 1313), set)
    }

    func testAllowedFastEdgeCases() {
        XCTAssertEqual(Set(AllowedFast.pieces(forHost: "1.2.3.4", infoHash: bep6InfoHash, pieceCount: 3)), [0, 1, 2],
                       "a torrent with fewer pieces than k allows every piece once")
        XCTAssertEqual(AllowedFast.pieces(forHost: "1.2.3.4", infoHash: bep6InfoHash, pieceCount: 0), [])
        XCTAssertEqual(AllowedFast.pieces(forHost: "not an address", infoHash: bep6InfoHash, pieceCount: 100), [])
        let v6 = AllowedFast.pieces(forHost: "2001:db8:1:2::5", infoHash: bep6InfoHash, pieceCount: 1000)
        XCTAssertEqual(v6.count, 10)
        XCTAssertEqual(AllowedFast.pieces(forHost: "2001:db8:1:2::99", infoHash: bep6InfoHash, pieceCount: 1000), v6,
                       "IPv6 peers in one /64 share a set")
        XCTAssertTrue(v6.allSatisfy { (0..<1000).contains($0) })
    }

    func testPeerAllowedFastIsBoundedAndRangeChecked() {
        var fast = FastState()
        XCTAssertFalse(fast.peerAllowed(-1, pieceCount: 10))
        XCTAssertFalse(fast.peerAllowed(10, pieceCount: 10))
        XCTAssertTrue(fast.peerAllowed(3, pieceCount: 10))
        for piece in 0..<1000 { fast.peerAllowed(piece, pieceCount: 1000) }
        XCTAssertEqual(fast.allowedByPeer.count, FastState.maxAllowedByPeer)
    }

    func testSuggestionsKeepTheNewestFewAndSkipBadIndices() {
        var fast = FastState()
        fast.peerSuggested(99, pieceCount: 10)
        XCTAssertEqual(fast.suggested, [])
        for piece in 0..<40 { fast.peerSuggested(piece % 20, pieceCount: 20) }
        XCTAssertEqual(fast.suggested.count, FastState.maxSuggestions)
        XCTAssertEqual(fast.suggested.last, 19)
        fast.peerSuggested(5, pieceCount: 20)
        XCTAssertEqual(fast.suggested.last, 5)
        XCTAssertEqual(fast.suggested.filter { $0 == 5 }.count, 1, "a repeated suggestion moves to the end")
        fast.forgetSuggestions { $0 < 10 }
        XCTAssertTrue(fast.suggested.allSatisfy { $0 >= 10 })
    }

    func testRequestAnswers() {
        var fast = FastState()
        XCTAssertEqual(fast.assignAllowedSet([4, 9]) { $0 == 4 }, [4], "only pieces we have are allowed now")
        func answer(_ piece: Int, have: Bool = true, choking: Bool, full: Bool = false, supportsFast: Bool = true)
            -> FastState.RequestAnswer
        {
            fast.answer(toRequestFor: piece, have: have, amChoking: choking, queueFull: full, supportsFast: supportsFast)
        }
        XCTAssertEqual(answer(1, choking: false), .serve)
        XCTAssertEqual(answer(1, choking: true), .reject, "choked and not allowed fast")
        XCTAssertEqual(answer(4, choking: true), .serve, "allowed fast while choked")
        XCTAssertEqual(answer(4, have: false, choking: true), .reject, "a piece we do not have")
        XCTAssertEqual(answer(1, choking: false, full: true), .reject, "the upload queue is full")
        XCTAssertEqual(answer(1, choking: true, supportsFast: false), .ignore, "no reject without the extension")
    }

    func testAllowedSetPiecesAreAllowedOnceAsTheyArrive() {
        var fast = FastState()
        _ = fast.assignAllowedSet([1, 2, 3]) { $0 == 1 }
        XCTAssertEqual(fast.allowedToPeer, [1])
        XCTAssertFalse(fast.pieceArrived(7), "not in the set")
        XCTAssertTrue(fast.pieceArrived(2))
        XCTAssertFalse(fast.pieceArrived(2), "only once")
        XCTAssertFalse(fast.pieceArrived(1), "allowed from the start")
        XCTAssertEqual(fast.allowedToPeer, [1, 2])
    }

    func testRejectedPiecesAreLeftOutForAWhileOrUntilTheNextUnchoke() {
        var fast = FastState()
        fast.peerRejected(5, now: .seconds(1))
        fast.peerRejected(6, now: .seconds(10))
        XCTAssertEqual(fast.rejectedPieces(now: .seconds(12)), [5, 6])
        XCTAssertEqual(fast.rejectedPieces(now: .seconds(17)), [6], "piece 5 was rejected 16 s ago")
        fast.peerUnchoked()
        XCTAssertEqual(fast.rejectedPieces(now: .seconds(18)), [])
        for piece in 0..<5000 { fast.peerRejected(piece, now: .seconds(20)) }
        XCTAssertEqual(fast.rejected.count, FastState.maxRejected, "bounded")
    }
}
