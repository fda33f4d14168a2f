/// Parsing of textual IP addresses, without Foundation or the C library.
public enum IPAddressText {
    /// The 4 bytes of a dotted-quad IPv4 address.
    public static func ipv4Bytes(_ text: some StringProtocol) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let v = UInt8(part)
            else { return nil }
            out.append(v)
        }
        return out
    }

    /// The 16 bytes of an IPv6 address (`::` compression and a trailing dotted quad allowed; no zone).
    public static func ipv6Bytes(_ text: some StringProtocol) -> [UInt8]? {
        var s = Substring(text)
        if s.hasPrefix("[") && s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        guard s.contains(":"), s.count <= 45 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4Bytes(piece) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let v = UInt16(piece, radix: 16) else { return nil }
                    result.append(v)
                }
            }
            return result
        }
        var all: [UInt16]
        if let gap = s.firstRange(of: "::") {
            let tail = s[gap.upperBound...]
            guard !tail.contains("::"), let head = groups(s[..<gap.lowerBound]), let rest = groups(tail),
                head.count + rest.count <= 7
            else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - rest.count) + rest
        } else {
            guard let g = groups(s), g.count == 8 else { return nil }
            all = g
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// `::ffff:a.b.c.d`: an IPv4 peer seen through a dual-stack socket.
    public static func isIPv4Mapped(_ b: [UInt8]) -> Bool {
        b.count == 16 && b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff
    }

    /// A canonical form for peer keys: IPv4-mapped IPv6 becomes dotted IPv4, other IPv6 lower-case
    /// uncompressed groups (as `PeerAddress.decodeCompact` writes them); anything else is returned as is.
    public static func normalize(_ text: String) -> String {
        if ipv4Bytes(text) != nil { return text }
        guard let b = ipv6Bytes(text) else { return text }
        if isIPv4Mapped(b) {
            return b[12..<16].map(String.init).joined(separator: ".")
        }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// The short text form of an IPv6 address (RFC 5952: the longest run of two or more zero groups, the
    /// first of equal runs, becomes `::`), for showing; anything else is returned as is.
    public static func compressed(_ text: String) -> String {
        guard ipv4Bytes(text) == nil, let b = ipv6Bytes(text) else { return text }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]) }
        var best = (start: 0, length: 0)
        var run = (start: 0, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if run.length == 0 { run.start = index }
                run.length += 1
                if run.length > best.length { best = run }
            } else {
                run.length = 0
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
