/// The parts of a tracker URL that the tracker code needs: `scheme://host[:port]/path?query`.
///
/// Deliberately small: tracker URLs are plain, and this module must not depend on Foundation's URL quirks.
public struct TrackerURL: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased scheme: `http`, `https`, `udp`, or anything else that was written.
    public let scheme: String
    /// Host name or address; IPv6 literals without their brackets.
    public let host: String
    /// The explicit port, or the scheme's default (80, 443); nil for udp without a port.
    public let port: Int?
    /// Path including the leading `/` (may be empty for udp URLs).
    public let path: String
    /// The query without its `?`, or nil when there was none.
    public let query: String?
    /// The original text, without any fragment.
    public let text: String

    public var description: String { text }

    public init?(_ text: String) {
        var rest = Substring(text)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        self.text = String(rest)
        guard let sep = rest.firstRange(of: "://") else { return nil }
        let scheme = rest[..<sep.lowerBound].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        self.scheme = scheme
        rest = rest[sep.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                return nil
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        if let portText, !portText.isEmpty {
            guard let port = Int(portText), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            switch scheme {
            case "http": self.port = 80
            case "https": self.port = 443
            default: self.port = nil
            }
        }
        if let q = rest.firstIndex(of: "?") {
            self.path = String(rest[..<q])
            self.query = String(rest[rest.index(after: q)...])
        } else {
            self.path = String(rest)
            self.query = nil
        }
    }

    /// BEP 48: the scrape URL, made by replacing `announce` at the start of the last path component with
    /// `scrape`; nil when the tracker cannot scrape this way. UDP trackers scrape on the same address.
    public var scrapeURL: String? {
        if scheme == "udp" { return text }
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let component = path[path.index(after: slash)...]
        guard component.hasPrefix("announce") else { return nil }
        let newPath = path[...slash] + "scrape" + component.dropFirst("announce".count)
        return prefix + newPath + (query.map { "?" + $0 } ?? "")
    }

    /// `scheme://authority`, as written.
    private var prefix: Substring {
        let end = text.firstIndex(of: "?") ?? text.endIndex
        let cut = text.utf8.index(end, offsetBy: -path.utf8.count)
        return text[..<cut]
    }
}

/// Percent-encoding as trackers expect it (RFC 3986 unreserved characters stay literal).
public enum PercentEncoding {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in bytes {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xf)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ text: String) -> String { encode(Array(text.utf8)) }

    /// Decodes `%XX` escapes and, as in form encoding, `+` as a space. Nil on a broken escape.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let c = input[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < input.count, let hi = nibble(input[i + 1]), let lo = nibble(input[i + 2]) else {
                    return nil
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i += 1
            }
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Splits a query string into decoded name/value pairs, in order. Pairs with broken escapes are dropped.
    public static func parseQuery(_ query: String) -> [(name: String, value: [UInt8])] {
        var result: [(name: String, value: [UInt8])] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let eq = part.firstIndex(of: "=") {
                name = part[..<eq]
                value = part[part.index(after: eq)...]
            } else {
                name = part
                value = ""
            }
            guard let n = decode(name), let v = decode(value) else { continue }
            result.append((String(decoding: n, as: UTF8.self), v))
        }
        return result
    }
}
