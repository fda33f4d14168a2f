import NIOCore
import TorrentModel

/// Why a peer's byte stream was rejected. Any of these ends the connection.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    case messageTooLong(Int)
    case badLength(id: UInt8, length: Int)

    public var description: String {
        switch self {
        case .messageTooLong(let n): "peer sent a \(n)-byte message, over the limit"
        case .badLength(let id, let n): "peer sent message \(id) with wrong length \(n)"
        }
    }
}

/// Splits a byte stream into peer messages. Keeps no state beyond its limit: the caller owns the buffer.
public struct MessageDecoder: Sendable {
    /// Longest message accepted. A 16 KiB block is 16,393 bytes; bitfields of huge torrents are larger.
    public var maxMessageLength: Int

    public init(maxMessageLength: Int = 1 << 20) {
        self.maxMessageLength = maxMessageLength
    }

    /// Reads one message from the front of `buffer`, or returns nil when it is not complete yet.
    public func next(from buffer: inout ByteBuffer) throws(WireError) -> PeerMessage? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let len = Int(length)
        guard len <= maxMessageLength else { throw .messageTooLong(len) }
        guard buffer.readableBytes >= 4 + len else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        if len == 0 { return .keepAlive }
        var body = buffer.readSlice(length: len)!
        let id = body.readInteger(as: UInt8.self)!
        func int() -> Int { Int(body.readInteger(as: UInt32.self)!) }
        func expect(_ n: Int) throws(WireError) {
            guard len == n else { throw .badLength(id: id, length: len) }
        }
        switch PeerMessage.ID(rawValue: id) {
        case .choke: try expect(1); return .choke
        case .unchoke: try expect(1); return .unchoke
        case .interested: try expect(1); return .interested
        case .notInterested: try expect(1); return .notInterested
        case .have: try expect(5); return .have(piece: int())
        case .bitfield: return .bitfield(body.readBytes(length: body.readableBytes)!)
        case .request: try expect(13); return .request(BlockRef(piece: int(), begin: int(), length: int()))
        case .piece:
            guard len >= 9 else { throw .badLength(id: id, length: len) }
            let piece = int()
            let begin = int()
            return .piece(piece: piece, begin: begin, data: body)
        case .cancel: try expect(13); return .cancel(BlockRef(piece: int(), begin: int(), length: int()))
        case .port: try expect(3); return .port(body.readInteger(as: UInt16.self)!)
        case .suggestPiece: try expect(5); return .suggestPiece(int())
        case .haveAll: try expect(1); return .haveAll
        case .haveNone: try expect(1); return .haveNone
        case .rejectRequest: try expect(13); return .rejectRequest(BlockRef(piece: int(), begin: int(), length: int()))
        case .allowedFast: try expect(5); return .allowedFast(int())
        case .extended:
            guard len >= 2 else { throw .badLength(id: id, length: len) }
            let ext = body.readInteger(as: UInt8.self)!
            return .extended(id: ext, payload: body)
        case nil:
            return .unknown(id: id, length: len)
        }
    }
}

/// Writes peer messages in wire form.
public enum MessageEncoder {
    public static func write(_ message: PeerMessage, into buffer: inout ByteBuffer) {
        func header(_ id: PeerMessage.ID, _ payload: Int) {
            buffer.writeInteger(UInt32(1 + payload))
            buffer.writeInteger(id.rawValue)
        }
        func block(_ id: PeerMessage.ID, _ b: BlockRef) {
            header(id, 12)
            buffer.writeInteger(UInt32(b.piece))
            buffer.writeInteger(UInt32(b.begin))
            buffer.writeInteger(UInt32(b.length))
        }
        switch message {
        case .keepAlive: buffer.writeInteger(UInt32(0))
        case .choke: header(.choke, 0)
        case .unchoke: header(.unchoke, 0)
        case .interested: header(.interested, 0)
        case .notInterested: header(.notInterested, 0)
        case .have(let piece):
            header(.have, 4)
            buffer.writeInteger(UInt32(piece))
        case .bitfield(let bytes):
            header(.bitfield, bytes.count)
            buffer.writeBytes(bytes)
        case .request(let b): block(.request, b)
        case .piece(let piece, let begin, let data):
            header(.piece, 8 + data.readableBytes)
            buffer.writeInteger(UInt32(piece))
            buffer.writeInteger(UInt32(begin))
            buffer.writeImmutableBuffer(data)
        case .cancel(let b): block(.cancel, b)
        case .port(let port):
            header(.port, 2)
            buffer.writeInteger(port)
        case .suggestPiece(let piece):
            header(.suggestPiece, 4)
            buffer.writeInteger(UInt32(piece))
        case .haveAll: header(.haveAll, 0)
        case .haveNone: header(.haveNone, 0)
        case .rejectRequest(let b): block(.rejectRequest, b)
        case .allowedFast(let piece):
            header(.allowedFast, 4)
            buffer.writeInteger(UInt32(piece))
        case .extended(let id, let payload):
            header(.extended, 1 + payload.readableBytes)
            buffer.writeInteger(id)
            buffer.writeImmutableBuffer(payload)
        case .unknown:
            break
        }
    }
}
