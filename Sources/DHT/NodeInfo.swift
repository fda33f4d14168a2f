/// A UDP endpoint of a DHT node: an IPv4 or IPv6 address in text form and a port.
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var isIPv6: Bool { host.contains(":") }
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `host:port` or `[v6]:port`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// The address bytes (4 or 16) of a numeric host, or nil for a name or malformed text.
    public var addressBytes: [UInt8]? { IPText.parse(host) }

    /// The compact form: address bytes then the port, big-endian (6 or 18 bytes).
    public var compact: [UInt8]? {
        guard let ip = addressBytes else { return nil }
        return ip + [UInt8(port >> 8), UInt8(port & 0xff)]
    }

    /// Decodes 6 (IPv4) or 18 (IPv6) compact bytes.
    public init?(compact bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == 6 || b.count == 18 else { return nil }
        let ip = Array(b[0..<(b.count - 2)])
        self.init(host: IPText.format(ip), port: UInt16(b[b.count - 2]) << 8 | UInt16(b[b.count - 1]))
    }
}

/// A node we know: its id and where it listens.
public struct NodeInfo: Hashable, Sendable, CustomStringConvertible {
    public let id: NodeID
    public let address: NodeAddress

    public init(id: NodeID, address: NodeAddress) {
        self.id = id
        self.address = address
    }

    public var description: String { "\(id.description.prefix(8))@\(address)" }

    /// BEP 5 compact node info: 20-byte id + 6-byte IPv4 endpoint (26 bytes), or with BEP 32 a 16-byte
    /// IPv6 address (38 bytes). Nodes of the other family are skipped.
    public static func encodeCompact(_ nodes: [NodeInfo], ipv6: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for node in nodes {
            guard let endpoint = node.address.compact, endpoint.count == (ipv6 ? 18 : 6) else { continue }
            out += node.id.bytes + endpoint
        }
        return out
    }

    /// Decodes compact node info; nil when the length is not a multiple of the entry size. Entries with
    /// port 0 are dropped.
    public static func decodeCompact(_ bytes: [UInt8], ipv6: Bool) -> [NodeInfo]? {
        let size = ipv6 ? 38 : 26
        guard bytes.count % size == 0 else { return nil }
        var out: [NodeInfo] = []
        var i = 0
        while i < bytes.count {
            let id = NodeID(unchecked: Array(bytes[i..<(i + 20)]))
            if let address = NodeAddress(compact: bytes[(i + 20)..<(i + size)]), address.port != 0 {
                out.append(NodeInfo(id: id, address: address))
            }
            i += size
        }
        return out
    }
}

/// Numeric IP text <-> bytes, without the resolver.
enum IPText {
    static func parse(_ text: String) -> [UInt8]? {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var out: [UInt8] = []
            for part in parts {
                guard !part.isEmpty, part.count <= 3, let v = UInt8(part) else { return nil }
                out.append(v)
            }
            return out
        }
        return parseIPv6(text)
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for part in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !part.isEmpty, part.count <= 4, let v = UInt16(part, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [UInt16] = []
        for g in 0..<8 { groups.append(UInt16(bytes[2 * g]) << 8 | UInt16(bytes[2 * g + 1])) }
        // The longest run of zero groups (two or more) becomes "::", as inet_ntop writes it.
        var best = (start: -1, length: 0)
        var g = 0
        while g < 8 {
            if groups[g] == 0 {
                var end = g
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - g > best.length { best = (g, end - g) }
                g = end
            } else {
                g += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[0..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
