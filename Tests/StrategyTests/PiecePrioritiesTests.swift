import Bencode
import Testing
import TorrentModel

@testable import Strategy

@Suite struct PiecePrioritiesTests {
    /// A torrent of files with these lengths and 100-byte pieces.
    private func metainfo(_ lengths: [Int], pieceLength: Int = 100) throws -> Metainfo {
        let total = lengths.reduce(0, +)
        let pieces = (total + pieceLength - 1) / pieceLength
        let files: [BencodeValue] = lengths.enumerated().map { index, length in
            .dict(["length": .integer(Int64(length)), "path": .list([.string("f\(index)")])])
        }
        let info = BencodeValue.dict([
            "name": .string("t"), "piece length": .integer(Int64(pieceLength)),
            "pieces": .bytes([UInt8](repeating: 0, count: pieces * 20)), "files": .list(files),
        ])
        return try Metainfo(infoBytes: BencodeEncoder.encode(info))
    }

    @Test func aPieceTakesTheHighestPriorityOfItsFiles() throws {
        // Files: [0, 150) [150, 300) [300, 500): pieces 0 1 | 1 2 | 3 4.
        let m = try metainfo([150, 150, 200])
        let result = PiecePriorities.compute(metainfo: m, filePriorities: [0, 7, 1], firstAndLastFirst: false)
        #expect(result == [0, 7, 7, 1, 1])
    }

    @Test func skippingEveryFileWantsNothing() throws {
        let m = try metainfo([150, 150])
        #expect(PiecePriorities.compute(metainfo: m, filePriorities: [0, 0], firstAndLastFirst: false) == [0, 0, 0])
    }

    @Test func firstAndLastPiecesOfWantedFilesComeFirst() throws {
        let m = try metainfo([500, 300])
        let result = PiecePriorities.compute(metainfo: m, filePriorities: [4, 0], firstAndLastFirst: true)
        #expect(result == [5, 4, 4, 4, 5, 0, 0, 0])
    }

    @Test func missingEntriesCountAsWanted() throws {
        let m = try metainfo([100, 100])
        #expect(PiecePriorities.compute(metainfo: m, filePriorities: [], firstAndLastFirst: false) == [1, 1])
    }
}

@Suite struct SequentialPickingTests {
    @Test func sequentialStartsPiecesInIndexOrder() {
        var p = picker(have: "0000000", availability: "1111111", blocksPerPiece: 1, seed: 7)
        p.isSequential = true
        #expect(pieces(p.pick(1, 3)) == [0, 1, 2])
        #expect(pieces(p.pick(1, 2)) == [3, 4])
        expectConsistent(p)
    }

    @Test func sequentialSkipsUnwantedAndMissingPieces() {
        var p = picker(have: "1100000", peers: ["1110111"], blocksPerPiece: 1)
        p.isSequential = true
        p.setPriority(0, ofPiece: 4)
        // 0, 1 are ours, 3 nobody has, 4 is skipped.
        #expect(pieces(p.pick(1, 3)) == [2, 5, 6])
        expectConsistent(p)
    }

    @Test func unskippingAPieceBehindTheCursorMakesItNext() {
        var p = picker(have: "0000", availability: "1111", priority: "0111", blocksPerPiece: 1)
        p.isSequential = true
        #expect(pieces(p.pick(1, 1)) == [1])
        p.setPriority(1, ofPiece: 0)
        #expect(pieces(p.pick(1, 1)) == [0])
        expectConsistent(p)
    }
}
