import TorrentModel
import XCTest

final class FileLayoutTests: XCTestCase {
    typealias F = FixtureCatalog

    /// a 10000 | empty 0 | b/c 29999 | d 1, in 16 KiB pieces (the last is 7232 bytes).
    private func layout() throws -> Metainfo {
        try Metainfo(bytes: F.torrent(F.multiInfo([
            F.file(["a"], 10000), F.file(["empty"], 0), F.file(["b", "c"], 29999), F.file(["d"], 1),
        ])))
    }

    func testSlicesCrossFileBoundariesAndSkipEmptyFiles() throws {
        let meta = try layout()
        XCTAssertEqual(meta.slices(piece: 0), [
            FileSlice(fileIndex: 0, fileOffset: 0, length: 10000, pieceOffset: 0),
            FileSlice(fileIndex: 2, fileOffset: 0, length: 6384, pieceOffset: 10000),
        ])
        XCTAssertEqual(meta.slices(piece: 1), [FileSlice(fileIndex: 2, fileOffset: 6384, length: 16384, pieceOffset: 0)])
        XCTAssertEqual(meta.slices(piece: 2), [
            FileSlice(fileIndex: 2, fileOffset: 22768, length: 7231, pieceOffset: 0),
            FileSlice(fileIndex: 3, fileOffset: 0, length: 1, pieceOffset: 7231),
        ])
    }

    func testSlicesOfPartOfAPiece() throws {
        let meta = try layout()
        XCTAssertEqual(meta.slices(piece: 0, offset: 9000, length: 2000), [
            FileSlice(fileIndex: 0, fileOffset: 9000, length: 1000, pieceOffset: 9000),
            FileSlice(fileIndex: 2, fileOffset: 0, length: 1000, pieceOffset: 10000),
        ])
        XCTAssertEqual(meta.slices(piece: 2, offset: 7231), [FileSlice(fileIndex: 3, fileOffset: 0, length: 1, pieceOffset: 7231)])
    }

    func testSlicesCoverEveryByteOnce() throws {
        let meta = try layout()
        var total = 0
        for piece in 0..<meta.pieceCount {
            let slices = meta.slices(piece: piece)
            XCTAssertEqual(slices.reduce(0) { $0 + $1.length }, meta.geometry.length(ofPiece: piece))
            var expected = 0
            for slice in slices {
                XCTAssertEqual(slice.pieceOffset, expected)
                XCTAssertGreaterThan(slice.length, 0)
                expected += slice.length
            }
            total += expected
        }
        XCTAssertEqual(Int64(total), meta.totalLength)
    }

    func testLeadingAndTrailingEmptyFiles() throws {
        let meta = try Metainfo(bytes: F.torrent(F.with(F.multiInfo([
            F.file(["e1"], 0), F.file(["e2"], 0), F.file(["x"], 40000), F.file(["e3"], 0),
        ]), "pieces", .bytes(F.threePieces))))
        XCTAssertEqual(meta.slices(piece: 0), [FileSlice(fileIndex: 2, fileOffset: 0, length: 16384, pieceOffset: 0)])
        XCTAssertEqual(meta.slices(piece: 2), [FileSlice(fileIndex: 2, fileOffset: 32768, length: 7232, pieceOffset: 0)])
        XCTAssertNil(meta.pieces(ofFile: 0))
        XCTAssertNil(meta.pieces(ofFile: 3))
    }

    func testPiecesOfFile() throws {
        let meta = try layout()
        XCTAssertEqual(meta.pieces(ofFile: 0), 0...0)
        XCTAssertNil(meta.pieces(ofFile: 1))
        XCTAssertEqual(meta.pieces(ofFile: 2), 0...2)
        XCTAssertEqual(meta.pieces(ofFile: 3), 2...2)
    }
}

final class PieceGeometryTests: XCTestCase {
    func testLengthsAndOffsets() {
        let g = PieceGeometry(pieceLength: 32768, totalLength: 32768 * 2 + 100)
        XCTAssertEqual(g.pieceCount, 3)
        XCTAssertEqual(g.length(ofPiece: 0), 32768)
        XCTAssertEqual(g.length(ofPiece: 2), 100)
        XCTAssertEqual(g.offset(ofPiece: 2), 65536)
        XCTAssertEqual(g.blockCount(ofPiece: 0), 2)
        XCTAssertEqual(g.blockCount(ofPiece: 2), 1)
        XCTAssertEqual(g.length(ofBlock: 1, inPiece: 0), 16384)
        XCTAssertEqual(g.length(ofBlock: 0, inPiece: 2), 100)
    }

    func testExactMultiple() {
        let g = PieceGeometry(pieceLength: 16384, totalLength: 16384 * 4)
        XCTAssertEqual(g.pieceCount, 4)
        XCTAssertEqual(g.length(ofPiece: 3), 16384)
    }

    func testLargeTotals() {
        let g = PieceGeometry(pieceLength: 1 << 24, totalLength: (1 << 40) + 1)
        XCTAssertEqual(g.pieceCount, (1 << 16) + 1)
        XCTAssertEqual(g.length(ofPiece: 1 << 16), 1)
        XCTAssertEqual(g.offset(ofPiece: 1 << 16), 1 << 40)
    }

    func testBlockValidation() {
        let g = PieceGeometry(pieceLength: 32768, totalLength: 32768 + 100)
        XCTAssertTrue(g.isValidBlock(piece: 0, begin: 16384, length: 16384))
        XCTAssertTrue(g.isValidBlock(piece: 1, begin: 0, length: 100))
        XCTAssertFalse(g.isValidBlock(piece: 1, begin: 0, length: 16384))
        XCTAssertFalse(g.isValidBlock(piece: 0, begin: 1, length: 16384))
        XCTAssertFalse(g.isValidBlock(piece: 0, begin: 32768, length: 16384))
        XCTAssertFalse(g.isValidBlock(piece: 2, begin: 0, length: 16384))
        XCTAssertFalse(g.isValidBlock(piece: -1, begin: 0, length: 16384))
    }

    func testRequestValidation() {
        let g = PieceGeometry(pieceLength: 262144, totalLength: 262144 + 100)
        XCTAssertTrue(g.isValidRequest(piece: 0, begin: 5, length: 1000))
        XCTAssertTrue(g.isValidRequest(piece: 0, begin: 131072, length: 131072))
        XCTAssertFalse(g.isValidRequest(piece: 0, begin: 0, length: 131073))
        XCTAssertFalse(g.isValidRequest(piece: 1, begin: 50, length: 51))
        XCTAssertTrue(g.isValidRequest(piece: 1, begin: 50, length: 50))
        XCTAssertFalse(g.isValidRequest(piece: 0, begin: 0, length: 0))
        XCTAssertFalse(g.isValidRequest(piece: 0, begin: -1, length: 10))
        XCTAssertFalse(g.isValidRequest(piece: 2, begin: 0, length: 10))
    }
}
