import TorrentModel

/// The 68-byte BitTorrent handshake.
public struct Handshake: Equatable, Sendable {
    public static let protocolName = Array("BitTorrent protocol".utf8)
    public static let length = 68

    public var reserved: [UInt8]
    public let infoHash: InfoHash
    public let peerID: [UInt8]

    public init(infoHash: InfoHash, peerID: [UInt8], reserved: [UInt8] = Handshake.defaultReserved) {
        self.infoHash = infoHash
        self.peerID = peerID
        self.reserved = reserved
    }

    /// Reserved bits we announce: the extension protocol (BEP 10) and the fast extension (BEP 6).
    public static var defaultReserved: [UInt8] { [0, 0, 0, 0, 0, 0x10, 0, 0x04] }

    public var supportsExtensionProtocol: Bool { reserved[5] & 0x10 != 0 }
    public var supportsFastExtension: Bool { reserved[7] & 0x04 != 0 }
    /// The DHT bit (BEP 5), in the last reserved byte.
    public static let dhtBit: UInt8 = 0x01
    public var supportsDHT: Bool { reserved[7] & Self.dhtBit != 0 }

    public var encoded: [UInt8] {
        [UInt8(Self.protocolName.count)] + Self.protocolName + reserved + infoHash.bytes + peerID
    }

    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case notBitTorrent
        public var description: String { "peer did not send a BitTorrent handshake" }
    }

    /// Parses 68 bytes. Throws when the protocol string is not BitTorrent's.
    public init(decoding bytes: some Collection<UInt8>) throws(DecodeError) {
        let b = Array(bytes)
        guard b.count == Self.length, b[0] == 19, Array(b[1..<20]) == Self.protocolName else {
            throw .notBitTorrent
        }
        self.reserved = Array(b[20..<28])
        self.infoHash = InfoHash(bytes: Array(b[28..<48]))!
        self.peerID = Array(b[48..<68])
    }
}
