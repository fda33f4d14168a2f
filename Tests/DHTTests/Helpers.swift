@testable import DHT

/// A deterministic generator for ids in tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// An id whose first byte is `first` and the rest `rest`.
func id(_ first: UInt8, rest: UInt8 = 0) -> NodeID {
    NodeID(bytes: [first] + [UInt8](repeating: rest, count: 19))!
}

func node(_ id: NodeID, _ lastOctet: Int, port: UInt16 = 6881) -> NodeInfo {
    NodeInfo(id: id, address: NodeAddress(host: "127.0.0.\(lastOctet % 250 + 1)", port: port + UInt16(lastOctet / 250)))
}

extension Duration {
    static func minutes(_ m: Int) -> Duration { .seconds(m * 60) }
}
