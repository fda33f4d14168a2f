/// The engine numbers its peer connections; the strategy only needs a stable key per connection.
public typealias PeerKey = Int

/// One block of a piece, as requested on the wire (`request`/`cancel`/`piece`).
///
/// Mirrors PeerWire's `BlockRef`, which Strategy must not depend on; the engine converts between the two.
public struct BlockRequest: Hashable, Sendable, CustomStringConvertible {
    public var piece: Int
    public var begin: Int
    public var length: Int

    public init(piece: Int, begin: Int, length: Int) {
        self.piece = piece
        self.begin = begin
        self.length = length
    }

    public var description: String { "(\(piece), \(begin), \(length))" }
}
