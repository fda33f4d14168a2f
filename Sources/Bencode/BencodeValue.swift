/// A bencoded value (BEP 3): integers, byte strings, lists and dictionaries.
///
/// Byte strings stay bytes: BitTorrent puts binary data (piece hashes, compact peers) in them,
/// and text is UTF-8 only by convention.
public enum BencodeValue: Hashable, Sendable {
    case integer(Int64)
    case bytes([UInt8])
    case list([BencodeValue])
    /// Keys are byte strings. Encoding sorts them as raw bytes, as the spec requires.
    case dictionary([[UInt8]: BencodeValue])

    public static func string(_ text: String) -> BencodeValue { .bytes(Array(text.utf8)) }

    public static func dict(_ pairs: [String: BencodeValue]) -> BencodeValue {
        var result: [[UInt8]: BencodeValue] = [:]
        for (key, value) in pairs { result[Array(key.utf8)] = value }
        return .dictionary(result)
    }

    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
    public var bytes: [UInt8]? { if case .bytes(let v) = self { v } else { nil } }
    public var list: [BencodeValue]? { if case .list(let v) = self { v } else { nil } }
    public var dictionary: [[UInt8]: BencodeValue]? { if case .dictionary(let v) = self { v } else { nil } }

    /// The byte string decoded as UTF-8, or nil when it is not a byte string or not valid UTF-8.
    public var text: String? {
        guard case .bytes(let v) = self else { return nil }
        return String(validating: v, as: UTF8.self)
    }

    /// Dictionary lookup by a text key.
    public subscript(key: String) -> BencodeValue? {
        guard case .dictionary(let d) = self else { return nil }
        return d[Array(key.utf8)]
    }
}
