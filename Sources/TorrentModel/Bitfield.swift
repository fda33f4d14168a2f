/// One bit per piece, most significant bit of the first byte is piece 0 (BEP 3 wire order).
public struct Bitfield: Hashable, Sendable {
    public private(set) var bytes: [UInt8]
    public let count: Int
    public private(set) var setCount: Int

    public init(count: Int, allSet: Bool = false) {
        self.count = count
        self.bytes = [UInt8](repeating: 0, count: (count + 7) / 8)
        self.setCount = 0
        if allSet { setAll() }
    }

    /// Reads a bitfield from the wire. Nil when the length is wrong or a spare bit at the end is set.
    public init?(wireBytes: [UInt8], count: Int) {
        guard wireBytes.count == (count + 7) / 8 else { return nil }
        if count % 8 != 0, let last = wireBytes.last, last & (0xff >> UInt8(count % 8)) != 0 { return nil }
        self.bytes = wireBytes
        self.count = count
        self.setCount = wireBytes.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    public subscript(index: Int) -> Bool {
        get { bytes[index >> 3] & (0x80 >> UInt8(index & 7)) != 0 }
        set {
            let mask: UInt8 = 0x80 >> UInt8(index & 7)
            let was = bytes[index >> 3] & mask != 0
            guard was != newValue else { return }
            if newValue {
                bytes[index >> 3] |= mask
                setCount += 1
            } else {
                bytes[index >> 3] &= ~mask
                setCount -= 1
            }
        }
    }

    public mutating func setAll() {
        for i in 0..<bytes.count { bytes[i] = 0xff }
        if count % 8 != 0 { bytes[bytes.count - 1] = 0xff << UInt8(8 - count % 8) }
        setCount = count
    }

    public var isComplete: Bool { setCount == count }
    public var isEmpty: Bool { setCount == 0 }

    /// The bits set in both.
    public func intersection(_ other: Bitfield) -> Bitfield {
        precondition(count == other.count, "bitfields of different lengths")
        var result = self
        result.setCount = 0
        for i in bytes.indices {
            result.bytes[i] = bytes[i] & other.bytes[i]
            result.setCount += result.bytes[i].nonzeroBitCount
        }
        return result
    }

    /// Indices of the set bits, in order.
    public var setIndices: [Int] { (0..<count).filter { self[$0] } }
}
