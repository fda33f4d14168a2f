/// A 160-bit DHT node id (or a target: an info-hash is looked up by the same metric).
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        self.bytes = Array(bytes)
    }

    /// A random id from the given generator (tests pass a seeded one).
    public static func random(using generator: inout some RandomNumberGenerator) -> NodeID {
        NodeID(unchecked: (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public static func random() -> NodeID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var description: String { Self.hex(bytes) }

    /// Kademlia's XOR metric.
    public func distance(to other: NodeID) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        for i in 0..<20 { out[i] = bytes[i] ^ other.bytes[i] }
        return out
    }

    /// Whether `a` is strictly closer to `self` than `b` is.
    public func isCloser(_ a: NodeID, than b: NodeID) -> Bool {
        for i in 0..<20 {
            let da = a.bytes[i] ^ bytes[i], db = b.bytes[i] ^ bytes[i]
            if da != db { return da < db }
        }
        return false
    }

    /// How many leading bits `self` and `other` share (160 when equal).
    public func commonPrefixLength(with other: NodeID) -> Int {
        for i in 0..<20 {
            let x = bytes[i] ^ other.bytes[i]
            if x != 0 { return i * 8 + x.leadingZeroBitCount }
        }
        return 160
    }

    /// A random id that shares exactly `prefix` leading bits with `self` (then differs in the next bit),
    /// for refreshing the bucket at that depth.
    public func random(sharingPrefix prefix: Int, using generator: inout some RandomNumberGenerator) -> NodeID {
        var out = NodeID.random(using: &generator).bytes
        let shared = min(prefix, 160)
        for bit in 0..<shared {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            out[bit / 8] = (out[bit / 8] & ~mask) | (bytes[bit / 8] & mask)
        }
        if shared < 160 {
            let mask = UInt8(0x80) >> UInt8(shared % 8)
            out[shared / 8] = (out[shared / 8] & ~mask) | (~bytes[shared / 8] & mask)
        }
        return NodeID(unchecked: out)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
    }
}
