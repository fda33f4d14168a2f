import NIOCore
import TorrentModel

/// A peer wire message (BEP 3, with the fast extension of BEP 6 and the extension protocol of BEP 10).
public enum PeerMessage: Sendable, Equatable {
    case keepAlive
    case choke
    case unchoke
    case interested
    case notInterested
    case have(piece: Int)
    case bitfield([UInt8])
    case request(BlockRef)
    /// Block data; the buffer is a slice of the connection's read buffer, not a copy.
    case piece(piece: Int, begin: Int, data: ByteBuffer)
    case cancel(BlockRef)
    case port(UInt16)
    case suggestPiece(Int)
    case haveAll
    case haveNone
    case rejectRequest(BlockRef)
    case allowedFast(Int)
    case extended(id: UInt8, payload: ByteBuffer)
    /// A message id we do not know; BEP 3 says to ignore it.
    case unknown(id: UInt8, length: Int)

    /// Message ids on the wire.
    public enum ID: UInt8 {
        case choke = 0, unchoke, interested, notInterested, have, bitfield, request, piece, cancel, port
        case suggestPiece = 13, haveAll, haveNone, rejectRequest, allowedFast
        case extended = 20
    }
}
