/// A strict bencode decoder.
///
/// Strict means: no leading zeros or `-0` in integers, no leading zeros in string lengths, no duplicate
/// dictionary keys, nothing after the top-level value, and limits on nesting, string length and item count
/// so that hostile input cannot exhaust memory or the stack. Unsorted dictionary keys are accepted because
/// real torrent makers produce them; the info-hash is computed over the original bytes, so nothing is lost.
public struct BencodeDecoder: Sendable {
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var maxStringLength: Int
        public var maxItems: Int

        public init(maxDepth: Int = 64, maxStringLength: Int = 64 << 20, maxItems: Int = 4_000_000) {
            self.maxDepth = maxDepth
            self.maxStringLength = maxStringLength
            self.maxItems = maxItems
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Decodes exactly one value that fills the whole input.
    public func decode(_ input: some Collection<UInt8>) throws(BencodeError) -> BencodeValue {
        try decodeWithSpans(input).value
    }

    /// Decodes one value and also returns, when it is a dictionary, the byte range of each of its values
    /// in the input. The info-hash is the SHA-1 of `spans["info"]`.
    public func decodeWithSpans(
        _ input: some Collection<UInt8>
    ) throws(BencodeError) -> (value: BencodeValue, spans: [String: Range<Int>]) {
        let bytes = Array(input)
        var parser = Parser(bytes: bytes, limits: limits)
        let value = try parser.parseTop()
        if parser.position != bytes.count { throw BencodeError(.trailingData, at: parser.position) }
        return (value, parser.topLevelSpans)
    }

    /// `decodeWithSpans`, and the byte range of each value of the dictionary at the top-level key `inner`
    /// (empty when there is none): a torrent's `pieces` inside its `info`, found without a second pass.
    public func decodeWithSpans(
        _ input: some Collection<UInt8>, inside inner: String
    ) throws(BencodeError) -> (value: BencodeValue, spans: [String: Range<Int>], innerSpans: [String: Range<Int>]) {
        let bytes = Array(input)
        var parser = Parser(bytes: bytes, limits: limits)
        parser.innerKey = Array(inner.utf8)
        let value = try parser.parseTop()
        if parser.position != bytes.count { throw BencodeError(.trailingData, at: parser.position) }
        return (value, parser.topLevelSpans, parser.innerSpans)
    }

    /// Decodes one value at the start of `input` and returns it with the number of bytes it took.
    /// Used where a bencoded dictionary is followed by raw data (BEP 9 metadata messages).
    public func decodePrefix(_ input: some Collection<UInt8>) throws(BencodeError) -> (value: BencodeValue, length: Int) {
        let bytes = Array(input)
        var parser = Parser(bytes: bytes, limits: limits)
        let value = try parser.parseTop()
        return (value, parser.position)
    }
}

private struct Parser {
    let bytes: [UInt8]
    let limits: BencodeDecoder.Limits
    var position = 0
    var items = 0
    var topLevelSpans: [String: Range<Int>] = [:]
    /// The top-level key whose dictionary's spans go to `innerSpans`, and whether that value is being parsed.
    var innerKey: [UInt8]?
    var inInner = false
    var innerSpans: [String: Range<Int>] = [:]

    init(bytes: [UInt8], limits: BencodeDecoder.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseTop() throws(BencodeError) -> BencodeValue {
        try parseValue(depth: 0)
    }

    mutating func peek() throws(BencodeError) -> UInt8 {
        guard position < bytes.count else { throw BencodeError(.unexpectedEnd, at: position) }
        return bytes[position]
    }

    mutating func parseValue(depth: Int) throws(BencodeError) -> BencodeValue {
        items += 1
        if items > limits.maxItems { throw BencodeError(.tooManyItems(limits.maxItems), at: position) }
        let byte = try peek()
        switch byte {
        case UInt8(ascii: "i"):
            return .integer(try parseInteger())
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .bytes(try parseString())
        case UInt8(ascii: "l"):
            if depth >= limits.maxDepth { throw BencodeError(.nestingTooDeep(limits.maxDepth), at: position) }
            position += 1
            var list: [BencodeValue] = []
            while try peek() != UInt8(ascii: "e") {
                list.append(try parseValue(depth: depth + 1))
            }
            position += 1
            return .list(list)
        case UInt8(ascii: "d"):
            if depth >= limits.maxDepth { throw BencodeError(.nestingTooDeep(limits.maxDepth), at: position) }
            position += 1
            var dict: [[UInt8]: BencodeValue] = [:]
            while try peek() != UInt8(ascii: "e") {
                let keyStart = position
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(try peek()) else {
                    throw BencodeError(.dictionaryKeyNotString, at: position)
                }
                let key = try parseString()
                if dict[key] != nil { throw BencodeError(.duplicateKey, at: keyStart) }
                let valueStart = position
                if depth == 0 { inInner = innerKey == key }
                dict[key] = try parseValue(depth: depth + 1)
                if depth == 0 {
                    inInner = false
                    if let name = String(validating: key, as: UTF8.self) { topLevelSpans[name] = valueStart..<position }
                } else if depth == 1 && inInner, let name = String(validating: key, as: UTF8.self) {
                    innerSpans[name] = valueStart..<position
                }
            }
            position += 1
            return .dictionary(dict)
        default:
            throw BencodeError(.unexpectedByte(byte), at: position)
        }
    }

    mutating func parseInteger() throws(BencodeError) -> Int64 {
        let start = position
        position += 1  // 'i'
        var negative = false
        if try peek() == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        let digitsStart = position
        // Unsigned, so that Int64.min (whose magnitude is one more than Int64.max) still fits.
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        var magnitude: UInt64 = 0
        while true {
            let b = try peek()
            if b == UInt8(ascii: "e") { break }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else {
                throw BencodeError(.invalidInteger, at: position)
            }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            if o1 || o2 || m2 > limit { throw BencodeError(.invalidInteger, at: start) }
            magnitude = m2
            position += 1
        }
        let digitCount = position - digitsStart
        if digitCount == 0 { throw BencodeError(.invalidInteger, at: start) }
        if bytes[digitsStart] == UInt8(ascii: "0") && (digitCount > 1 || negative) {
            throw BencodeError(.invalidInteger, at: start)
        }
        position += 1  // 'e'
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    mutating func parseString() throws(BencodeError) -> [UInt8] {
        let start = position
        var length = 0
        while true {
            let b = try peek()
            if b == UInt8(ascii: ":") { break }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else {
                throw BencodeError(.invalidLength, at: position)
            }
            let (times10, o1) = length.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
            if o1 || o2 || next > limits.maxStringLength {
                throw BencodeError(.stringTooLong(limits.maxStringLength), at: start)
            }
            length = next
            position += 1
        }
        if position == start || (bytes[start] == UInt8(ascii: "0") && position - start > 1) {
            throw BencodeError(.invalidLength, at: start)
        }
        position += 1  // ':'
        guard bytes.count - position >= length else { throw BencodeError(.unexpectedEnd, at: bytes.count) }
        let value = Array(bytes[position..<position + length])
        position += length
        return value
    }
}
