/// Why a byte sequence is not valid bencode, and where the problem starts.
public struct BencodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidInteger
        case invalidLength
        case stringTooLong(Int)
        case nestingTooDeep(Int)
        case tooManyItems(Int)
        case dictionaryKeyNotString
        case duplicateKey
        case trailingData
    }

    public let kind: Kind
    /// Byte offset in the input where the problem was found.
    public let offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .unexpectedEnd: what = "unexpected end of data"
        case .unexpectedByte(let b):
            what = b >= 0x20 && b < 0x7f
                ? "unexpected character '\(Character(UnicodeScalar(b)))'" : "unexpected byte 0x\(String(b, radix: 16))"
        case .invalidInteger: what = "invalid integer"
        case .invalidLength: what = "invalid string length"
        case .stringTooLong(let limit): what = "string longer than the limit of \(limit) bytes"
        case .nestingTooDeep(let limit): what = "nesting deeper than the limit of \(limit)"
        case .tooManyItems(let limit): what = "more than \(limit) items"
        case .dictionaryKeyNotString: what = "dictionary key is not a string"
        case .duplicateKey: what = "duplicate dictionary key"
        case .trailingData: what = "data after the end of the value"
        }
        return "bencode: \(what) at byte \(offset)"
    }
}
