import Crypto

/// The 20-byte SHA-1 of a torrent's bencoded info dictionary (BitTorrent v1).
public struct InfoHash: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// Parses 40 hexadecimal digits.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// The info-hash of the given exact info-dictionary bytes.
    public init(hashing infoDictionary: some Sequence<UInt8>) {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array(infoDictionary))
        self.bytes = Array(hasher.finalize())
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// SHA-1 output is evenly spread, so its first eight bytes key a dictionary as well as all twenty, at a
    /// fraction of the cost (equality still compares all twenty). Sessions look torrents up by info-hash a
    /// lot: every list of ten thousand torrents is ten thousand lookups.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine($0.loadUnaligned(as: UInt64.self)) }
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// SHA-1 of a piece, as listed in the metainfo.
public enum PieceHash {
    public static func sha1(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        Array(Insecure.SHA1.hash(data: data))
    }

    public static func sha1(_ data: [UInt8]) -> [UInt8] {
        Array(Insecure.SHA1.hash(data: data))
    }
}
