/// Sizes of pieces and of the 16 KiB blocks that peers request.
public struct PieceGeometry: Hashable, Sendable {
    public static let blockSize = 16 * 1024

    public let pieceLength: Int
    public let totalLength: Int64
    public let pieceCount: Int

    public init(pieceLength: Int, totalLength: Int64) {
        precondition(pieceLength > 0)
        self.pieceLength = pieceLength
        self.totalLength = totalLength
        self.pieceCount = Int((totalLength + Int64(pieceLength) - 1) / Int64(pieceLength))
    }

    public func length(ofPiece piece: Int) -> Int {
        if piece == pieceCount - 1 {
            let rest = Int(totalLength - Int64(piece) * Int64(pieceLength))
            return rest
        }
        return pieceLength
    }

    public func offset(ofPiece piece: Int) -> Int64 { Int64(piece) * Int64(pieceLength) }

    public func blockCount(ofPiece piece: Int) -> Int {
        (length(ofPiece: piece) + Self.blockSize - 1) / Self.blockSize
    }

    public func length(ofBlock block: Int, inPiece piece: Int) -> Int {
        min(Self.blockSize, length(ofPiece: piece) - block * Self.blockSize)
    }

    /// True when `begin`/`length` name a whole block of the piece, as requests must.
    public func isValidBlock(piece: Int, begin: Int, length: Int) -> Bool {
        guard piece >= 0, piece < pieceCount, begin >= 0, begin % Self.blockSize == 0 else { return false }
        let block = begin / Self.blockSize
        return block < blockCount(ofPiece: piece) && length == self.length(ofBlock: block, inPiece: piece)
    }

    /// True when the range lies inside the piece and is not larger than 128 KiB (what peers may ask of us).
    public func isValidRequest(piece: Int, begin: Int, length: Int) -> Bool {
        guard piece >= 0, piece < pieceCount, begin >= 0, length > 0, length <= 128 * 1024 else { return false }
        return begin + length <= self.length(ofPiece: piece)
    }

    /// Bytes in the pieces set in `pieces`, counting the short last piece at its real length. O(1).
    public func byteCount(of pieces: Bitfield) -> Int64 {
        var bytes = Int64(pieces.setCount) * Int64(pieceLength)
        if pieceCount > 0 && pieces[pieceCount - 1] {
            bytes -= Int64(pieceLength - length(ofPiece: pieceCount - 1))
        }
        return bytes
    }
}
