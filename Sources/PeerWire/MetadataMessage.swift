import Bencode
import NIOCore

/// Why a `ut_metadata` message was rejected.
public enum MetadataMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    case notADictionary
    case missingField(String)
    case unknownType(Int64)
    case badPiece(Int64)
    case badTotalSize(Int64)
    case pieceTooLong(Int)
    case trailingData(Int)

    public var description: String {
        switch self {
        case .notADictionary: "ut_metadata message is not a bencoded dictionary"
        case .missingField(let f): "ut_metadata message lacks '\(f)'"
        case .unknownType(let t): "ut_metadata message of unknown type \(t)"
        case .badPiece(let p): "ut_metadata piece \(p) is out of range"
        case .badTotalSize(let n): "ut_metadata total_size \(n) is out of range"
        case .pieceTooLong(let n): "ut_metadata piece of \(n) bytes is longer than 16 KiB"
        case .trailingData(let n): "ut_metadata message carries \(n) unexpected bytes"
        }
    }
}

/// A BEP 9 `ut_metadata` message: a bencoded dictionary, followed by the raw piece for `data`.
public enum MetadataMessage: Equatable, Sendable {
    case request(piece: Int)
    case data(piece: Int, totalSize: Int, payload: [UInt8])
    case reject(piece: Int)

    /// The metadata travels in pieces of 16 KiB; only the last may be shorter.
    public static let pieceLength = 16 * 1024
    /// The largest info dictionary accepted or served (libtorrent's default limit is 30 MiB; real ones are
    /// a few MiB at most).
    public static let maxMetadataSize = 16 << 20
    public static let maxPieceCount = (maxMetadataSize + pieceLength - 1) / pieceLength

    /// The name of the extension in the BEP 10 handshake.
    public static let extensionName = "ut_metadata"

    /// Decodes the payload of an extended message (after its id byte).
    public init(payload: ByteBuffer) throws(MetadataMessageError) {
        let bytes = payload.getBytes(at: payload.readerIndex, length: payload.readableBytes) ?? []
        try self.init(bytes: bytes)
    }

    public init(bytes: [UInt8]) throws(MetadataMessageError) {
        let decoder = BencodeDecoder(limits: .init(maxDepth: 4, maxStringLength: 1 << 10, maxItems: 64))
        guard let decoded = try? decoder.decodePrefix(bytes), case .dictionary = decoded.value else {
            throw .notADictionary
        }
        let (value, length) = decoded
        guard let type = value["msg_type"]?.integer else { throw .missingField("msg_type") }
        guard let piece = value["piece"]?.integer else { throw .missingField("piece") }
        guard piece >= 0 && piece < Self.maxPieceCount else { throw .badPiece(piece) }
        let trailing = bytes.count - length
        switch type {
        case 0:
            guard trailing == 0 else { throw .trailingData(trailing) }
            self = .request(piece: Int(piece))
        case 1:
            guard let total = value["total_size"]?.integer else { throw .missingField("total_size") }
            guard total > 0 && total <= Self.maxMetadataSize else { throw .badTotalSize(total) }
            guard trailing <= Self.pieceLength else { throw .pieceTooLong(trailing) }
            self = .data(piece: Int(piece), totalSize: Int(total), payload: Array(bytes[length...]))
        case 2:
            guard trailing == 0 else { throw .trailingData(trailing) }
            self = .reject(piece: Int(piece))
        default:
            throw .unknownType(type)
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .request(let piece):
            BencodeEncoder.encode(.dict(["msg_type": .integer(0), "piece": .integer(Int64(piece))]))
        case .data(let piece, let totalSize, let payload):
            BencodeEncoder.encode(.dict([
                "msg_type": .integer(1), "piece": .integer(Int64(piece)), "total_size": .integer(Int64(totalSize)),
            ])) + payload
        case .reject(let piece):
            BencodeEncoder.encode(.dict(["msg_type": .integer(2), "piece": .integer(Int64(piece))]))
        }
    }

    public var payload: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// Pieces that `size` bytes of metadata take.
    public static func pieceCount(forSize size: Int) -> Int { (size + pieceLength - 1) / pieceLength }

    /// The bytes of piece `piece` of `metadata`, or nil when there is no such piece.
    public static func piece(_ piece: Int, of metadata: [UInt8]) -> ArraySlice<UInt8>? {
        guard piece >= 0, piece < pieceCount(forSize: metadata.count) else { return nil }
        let start = piece * pieceLength
        return metadata[start..<min(start + pieceLength, metadata.count)]
    }
}
