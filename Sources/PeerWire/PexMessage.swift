import Bencode
import NIOCore
import TorrentModel

/// A peer exchange message (BEP 11, extension `ut_pex`): the peers the sender connected to and dropped since
/// its previous message, IPv4 in `added`/`dropped` and IPv6 (BEP 7) in `added6`/`dropped6`, compact form.
public struct PexMessage: Equatable, Sendable {
    /// What the sender knows about an added peer (`added.f`, one byte per peer).
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let prefersEncryption = Flags(rawValue: 0x01)
        /// A seed, or upload-only.
        public static let seed = Flags(rawValue: 0x02)
        public static let supportsUTP = Flags(rawValue: 0x04)
        public static let supportsHolepunch = Flags(rawValue: 0x08)
        /// The sender dialled it: it accepts connections.
        public static let reachable = Flags(rawValue: 0x10)
    }

    public struct Peer: Hashable, Sendable {
        public var address: PeerAddress
        public var flags: Flags

        public init(_ address: PeerAddress, flags: Flags = []) {
            self.address = address
            self.flags = flags
        }
    }

    public var added: [Peer]
    public var dropped: [PeerAddress]

    /// The extension's name in the BEP 10 handshake.
    public static let extensionName = "ut_pex"
    /// Most entries in one list (`added`, `added6`, `dropped`, `dropped6`) of a message we accept. The
    /// convention of the clients that made PEX is at most 50 added and 50 dropped peers per message.
    public static let maxEntriesPerList = 50
    /// Longest payload we decode: 50 IPv6 peers with flags in each list is under 2 KiB.
    public static let maxPayloadLength = 8 * 1024

    public init(added: [Peer] = [], dropped: [PeerAddress] = []) {
        self.added = added
        self.dropped = dropped
    }

    public var isEmpty: Bool { added.isEmpty && dropped.isEmpty }

    /// Why a payload was not accepted as a PEX message. The message is then ignored.
    public enum DecodeError: Error, Equatable, Sendable {
        case tooLong(Int)
        case notBencode
        case notADictionary
        /// A list that is not a byte string, or whose length is not a whole number of entries.
        case malformed(String)
        case tooManyEntries(String, Int)
    }

    /// Parses the bencoded payload of a `ut_pex` message. Flags are optional: missing or of the wrong
    /// length, they count as none. Entries with port 0 are left out.
    public init(payload: ByteBuffer) throws(DecodeError) {
        guard payload.readableBytes <= Self.maxPayloadLength else { throw .tooLong(payload.readableBytes) }
        let bytes = payload.getBytes(at: payload.readerIndex, length: payload.readableBytes) ?? []
        let limits = BencodeDecoder.Limits(maxDepth: 4, maxStringLength: Self.maxPayloadLength, maxItems: 64)
        guard let root = try? BencodeDecoder(limits: limits).decode(bytes) else { throw .notBencode }
        guard case .dictionary = root else { throw .notADictionary }

        func entries(_ key: String, ipv6: Bool) throws(DecodeError) -> [PeerAddress] {
            guard let value = root[key] else { return [] }
            guard case .bytes(let compact) = value else { throw .malformed(key) }
            let size = ipv6 ? 18 : 6
            guard compact.count % size == 0 else { throw .malformed(key) }
            guard compact.count / size <= Self.maxEntriesPerList else {
                throw .tooManyEntries(key, compact.count / size)
            }
            return PeerAddress.decodeCompact(compact, ipv6: ipv6)
        }
        func flags(_ key: String, count: Int) -> [Flags] {
            guard let bytes = root[key]?.bytes, bytes.count == count else { return Array(repeating: [], count: count) }
            return bytes.map(Flags.init(rawValue:))
        }
        var added: [Peer] = []
        for (key, ipv6) in [("added", false), ("added6", true)] {
            let addresses = try entries(key, ipv6: ipv6)
            for (address, flag) in zip(addresses, flags(key + ".f", count: addresses.count)) where address.port != 0 {
                added.append(Peer(address, flags: flag))
            }
        }
        let dropped = try entries("dropped", ipv6: false) + entries("dropped6", ipv6: true)
        self.init(added: added, dropped: dropped.filter { $0.port != 0 })
    }

    /// The bencoded payload. Addresses that are neither IPv4 nor IPv6 (host names) are left out.
    public var payload: ByteBuffer {
        var added4: [UInt8] = [], flags4: [UInt8] = [], added6: [UInt8] = [], flags6: [UInt8] = []
        for peer in added {
            if let compact = peer.address.compactIPv4 {
                added4 += compact
                flags4.append(peer.flags.rawValue)
            } else if let compact = peer.address.compactIPv6 {
                added6 += compact
                flags6.append(peer.flags.rawValue)
            }
        }
        var dropped4: [UInt8] = [], dropped6: [UInt8] = []
        for address in dropped {
            if let compact = address.compactIPv4 {
                dropped4 += compact
            } else if let compact = address.compactIPv6 {
                dropped6 += compact
            }
        }
        var dict: [String: BencodeValue] = [
            "added": .bytes(added4), "added.f": .bytes(flags4), "dropped": .bytes(dropped4),
        ]
        if !added6.isEmpty {
            dict["added6"] = .bytes(added6)
            dict["added6.f"] = .bytes(flags6)
        }
        if !dropped6.isEmpty { dict["dropped6"] = .bytes(dropped6) }
        return ByteBuffer(bytes: BencodeEncoder.encode(.dict(dict)))
    }
}
