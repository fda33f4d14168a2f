/// A peer's IP address (IPv4 or IPv6 text form) and TCP port.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `1.2.3.4:5`, or `[::1]:5` (IPv6 in its short form, however the host is written).
    public var description: String {
        host.contains(":") ? "[\(IPAddressText.compressed(host))]:\(port)" : "\(host):\(port)"
    }

    /// Parses `1.2.3.4:5` or `[::1]:5`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") || host.contains("[") || host.contains("]") {
            return nil  // an IPv6 host must be bracketed, or the port is ambiguous
        }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// Decodes BEP 23 compact IPv4 peers (6 bytes each) or BEP 7 compact IPv6 peers (18 bytes each).
    public static func decodeCompact(_ bytes: [UInt8], ipv6: Bool = false) -> [PeerAddress] {
        let stride = ipv6 ? 18 : 6
        var peers: [PeerAddress] = []
        var i = 0
        while i + stride <= bytes.count {
            let port = UInt16(bytes[i + stride - 2]) << 8 | UInt16(bytes[i + stride - 1])
            let host: String
            if ipv6 {
                var groups: [String] = []
                for g in 0..<8 {
                    groups.append(String(UInt16(bytes[i + 2 * g]) << 8 | UInt16(bytes[i + 2 * g + 1]), radix: 16))
                }
                host = groups.joined(separator: ":")
            } else {
                host = bytes[i..<i + 4].map(String.init).joined(separator: ".")
            }
            peers.append(PeerAddress(host: host, port: port))
            i += stride
        }
        return peers
    }

    /// The BEP 23 compact form of an IPv4 peer, or nil for other addresses.
    public var compactIPv4: [UInt8]? {
        let parts = host.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4, host.split(separator: ".").count == 4 else { return nil }
        return parts + [UInt8(port >> 8), UInt8(port & 0xff)]
    }

    /// The BEP 7 compact form (16 address bytes, then the port) of an IPv6 peer, or nil for other addresses.
    /// IPv4-mapped addresses are IPv4 peers and give nil.
    public var compactIPv6: [UInt8]? {
        guard IPAddressText.ipv4Bytes(host) == nil, let bytes = IPAddressText.ipv6Bytes(host),
            !IPAddressText.isIPv4Mapped(bytes)
        else { return nil }
        return bytes + [UInt8(port >> 8), UInt8(port & 0xff)]
    }

    /// The same peer with its host in the canonical form `decodeCompact` produces (IPv4-mapped IPv6 as
    /// dotted IPv4, other IPv6 as eight uncompressed groups), so one peer heard of from a tracker, PEX and
    /// an incoming connection is one key.
    public var normalized: PeerAddress { PeerAddress(host: IPAddressText.normalize(host), port: port) }
}
