import TestSupport
import TorrentModel
import XCTest

/// The piece hashes are a view into the info dictionary; a name that imitates the `pieces` key must not
/// fool the lookup.
final class PieceHashSliceTests: XCTestCase {
    func testHashesAreRightEvenWhenTheNameLooksLikeThePiecesKey() throws {
        let payload = TestData.bytes(count: 40_000, seed: 9)
        let decoy = "6:pieces60:" + String(repeating: "A", count: 60)
        let bytes = TorrentFixture.torrentBytes(name: decoy, files: nil, payload: payload, pieceLength: 16_384)
        let metainfo = try Metainfo(bytes: bytes)
        XCTAssertEqual(metainfo.pieceCount, 3)
        for piece in 0..<3 {
            let start = piece * 16_384
            let expected = PieceHash.sha1(Array(payload[start..<min(payload.count, start + 16_384)]))
            XCTAssertEqual(Array(metainfo.hash(ofPiece: piece)), expected, "piece \(piece)")
        }
        XCTAssertEqual(metainfo.pieceHashes.count, 60)
    }
}
