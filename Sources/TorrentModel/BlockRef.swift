/// A block of a piece: what the wire's `request`, `cancel` and `reject` name, and what the picker hands out.
public struct BlockRef: Hashable, Sendable, CustomStringConvertible {
    public let piece: Int
    public let begin: Int
    public let length: Int

    public init(piece: Int, begin: Int, length: Int) {
        self.piece = piece
        self.begin = begin
        self.length = length
    }

    public var description: String { "\(piece):\(begin)+\(length)" }
}
